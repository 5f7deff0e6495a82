"""More nn layers and functions (extra_layers.py, functional_more.py) against PyTorch, float64
finite differences (first and second order), with hypothesis over shapes and values."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import nn
from tinygrad4h03.nn import functional as F

ACTIVATIONS = [
    # (our function, PyTorch's name in torch.nn.functional, keyword arguments)
    ("silu", {}),
    ("relu6", {}),
    ("selu", {}),
    ("mish", {}),
    ("softsign", {}),
    ("hardswish", {}),
    ("hardsigmoid", {}),
    ("tanhshrink", {}),
    ("logsigmoid", {}),
    ("hardtanh", {"min_val": -0.5, "max_val": 2.0}),
    ("softmin", {"dim": 1}),
]

MODULES = [
    ("SiLU", (), "silu", {}),
    ("ReLU6", (), "relu6", {}),
    ("SELU", (), "selu", {}),
    ("Mish", (), "mish", {}),
    ("Softsign", (), "softsign", {}),
    ("Hardswish", (), "hardswish", {}),
    ("Hardsigmoid", (), "hardsigmoid", {}),
    ("Tanhshrink", (), "tanhshrink", {}),
    ("LogSigmoid", (), "logsigmoid", {}),
    ("Hardtanh", (-2.0, 0.5), "hardtanh", {"min_val": -2.0, "max_val": 0.5}),
    ("Softmin", (0,), "softmin", {"dim": 0}),
]


def _away_from_kinks(x: np.ndarray) -> np.ndarray:
    """Values at least 0.05 from the kinks at 0, ±0.5, ±1, ±2, ±3 and 6, so that finite
    differences see one smooth piece."""
    kinks = np.array([-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 6])
    near = np.abs(x[..., None] - kinks).min(axis=-1) < 0.05
    return np.where(near, x + 0.1, x)


def _array(shape: tuple[int, ...], seed: int, scale: float = 3.0) -> np.ndarray:
    return _away_from_kinks(np.random.default_rng(seed).standard_normal(shape) * scale)


def _compare(ours: tg.Tensor, theirs: Any, tol: float = 1e-10) -> None:
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize(("name", "kwargs"), ACTIVATIONS)
@settings(max_examples=15)
@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=3), seed=st.integers(0, 999))
def test_activation_matches_pytorch_values_and_gradients(
    name: str, kwargs: dict[str, Any], shape: list[int], seed: int
) -> None:
    torch = pytest.importorskip("torch")
    x = _array(tuple(shape), seed)
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = getattr(F, name)(a, **kwargs), getattr(torch.nn.functional, name)(b, **kwargs)
    _compare(ours, theirs)
    w = np.random.default_rng(seed + 1).standard_normal(x.shape)
    (ours * tg.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    # PyTorch's hardsigmoid backward multiplies by 1/6 rounded to float32
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize(("name", "kwargs"), ACTIVATIONS)
def test_activation_passes_gradcheck_and_gradgradcheck(name: str, kwargs: dict[str, Any]) -> None:
    x = tg.tensor(_array((3, 4), 7), requires_grad=True)
    fn = getattr(F, name)
    assert tg.gradcheck(lambda t: fn(t, **kwargs), (x,))
    assert tg.gradgradcheck(lambda t: fn(t, **kwargs), (x,))


@pytest.mark.parametrize(("module", "args", "name", "kwargs"), MODULES)
def test_activation_module_matches_its_function_and_pytorch_repr(
    module: str, args: tuple[Any, ...], name: str, kwargs: dict[str, Any]
) -> None:
    torch = pytest.importorskip("torch")
    x = _array((2, 5), 3)
    layer, reference = getattr(nn, module)(*args), getattr(torch.nn, module)(*args)
    assert repr(layer) == repr(reference)
    _compare(layer(tg.tensor(x)), reference(torch.tensor(x)))


def test_activations_at_their_kinks_take_pytorchs_one_sided_gradients() -> None:
    torch = pytest.importorskip("torch")
    x = np.array([-3.0, -1.0, 0.0, 1.0, 3.0, 6.0])
    for name in ("relu6", "hardswish", "hardsigmoid", "hardtanh"):
        a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        getattr(F, name)(a).sum().backward()
        getattr(torch.nn.functional, name)(b).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), err_msg=name)


def test_logsigmoid_and_mish_do_not_overflow() -> None:
    x = tg.tensor([-800.0, 800.0], dtype=tg.float64)
    np.testing.assert_allclose(F.logsigmoid(x).numpy(), [-800.0, 0.0])
    np.testing.assert_allclose(F.mish(x).numpy(), [0.0, 800.0], atol=1e-300)


def test_hardtanh_refuses_min_above_max() -> None:
    with pytest.raises(ValueError, match="min_val"):
        F.hardtanh(tg.ones(2), 1.0, -1.0)
    with pytest.raises(ValueError, match="min_val"):
        nn.Hardtanh(1.0, -1.0)


# --------------------------------------------------------------------------- PReLU


@pytest.mark.parametrize("num_parameters", [1, 3])
def test_prelu_matches_pytorch_with_loaded_weights(num_parameters: int) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = nn.PReLU(num_parameters).double(), torch.nn.PReLU(num_parameters).double()
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    np.testing.assert_allclose(ours.weight.numpy(), theirs.weight.detach().numpy())
    slopes = np.random.default_rng(0).uniform(0.1, 0.9, num_parameters)
    theirs.weight.data = torch.tensor(slopes)
    ours.load_state_dict(theirs.state_dict())
    x = _array((2, 3, 4), 1)
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(a), theirs(b)
    _compare(out, ref)
    w = np.random.default_rng(2).standard_normal(x.shape)
    (out * tg.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-10)


def test_prelu_gradchecks_in_input_and_weight_and_refuses_a_wrong_weight() -> None:
    x = tg.tensor(_array((2, 3, 2), 4), requires_grad=True)
    weight = tg.tensor([0.2, 0.3, 0.4], dtype=tg.float64, requires_grad=True)
    assert tg.gradcheck(F.prelu, (x, weight))
    assert tg.gradgradcheck(F.prelu, (x, weight))
    with pytest.raises(RuntimeError, match="prelu"):
        F.prelu(x, tg.ones(2))


# ------------------------------------------------------------------------- 1-D convolution, pooling


@settings(max_examples=20)
@given(
    length=st.integers(7, 12),  # the widest dilated kernel is 7
    kernel=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    bias=st.booleans(),
    seed=st.integers(0, 999),
)
def test_conv1d_matches_pytorch(
    length: int, kernel: int, stride: int, padding: int, dilation: int, bias: bool, seed: int
) -> None:
    torch = pytest.importorskip("torch")
    args = (2, 3, kernel)
    settings_ = {"stride": stride, "padding": padding, "dilation": dilation, "bias": bias}
    ours, theirs = nn.Conv1d(*args, **settings_).double(), torch.nn.Conv1d(*args, **settings_)
    theirs = theirs.double()
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(seed).standard_normal((2, 2, length))
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(a), theirs(b)
    _compare(out, ref)
    w = np.random.default_rng(seed + 1).standard_normal(ref.shape)
    (out * tg.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-9)


def test_conv1d_same_padding_unbatched_gradchecks_and_init() -> None:
    torch = pytest.importorskip("torch")
    conv = nn.Conv1d(2, 4, 4, padding="same", bias=False)
    assert repr(conv) == repr(torch.nn.Conv1d(2, 4, 4, padding="same", bias=False))
    assert conv(tg.zeros(2, 9)).shape == (4, 9)
    bound = 1 / np.sqrt(2 * 4)
    assert np.abs(conv.weight.numpy()).max() <= bound
    x = tg.tensor(np.random.default_rng(0).standard_normal((1, 2, 6)), requires_grad=True)
    weight = tg.tensor(np.random.default_rng(1).standard_normal((3, 2, 2)), requires_grad=True)
    assert tg.gradcheck(lambda a, b: F.conv1d(a, b, stride=2, padding=1), (x, weight))
    assert tg.gradgradcheck(lambda a, b: F.conv1d(a, b, dilation=2), (x, weight))
    with pytest.raises(RuntimeError, match="conv1d"):
        F.conv1d(x, tg.ones(3, 5, 2))


@settings(max_examples=20)
@given(
    length=st.integers(4, 12),
    kernel=st.integers(1, 4),
    stride=st.integers(1, 3) | st.none(),
    seed=st.integers(0, 999),
    data=st.data(),
)
def test_pool1d_matches_pytorch(
    length: int, kernel: int, stride: int | None, seed: int, data: Any
) -> None:
    torch = pytest.importorskip("torch")
    padding = data.draw(st.integers(0, kernel // 2))
    x = np.random.default_rng(seed).standard_normal((2, 3, length))
    for ours, theirs in (
        (nn.MaxPool1d(kernel, stride, padding), torch.nn.MaxPool1d(kernel, stride, padding)),
        (nn.AvgPool1d(kernel, stride, padding), torch.nn.AvgPool1d(kernel, stride, padding)),
    ):
        assert repr(ours) == repr(theirs)
        a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, ref = ours(a), theirs(b)
        _compare(out, ref)
        w = np.random.default_rng(seed + 1).standard_normal(ref.shape)
        (out * tg.tensor(w)).sum().backward()
        (ref * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_max_pool1d_indices_and_pool1d_gradchecks() -> None:
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).standard_normal((2, 7))
    out, idx = F.max_pool1d(tg.tensor(x), 3, 2, 1, return_indices=True)
    ref, ref_idx = torch.nn.functional.max_pool1d(torch.tensor(x), 3, 2, 1, return_indices=True)
    _compare(out, ref)
    np.testing.assert_array_equal(idx.numpy(), ref_idx.numpy())
    t = tg.tensor(x, requires_grad=True)
    assert tg.gradgradcheck(lambda v: F.avg_pool1d(v * v, 2, 1, 1), (t,))
    assert tg.gradgradcheck(lambda v: F.max_pool1d(v * v, 2), (t,))
    with pytest.raises(RuntimeError, match="max_pool1d: expected a 2-D or 3-D"):
        F.max_pool1d(tg.ones(4), 2)


@settings(max_examples=15)
@given(size=st.tuples(st.integers(1, 9), st.integers(1, 9)), out=st.integers(1, 4))
def test_adaptive_max_pool2d_matches_pytorch(size: tuple[int, int], out: int) -> None:
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(sum(size)).standard_normal((2, 3, *size))
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ours, idx) = F.adaptive_max_pool2d(a, (out, None), return_indices=True)
    (ref, ref_idx) = torch.nn.functional.adaptive_max_pool2d(b, (out, None), return_indices=True)
    _compare(ours, ref)
    np.testing.assert_array_equal(idx.numpy(), ref_idx.numpy())
    ours.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy())
    assert repr(nn.AdaptiveMaxPool2d(2)) == repr(torch.nn.AdaptiveMaxPool2d(2))


def test_adaptive_max_pool2d_and_bilinear_resizing_gradcheck_to_second_order() -> None:
    x = tg.tensor(np.random.default_rng(5).standard_normal((1, 2, 5, 4)), requires_grad=True)
    assert tg.gradcheck(lambda t: F.adaptive_max_pool2d(t, (2, 3)), (x,))
    assert tg.gradgradcheck(lambda t: F.adaptive_max_pool2d(t * t, (2, 3)), (x,))
    for align in (False, True):

        def resize(t: tg.Tensor, a: bool = align) -> tg.Tensor:
            return F.interpolate(t * t, size=(7, 3), mode="bilinear", align_corners=a)

        assert tg.gradcheck(resize, (x,))
        assert tg.gradgradcheck(resize, (x,))
    with pytest.raises(RuntimeError, match="positive"):
        F.adaptive_max_pool2d(x, 0)


# --------------------------------------------------------------------------- GroupNorm, shapes


@settings(max_examples=15)
@given(
    groups=st.sampled_from([1, 2, 3, 6]),
    spatial=st.lists(st.integers(1, 4), max_size=2),
    affine=st.booleans(),
    seed=st.integers(0, 999),
)
def test_group_norm_matches_pytorch(
    groups: int, spatial: list[int], affine: bool, seed: int
) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = (
        nn.GroupNorm(groups, 6, affine=affine),
        torch.nn.GroupNorm(groups, 6, affine=affine),
    )
    ours, theirs = ours.double(), theirs.double()
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    if affine:
        rng = np.random.default_rng(seed + 2)
        theirs.weight.data = torch.tensor(rng.standard_normal(6))
        theirs.bias.data = torch.tensor(rng.standard_normal(6))
        ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(seed).standard_normal((2, 6, *spatial)) * 3 + 1
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(a), theirs(b)
    _compare(out, ref, 1e-9)
    w = np.random.default_rng(seed + 1).standard_normal(x.shape)
    (out * tg.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-8, atol=1e-10)
    if affine:
        np.testing.assert_allclose(
            ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-8, atol=1e-10
        )


def test_group_norm_gradchecks_and_errors() -> None:
    x = tg.tensor(np.random.default_rng(0).standard_normal((2, 4, 3)), requires_grad=True)
    gamma = tg.tensor([1.0, 2.0, 0.5, -1.0], dtype=tg.float64, requires_grad=True)
    beta = tg.tensor([0.0, 1.0, 0.5, -1.0], dtype=tg.float64, requires_grad=True)
    assert tg.gradcheck(lambda *t: F.group_norm(t[0], 2, t[1], t[2]), (x, gamma, beta))
    assert tg.gradgradcheck(lambda *t: F.group_norm(t[0], 2, t[1], t[2]), (x, gamma, beta))
    with pytest.raises(ValueError, match="divisible"):
        nn.GroupNorm(3, 4)
    with pytest.raises(RuntimeError, match="group_norm"):
        F.group_norm(tg.ones(2, 4), 3)
    with pytest.raises(RuntimeError, match="weight of shape"):
        nn.GroupNorm(2, 4)(tg.ones(2, 6))


def test_unflatten_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    for name in ("SiLU", "Mish", "Hardswish", "Hardsigmoid", "SELU", "ReLU6", "Hardtanh"):
        assert repr(getattr(nn, name)(inplace=True)) == repr(getattr(torch.nn, name)(inplace=True))
    ours, theirs = nn.Unflatten(1, (2, 3)), torch.nn.Unflatten(1, (2, 3))
    assert repr(ours) == repr(theirs)
    x = np.arange(24.0).reshape(4, 6)
    _compare(ours(tg.tensor(x)), theirs(torch.tensor(x)))
    assert nn.Unflatten(-1, (3, 2))(tg.zeros(4, 6)).shape == (4, 3, 2)
    model = nn.Sequential(nn.Flatten(), nn.Unflatten(1, (2, 3)))
    assert model(tg.zeros(5, 2, 3)).shape == (5, 2, 3)


# --------------------------------------------------------------------------- interpolation


@settings(max_examples=25)
@given(
    size=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    target=st.tuples(st.integers(1, 9), st.integers(1, 9)) | st.none(),
    scale=st.sampled_from([2, 3, 0.5, 1.5, 2.5]),
    mode=st.sampled_from(["nearest", "nearest-exact", "area", "bilinear"]),
    align=st.booleans(),
)
def test_interpolate_matches_pytorch(
    size: tuple[int, int], target: Any, scale: float, mode: str, align: bool
) -> None:
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(sum(size)).standard_normal((2, 3, *size))
    kwargs: dict[str, Any] = {"size": target} if target else {"scale_factor": scale}
    if mode == "bilinear":
        kwargs["align_corners"] = align
    if target is None and min(int(n * scale) for n in size) == 0:
        return  # an empty output: PyTorch refuses it too
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, ref = (
        F.interpolate(a, mode=mode, **kwargs),
        torch.nn.functional.interpolate(b, mode=mode, **kwargs),
    )
    _compare(ours, ref, 1e-6)
    w = np.random.default_rng(1).standard_normal(ref.shape)
    (ours * tg.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_upsample_module_repr_linear_mode_gradchecks_and_errors() -> None:
    torch = pytest.importorskip("torch")
    for args in ({"scale_factor": 2}, {"size": (4, 5)}, {"scale_factor": 2, "mode": "bilinear"}):
        assert repr(nn.Upsample(**args)) == repr(torch.nn.Upsample(**args))
    x = np.random.default_rng(0).standard_normal((1, 2, 5))
    ours = F.interpolate(tg.tensor(x), size=8, mode="linear")
    _compare(ours, torch.nn.functional.interpolate(torch.tensor(x), size=8, mode="linear"))
    t = tg.tensor(x, requires_grad=True)
    assert tg.gradgradcheck(lambda v: F.interpolate(v * v, scale_factor=2, mode="linear"), (t,))
    assert tg.gradcheck(lambda v: F.interpolate(v, scale_factor=3), (t,))
    with pytest.raises(ValueError, match="size or scale_factor"):
        F.interpolate(t)
    with pytest.raises(ValueError, match="align_corners"):
        F.interpolate(t, scale_factor=2, align_corners=True)
    with pytest.raises(NotImplementedError, match="bicubic"):
        F.interpolate(t, scale_factor=2, mode="bicubic")


# --------------------------------------------------------------------------- parameter containers


def test_parameter_list_registers_converts_and_loads() -> None:
    torch = pytest.importorskip("torch")
    params = nn.ParameterList([tg.zeros(2), nn.Parameter(tg.ones(3))])
    params.append(tg.full((2, 2), 2.0))
    reference = torch.nn.ParameterList([torch.zeros(2), torch.ones(3), torch.full((2, 2), 2.0)])
    assert len(params) == 3 and all(isinstance(p, nn.Parameter) for p in params)
    assert list(params.state_dict()) == list(reference.state_dict()) == ["0", "1", "2"]
    reference[1].data.mul_(5)
    params.load_state_dict(reference.state_dict())
    np.testing.assert_array_equal(params[1].numpy(), [5.0, 5.0, 5.0])
    assert params[-1].shape == (2, 2)
    assert repr(params) == repr(reference)
    assert repr(nn.ParameterList()) == "ParameterList()"
    with pytest.raises(IndexError, match="out of range"):
        params[3]
    opt = tg.optim.SGD(params.parameters(), lr=0.1)
    assert len(opt.param_groups[0]["params"]) == 3


def test_parameter_dict_registers_keys_in_order() -> None:
    torch = pytest.importorskip("torch")
    params = nn.ParameterDict({"b": tg.zeros(2), "a": tg.ones(1)})  # a dict: sorted keys
    params["c"] = tg.ones(3)
    reference = torch.nn.ParameterDict({"b": torch.zeros(2), "a": torch.ones(1)})
    reference["c"] = torch.ones(3)
    assert list(params.state_dict()) == list(reference.state_dict()) == ["a", "b", "c"]
    assert params.keys() == ["a", "b", "c"] and "a" in params and len(params) == 3
    pairs = nn.ParameterDict([("z", tg.ones(1)), ("y", tg.ones(1))])  # pairs keep their order
    assert pairs.keys() == ["z", "y"]
    assert isinstance(params["c"], nn.Parameter)
    assert repr(params) == repr(reference)
    removed = params.pop("a")
    assert removed.shape == (1,) and "a" not in params
    assert [n for n, _ in params.named_parameters()] == ["b", "c"]
    with pytest.raises(KeyError):
        params["a"]
    model = nn.Module()
    model.extra = params
    assert [n for n, _ in model.named_parameters()] == ["extra.b", "extra.c"]


# --------------------------------------------------------------------------- attention


def _load_attention(ours: nn.MultiheadAttention, theirs: Any, seed: int) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.tensor(rng.standard_normal(tuple(p.shape)) * 0.5))
    ours.load_state_dict(theirs.state_dict())


@settings(max_examples=15)
@given(
    heads=st.sampled_from([1, 2, 4]),
    batch_first=st.booleans(),
    bias=st.booleans(),
    lengths=st.tuples(st.integers(1, 4), st.integers(1, 5)),
    average=st.booleans(),
    seed=st.integers(0, 999),
)
def test_multihead_attention_matches_pytorch(
    heads: int, batch_first: bool, bias: bool, lengths: tuple[int, int], average: bool, seed: int
) -> None:
    torch = pytest.importorskip("torch")
    kwargs = {"bias": bias, "batch_first": batch_first, "dtype": torch.float64}
    theirs = torch.nn.MultiheadAttention(8, heads, **kwargs)
    ours = nn.MultiheadAttention(8, heads, bias=bias, batch_first=batch_first, dtype=tg.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs).replace("in_features", "in_features")
    _load_attention(ours, theirs, seed)
    tgt, src = lengths
    rng = np.random.default_rng(seed + 1)
    shape = (lambda n: (3, n, 8)) if batch_first else (lambda n: (n, 3, 8))
    q, k, v = (
        rng.standard_normal(shape(tgt)),
        rng.standard_normal(shape(src)),
        rng.standard_normal(shape(src)),
    )
    ta = [tg.tensor(a, requires_grad=True) for a in (q, k, v)]
    pa = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    out, weights = ours(*ta, average_attn_weights=average)
    ref, ref_weights = theirs(*pa, average_attn_weights=average)
    _compare(out, ref, 1e-9)
    _compare(weights, ref_weights, 1e-9)
    w = rng.standard_normal(ref.shape)
    (out * tg.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    for mine, their in zip(ta, pa):
        np.testing.assert_allclose(mine.grad.numpy(), their.grad.numpy(), rtol=1e-8, atol=1e-10)
    theirs_grads = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(
            p.grad.numpy(), theirs_grads[name].grad.numpy(), rtol=1e-8, atol=1e-10, err_msg=name
        )


def test_multihead_attention_masks_unbatched_and_kdim_match_pytorch() -> None:
    torch = pytest.importorskip("torch")
    theirs = torch.nn.MultiheadAttention(6, 2, kdim=4, vdim=5, dtype=torch.float64)
    ours = nn.MultiheadAttention(6, 2, kdim=4, vdim=5, dtype=tg.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _load_attention(ours, theirs, 0)
    rng = np.random.default_rng(1)
    q, k, v = (
        rng.standard_normal((3, 2, 6)),
        rng.standard_normal((4, 2, 4)),
        rng.standard_normal((4, 2, 5)),
    )
    causal = np.triu(np.ones((3, 4), bool), 1)
    padding = np.array([[False, False, False, True], [False, False, True, True]])
    float_mask = rng.standard_normal((2 * 2, 3, 4))
    for masks in (
        {"attn_mask": causal},
        {"key_padding_mask": padding},
        {"attn_mask": float_mask, "key_padding_mask": padding},
    ):
        theirs_masks = {n: torch.tensor(m) for n, m in masks.items()}
        out, w = ours(tg.tensor(q), tg.tensor(k), tg.tensor(v), **masks)
        ref, ref_w = theirs(torch.tensor(q), torch.tensor(k), torch.tensor(v), **theirs_masks)
        _compare(out, ref, 1e-9)
        _compare(w, ref_w, 1e-9)
    out, w = ours(tg.tensor(q[:, 0]), tg.tensor(k[:, 0]), tg.tensor(v[:, 0]), need_weights=False)
    ref, _ = theirs(torch.tensor(q[:, 0]), torch.tensor(k[:, 0]), torch.tensor(v[:, 0]))
    _compare(out, ref, 1e-9)
    assert w is None


def test_multihead_attention_init_gradchecks_dropout_and_errors() -> None:
    tg.manual_seed(0)
    attention = nn.MultiheadAttention(16, 4)
    bound = np.sqrt(6 / (16 + 48))  # Xavier-uniform over the (3E, E) matrix
    assert np.abs(attention.in_proj_weight.numpy()).max() <= bound
    assert not attention.in_proj_bias.numpy().any() and not attention.out_proj.bias.numpy().any()
    small = nn.MultiheadAttention(4, 2, dtype=tg.float64)
    x = tg.tensor(np.random.default_rng(0).standard_normal((3, 1, 4)), requires_grad=True)
    assert tg.gradcheck(lambda t: small(t, t, t)[0], (x,))
    assert tg.gradgradcheck(lambda t: small(t, t, t)[0], (x,))
    dropping = nn.MultiheadAttention(4, 1, dropout=0.5)
    y = tg.randn(5, 2, 4)
    _, weights = dropping.eval()(y, y, y)
    np.testing.assert_allclose(weights.numpy().sum(-1), 1.0, rtol=1e-5)
    tg.manual_seed(1)
    _, dropped = dropping.train()(y, y, y)  # PyTorch returns the weights after dropout
    kept = dropped.numpy() != 0
    assert 0.2 < 1 - kept.mean() < 0.8
    np.testing.assert_allclose(dropped.numpy()[kept], 2 * weights.numpy()[kept], rtol=1e-5)
    with pytest.raises(AssertionError, match="divisible"):
        nn.MultiheadAttention(6, 4)
    with pytest.raises(AssertionError, match="embedding dimension"):
        small(tg.ones(2, 1, 3), tg.ones(2, 1, 3), tg.ones(2, 1, 3))
