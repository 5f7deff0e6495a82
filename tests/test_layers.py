"""The layers of API.md §3 beyond Linear: convolution, pooling, dropout, embeddings,
normalisation and the extra activations, as modules and functions.

Each is checked against PyTorch (values, gradients, reprs, state_dict keys, running
statistics), on its own edge cases (ties, padding rows, train/eval) and on its errors. The
finite-difference, second-order and float64 PyTorch checks of the functions themselves are
in the op catalogue (``op_catalogue.py``), with every other operation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import engine, nn, rules
from tinygrad4h03.nn import functional as F
from tinygrad4h03.tensor import apply
from tinygrad4h03.testing import assert_gradients_match

FEW = settings(max_examples=15)


def _torch() -> Any:
    return pytest.importorskip("torch")


def _copy_weights(ours: nn.Module, theirs: Any) -> None:
    """Give ``ours`` the PyTorch module's parameters and buffers."""
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def _assert_close(ours: Any, theirs: Any, atol: float = 1e-5) -> None:
    mine = ours.numpy() if isinstance(ours, tg.Tensor) else np.asarray(ours)
    np.testing.assert_allclose(mine, theirs.detach().numpy(), rtol=1e-4, atol=atol)


def _graph_size(out: tg.Tensor) -> int:
    return sum(1 for node in engine.topological_order([out]) if node._parents)


# --------------------------------------------------------------------------- convolution


@st.composite
def conv_settings(draw: st.DrawFn) -> dict[str, Any]:
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(st.sampled_from([0, 2, (1, 0), "valid", "same"]))
    stride = 1 if padding == "same" else draw(st.sampled_from([1, 2, (1, 3)]))
    return {
        "kernel_size": kernel,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "bias": draw(st.booleans()),
    }


@pytest.mark.filterwarnings("ignore:Using padding=.same.:UserWarning")
@FEW
@given(
    settings_=conv_settings(),
    batch=st.integers(1, 3),
    channels=st.integers(1, 3),
    extra=st.integers(0, 4),
    seed=st.integers(0, 2**16),
)
def test_conv2d_module_matches_pytorch(
    settings_: dict[str, Any], batch: int, channels: int, extra: int, seed: int
) -> None:
    torch = _torch()
    torch.manual_seed(seed)
    theirs = torch.nn.Conv2d(channels, 4, **settings_)
    ours = nn.Conv2d(channels, 4, **settings_)
    _copy_weights(ours, theirs)
    reach = [d * (k - 1) + 1 for d, k in zip(settings_["dilation"], settings_["kernel_size"])]
    x = np.random.default_rng(seed).standard_normal(
        (batch, channels, reach[0] + extra, reach[1] + 2), dtype=np.float32
    )
    x_ours, x_theirs = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(x_ours), theirs(x_theirs)
    assert out.dtype == np.float32
    _assert_close(out, ref)
    weight = np.random.default_rng(seed + 1).standard_normal(ref.shape).astype(np.float32)
    (out * tg.tensor(weight)).sum().backward()
    (ref * torch.from_numpy(weight)).sum().backward()
    _assert_close(x_ours.grad, x_theirs.grad, atol=1e-4)
    _assert_close(ours.weight.grad, theirs.weight.grad, atol=1e-4)
    if settings_["bias"]:
        _assert_close(ours.bias.grad, theirs.bias.grad, atol=1e-4)
    assert repr(ours) == repr(theirs)


def test_conv2d_takes_one_image_without_the_batch_dim() -> None:
    torch = _torch()
    theirs = torch.nn.Conv2d(2, 3, 3, padding=1)
    ours = nn.Conv2d(2, 3, 3, padding=1)
    _copy_weights(ours, theirs)
    x = np.random.default_rng(0).standard_normal((2, 5, 4), dtype=np.float32)
    out = ours(tg.tensor(x))
    assert out.shape == (3, 5, 4)
    _assert_close(out, theirs(torch.from_numpy(x)))


@pytest.mark.parametrize("kernel", [2, 4, (2, 3)])
@pytest.mark.filterwarnings("ignore:Using padding=.same.:UserWarning")
def test_same_padding_puts_the_odd_row_at_the_bottom_right_like_pytorch(kernel: Any) -> None:
    torch = _torch()
    x = np.arange(30.0).reshape(1, 1, 5, 6)
    w = np.random.default_rng(1).standard_normal((1, 1, *np.broadcast_to(kernel, 2)))
    ours = F.conv2d(tg.tensor(x), tg.tensor(w), padding="same", dilation=(1, 2))
    theirs = torch.nn.functional.conv2d(
        torch.tensor(x), torch.tensor(w), padding="same", dilation=(1, 2)
    )
    assert ours.shape == (1, 1, 5, 6)
    _assert_close(ours, theirs, atol=1e-10)


def test_conv2d_known_answer_and_gradient_by_hand() -> None:
    x = tg.tensor(np.arange(9.0).reshape(1, 1, 3, 3), requires_grad=True)
    w = tg.tensor([[[[1.0, 0.0], [0.0, -1.0]]]], requires_grad=True)
    out = F.conv2d(x, w)  # x[i, j] − x[i + 1, j + 1] = −4 everywhere
    np.testing.assert_array_equal(out.numpy(), np.full((1, 1, 2, 2), -4.0))
    out.sum().backward()
    # each input pixel collects +1 for every window it starts and −1 for every window it ends
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[1, 1, 0], [1, 0, -1], [0, -1, -1]])
    np.testing.assert_array_equal(w.grad.numpy()[0, 0], [[8, 12], [20, 24]])


def test_conv2d_default_initialisation_is_pytorchs_bound() -> None:
    tg.manual_seed(0)
    conv = nn.Conv2d(3, 64, (5, 4))
    bound = 1 / np.sqrt(3 * 5 * 4)
    for p in (conv.weight, conv.bias):
        values = p.numpy()
        assert values.dtype == np.float32
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.9 * bound  # spread over the whole interval
    tg.manual_seed(0)
    np.testing.assert_array_equal(nn.Conv2d(3, 64, (5, 4)).weight.numpy(), conv.weight.numpy())


def test_conv2d_state_dict_keys_and_shapes_match_pytorch() -> None:
    torch = _torch()
    for args, kwargs in [((1, 20, 9), {}), ((3, 8, (3, 5)), {"bias": False})]:
        ours = nn.Conv2d(*args, **kwargs).state_dict()
        theirs = torch.nn.Conv2d(*args, **kwargs).state_dict()
        assert [(k, tuple(v.shape)) for k, v in ours.items()] == [
            (k, tuple(v.shape)) for k, v in theirs.items()
        ]


def test_conv2d_graph_does_not_grow_with_the_image() -> None:
    # vectorised: the same handful of nodes for a 6×6 and a 40×40 image
    conv = nn.Conv2d(2, 3, 3, padding=1)
    small = _graph_size(conv(tg.zeros(1, 2, 6, 6)))
    assert small == _graph_size(conv(tg.zeros(4, 2, 40, 40)))
    assert small <= 10


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: nn.Conv2d(3, 4, 3, groups=2), ValueError, "groups"),
        (lambda: nn.Conv2d(2, 4, 3, padding="full"), ValueError, "padding"),
        (lambda: nn.Conv2d(2, 4, 3, padding="same", stride=2), ValueError, "strided"),
        (lambda: nn.Conv2d(2, 4, 3, padding_mode="reflect"), NotImplementedError, "reflect"),
        (lambda: nn.Conv2d(2, 4, 3, padding_mode="mirror"), ValueError, "padding_mode"),
        (lambda: nn.Conv2d(0, 4, 3), ValueError, "in_channels"),
        (lambda: nn.Conv2d(2, 4, 3)(tg.zeros(1, 3, 8, 8)), RuntimeError, "(1, 3, 8, 8)"),
        (lambda: nn.Conv2d(2, 4, 5)(tg.zeros(1, 2, 4, 4)), RuntimeError, "kernel"),
        (lambda: nn.Conv2d(2, 4, 3)(tg.zeros(2, 8, 8, 1, 1)), RuntimeError, "4-D"),
        (
            lambda: F.conv2d(tg.zeros(1, 1, 4, 4), tg.zeros(1, 1, 2, 2), padding=-1),
            RuntimeError,
            "negative",
        ),
    ],
)
def test_conv2d_errors_name_the_problem(make: Any, error: type, words: str) -> None:
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        make()


# --------------------------------------------------------------------------- pooling


@FEW
@given(
    kernel=st.integers(1, 3),
    stride=st.sampled_from([None, 1, 2]),
    padding=st.integers(0, 1),
    seed=st.integers(0, 2**16),
)
def test_pool_modules_match_pytorch_values_and_gradients(
    kernel: int, stride: Any, padding: int, seed: int
) -> None:
    torch = _torch()
    padding = min(padding, kernel // 2)
    x = np.random.default_rng(seed).standard_normal((2, 3, 7, 6), dtype=np.float32)
    for ours, theirs in [
        (nn.MaxPool2d(kernel, stride, padding), torch.nn.MaxPool2d(kernel, stride, padding)),
        (nn.AvgPool2d(kernel, stride, padding), torch.nn.AvgPool2d(kernel, stride, padding)),
        (
            nn.AvgPool2d(kernel, stride, padding, count_include_pad=False),
            torch.nn.AvgPool2d(kernel, stride, padding, count_include_pad=False),
        ),
    ]:
        a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, ref = ours(a), theirs(b)
        _assert_close(out, ref)
        (out * out).sum().backward()
        (ref * ref).sum().backward()
        _assert_close(a.grad, b.grad)
        assert repr(ours) == repr(theirs)


def test_max_pool_gives_a_tie_to_the_first_maximum_like_pytorch() -> None:
    torch = _torch()
    # after a ReLU whole windows are 0: PyTorch routes each window's gradient to one entry
    x = np.array([[[[-1.0, -2.0, 3.0, 3.0], [-1.0, 0.0, 1.0, 3.0]]]])
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    F.max_pool2d(a.relu(), 2).sum().backward()
    torch.nn.functional.max_pool2d(b.relu(), 2).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
    np.testing.assert_array_equal(a.grad.numpy()[0, 0], [[0, 0, 1, 0], [0, 0, 0, 0]])


def test_max_pool_return_indices_match_pytorch() -> None:
    torch = _torch()
    x = np.random.default_rng(3).standard_normal((2, 2, 6, 5))
    values, indices = F.max_pool2d(tg.tensor(x), 3, 2, 1, return_indices=True)
    ref_values, ref_indices = torch.nn.functional.max_pool2d(
        torch.tensor(x), 3, 2, 1, return_indices=True
    )
    _assert_close(values, ref_values, atol=0)
    np.testing.assert_array_equal(indices.numpy(), ref_indices.numpy())
    assert indices.dtype == np.int64


def test_avg_pool_divisor_override_and_unbatched_input() -> None:
    torch = _torch()
    x = np.random.default_rng(4).standard_normal((3, 5, 5))
    ours = F.avg_pool2d(tg.tensor(x), 2, 1, 1, divisor_override=3)
    theirs = torch.nn.functional.avg_pool2d(torch.tensor(x), 2, 1, 1, divisor_override=3)
    assert ours.shape == (3, 6, 6)
    _assert_close(ours, theirs, atol=1e-12)


def test_pool_sum_rule_equals_the_sum_of_the_windows() -> None:
    # the fused rule against its composition: values, gradients and second derivatives
    how = {"kernel": (2, 3), "stride": (2, 1), "dilation": (1, 2)}
    x = np.random.default_rng(5).standard_normal((2, 1, 5, 7))

    def fused(t: tg.Tensor) -> tg.Tensor:
        return apply(rules.POOL_SUM, t, **how) ** 2

    def composed(t: tg.Tensor) -> tg.Tensor:
        return apply(rules.WINDOWS, t, **how).sum(dim=(-2, -1)) ** 2

    a, b = tg.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    np.testing.assert_allclose(fused(a).numpy(), composed(b).numpy(), rtol=1e-12)
    w = tg.tensor(np.random.default_rng(6).standard_normal(fused(a).shape))
    (ga,) = tg.grad((fused(a) * w).sum(), a, create_graph=True)
    (gb,) = tg.grad((composed(b) * w).sum(), b, create_graph=True)
    np.testing.assert_allclose(ga.numpy(), gb.numpy(), rtol=1e-12)
    (ha,), (hb,) = tg.grad(ga.sum(), a), tg.grad(gb.sum(), b)
    np.testing.assert_allclose(ha.numpy(), hb.numpy(), rtol=1e-12)
    assert_gradients_match(fused, x, second_order=True)


def test_a_small_cnn_is_twice_differentiable() -> None:
    rng = np.random.default_rng(7)

    def cnn(x: tg.Tensor, w: tg.Tensor) -> tg.Tensor:
        hidden = F.conv2d(x, w, stride=1, padding=1).tanh()
        return F.max_pool2d(F.avg_pool2d(hidden, 2, 1), 2) * 3

    assert_gradients_match(
        cnn, rng.standard_normal((1, 2, 5, 5)), rng.standard_normal((2, 2, 3, 3)), second_order=True
    )


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: F.max_pool2d(tg.zeros(1, 1, 4, 4), 2, padding=2), RuntimeError, "half"),
        (lambda: F.avg_pool2d(tg.zeros(1, 1, 4, 4), 3, padding=2), RuntimeError, "half"),
        (lambda: F.max_pool2d(tg.zeros(4, 4), 2), RuntimeError, "3-D"),
        (lambda: F.avg_pool2d(tg.zeros(1, 1, 2, 2), 3), RuntimeError, "kernel"),
        (lambda: F.max_pool2d(tg.zeros(1, 1, 4, 4), (2, 2, 2)), ValueError, "kernel_size"),
    ],
)
def test_pool_errors_name_the_problem(make: Any, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        make()


# --------------------------------------------------------------------------- dropout


def test_dropout_zeros_about_p_and_scales_the_rest() -> None:
    tg.manual_seed(0)
    y = F.dropout(tg.ones(100_000), p=0.3)
    values = y.numpy()
    np.testing.assert_allclose(np.unique(values), [0.0, 1 / 0.7], rtol=1e-6)
    assert abs((values == 0).mean() - 0.3) < 0.01
    assert abs(values.mean() - 1.0) < 0.02  # inverted dropout keeps the expectation


def test_dropout_gradient_is_the_same_mask() -> None:
    tg.manual_seed(1)
    x = tg.tensor(np.linspace(1.0, 2.0, 50), requires_grad=True)
    y = F.dropout(x, p=0.5)
    y.sum().backward()
    kept = y.numpy() != 0
    np.testing.assert_allclose(x.grad.numpy(), kept * 2.0)


def test_dropout_is_reproducible_with_manual_seed_and_off_in_eval() -> None:
    drop = nn.Dropout(0.4)
    x = tg.randn(20)
    tg.manual_seed(5)
    first = drop(x).numpy().copy()
    tg.manual_seed(5)
    np.testing.assert_array_equal(drop(x).numpy(), first)
    assert drop.eval()(x) is x
    assert F.dropout(x, 0.4, training=False) is x
    model = nn.Sequential(nn.Linear(20, 20), nn.Dropout(0.9))
    model.eval()
    np.testing.assert_array_equal(model(x).numpy(), model[0](x).numpy())


def test_dropout_extremes_and_bad_probability() -> None:
    x = tg.ones(5)
    np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(), np.zeros(5))
    assert F.dropout(x, 0.0) is x
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1"):
            nn.Dropout(p)
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(x, p)


# --------------------------------------------------------------------------- embeddings


def test_embedding_matches_pytorch_with_padding_idx() -> None:
    torch = _torch()
    theirs = torch.nn.Embedding(7, 3, padding_idx=2)
    ours = nn.Embedding(7, 3, padding_idx=2)
    _copy_weights(ours, theirs)
    index = np.array([[2, 0, 6, 0], [1, 2, 2, 5]])
    out, ref = ours(tg.tensor(index)), theirs(torch.from_numpy(index))
    _assert_close(out, ref, atol=0)
    w = np.random.default_rng(0).standard_normal(ref.shape).astype(np.float32)
    (out * tg.tensor(w)).sum().backward()
    (ref * torch.from_numpy(w)).sum().backward()
    _assert_close(ours.weight.grad, theirs.weight.grad, atol=1e-6)
    np.testing.assert_array_equal(ours.weight.grad.numpy()[2], 0)  # the padding row: none
    assert repr(ours) == repr(theirs)


def test_embedding_initialisation_is_standard_normal_with_a_zero_padding_row() -> None:
    tg.manual_seed(0)
    table = nn.Embedding(4000, 8, padding_idx=-1).weight.numpy()
    assert table.dtype == np.float32
    np.testing.assert_array_equal(table[-1], 0)
    assert abs(table[:-1].mean()) < 0.02 and abs(table[:-1].std() - 1) < 0.02


def test_embedding_max_norm_renormalises_used_rows_like_pytorch() -> None:
    torch = _torch()
    theirs = torch.nn.Embedding(5, 4, max_norm=1.0)
    ours = nn.Embedding(5, 4, max_norm=1.0)
    _copy_weights(ours, theirs)
    index = np.array([0, 3, 3])
    _assert_close(ours(tg.tensor(index)), theirs(torch.from_numpy(index)))
    _assert_close(ours.weight, theirs.weight)  # rows 0 and 3 shortened in place, others not


def test_embedding_from_pretrained_is_frozen_by_default() -> None:
    emb = nn.Embedding.from_pretrained(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert not emb.weight.requires_grad
    assert emb(tg.tensor([1, 0])).tolist() == [[3.0, 4.0], [1.0, 2.0]]
    assert nn.Embedding.from_pretrained(np.eye(2), freeze=False).weight.requires_grad


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: nn.Embedding(3, 2)(tg.tensor([0.0, 1.0])), RuntimeError, "integer"),
        (lambda: nn.Embedding(3, 2)(tg.tensor([3])), IndexError, "out of range"),
        (lambda: nn.Embedding(3, 2)(tg.tensor([-1])), IndexError, "out of range"),
        (lambda: nn.Embedding(3, 2, padding_idx=3), ValueError, "padding_idx"),
    ],
)
def test_embedding_errors(make: Any, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        make()


def test_one_hot_matches_pytorch() -> None:
    torch = _torch()
    index = np.array([[0, 3], [2, 2]])
    for classes in (-1, 6):
        ours = F.one_hot(tg.tensor(index), classes)
        theirs = torch.nn.functional.one_hot(torch.from_numpy(index), classes)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert ours.dtype == np.int64
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(tg.tensor([0, 4]), 3)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(tg.tensor([-1]))
    with pytest.raises(RuntimeError, match="integer"):
        F.one_hot(tg.tensor([1.0]))


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize(
    ("ours_cls", "shape"),
    [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (4, 3, 2, 5))],
)
def test_batch_norm_trains_and_evaluates_like_pytorch(
    momentum: Any, ours_cls: str, shape: tuple[int, ...]
) -> None:
    torch = _torch()
    theirs = getattr(torch.nn, ours_cls)(3, momentum=momentum)
    ours = getattr(nn, ours_cls)(3, momentum=momentum)
    rng = np.random.default_rng(0)
    with torch.no_grad():
        theirs.weight.normal_(), theirs.bias.normal_()
    _copy_weights(ours, theirs)
    for step in range(4):
        x = (rng.standard_normal(shape) * (step + 1) + step).astype(np.float32)
        a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, ref = ours(a), theirs(b)
        _assert_close(out, ref, atol=1e-4)
        (out * out * out).sum().backward()
        (ref * ref * ref).sum().backward()
        _assert_close(a.grad, b.grad, atol=1e-3)
        _assert_close(ours.weight.grad, theirs.weight.grad, atol=1e-3)
    for key, value in theirs.state_dict().items():
        mine = ours.state_dict()[key]
        np.testing.assert_allclose(np.asarray(mine), value.numpy(), rtol=1e-5, atol=1e-6)
        assert np.asarray(mine).dtype == value.numpy().dtype, key
    ours.eval(), theirs.eval()
    x = rng.standard_normal(shape).astype(np.float32)
    _assert_close(ours(tg.tensor(x)), theirs(torch.from_numpy(x)), atol=1e-4)


def test_batch_norm_state_dict_and_repr_match_pytorch() -> None:
    torch = _torch()
    for kwargs in [
        {},
        {"affine": False},
        {"track_running_stats": False},
        {"bias": False},
        {"eps": 1e-3, "momentum": None},
    ]:
        ours, theirs = nn.BatchNorm2d(5, **kwargs), torch.nn.BatchNorm2d(5, **kwargs)
        assert repr(ours) == repr(theirs)
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [
            (k, tuple(v.shape)) for k, v in theirs.state_dict().items()
        ]


def test_batch_norm_without_running_statistics_uses_the_batch_in_eval() -> None:
    torch = _torch()
    x = np.random.default_rng(1).standard_normal((5, 2)).astype(np.float32) * 3 + 1
    ours = nn.BatchNorm1d(2, track_running_stats=False).eval()
    theirs = torch.nn.BatchNorm1d(2, track_running_stats=False).eval()
    _assert_close(ours(tg.tensor(x)), theirs(torch.from_numpy(x)))
    np.testing.assert_allclose(ours(tg.tensor(x)).numpy().mean(axis=0), 0, atol=1e-6)


def test_batch_norm_counts_batches_and_resets() -> None:
    bn = nn.BatchNorm1d(2)
    for _ in range(3):
        bn(tg.randn(4, 2))
    assert int(bn.num_batches_tracked) == 3
    bn.eval()(tg.randn(4, 2))
    assert int(bn.num_batches_tracked) == 3  # not counted in eval
    bn.reset_running_stats()
    assert int(bn.num_batches_tracked) == 0 and bn.running_var.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: nn.BatchNorm1d(3)(tg.zeros(2, 3, 4, 4)), "2D or 3D"),
        (lambda: nn.BatchNorm2d(3)(tg.zeros(2, 3)), "4D"),
        (lambda: nn.BatchNorm1d(3)(tg.zeros(1, 3)), "more than 1 value per channel"),
    ],
)
def test_batch_norm_errors(make: Any, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        make()


def test_layer_norm_matches_pytorch() -> None:
    torch = _torch()
    for shape, kwargs in [
        ((3, 4, 5), {}),
        ((2, 4, 5), {"elementwise_affine": False}),
        ((2, 4, 5), {"bias": False}),
    ]:
        theirs = torch.nn.LayerNorm(shape[1:], **kwargs)
        ours = nn.LayerNorm(shape[1:], **kwargs)
        if theirs.weight is not None:
            with torch.no_grad():
                theirs.weight.normal_()
        _copy_weights(ours, theirs)
        x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
        a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out, ref = ours(a), theirs(b)
        _assert_close(out, ref)
        (out * out * out).sum().backward()
        (ref * ref * ref).sum().backward()
        _assert_close(a.grad, b.grad, atol=1e-4)
        assert repr(ours) == repr(theirs)
    with pytest.raises(RuntimeError, match="normalized_shape"):
        nn.LayerNorm(4)(tg.zeros(2, 5))


# --------------------------------------------------------------------------- activations


@pytest.mark.parametrize(
    "name, args",
    [
        ("LeakyReLU", ()),
        ("LeakyReLU", (0.2,)),
        ("GELU", ()),
        ("GELU", ("tanh",)),
        ("ELU", ()),
        ("ELU", (0.5,)),
        ("Softplus", ()),
        ("Softplus", (2.0, 3.0)),
    ],
)
def test_activation_modules_match_pytorch(name: str, args: tuple[Any, ...]) -> None:
    torch = _torch()
    x = np.concatenate([np.linspace(-30, 30, 61), [0.0, -1e-3, 1e-3]]).astype(np.float32)
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(a), theirs(b)
    _assert_close(out, ref)
    out.sum().backward()
    ref.sum().backward()
    _assert_close(a.grad, b.grad)  # also the derivative at 0, where branches meet
    assert repr(ours) == repr(theirs)


def test_gelu_rejects_an_unknown_approximation() -> None:
    with pytest.raises(RuntimeError, match="approximate"):
        nn.GELU("fast")(tg.zeros(2))


def test_layers_are_exported_like_pytorch() -> None:
    modules = [
        "Dropout",
        "Conv2d",
        "MaxPool2d",
        "AvgPool2d",
        "Flatten",
        "Embedding",
        "BatchNorm1d",
        "BatchNorm2d",
        "LayerNorm",
        "LeakyReLU",
        "GELU",
        "ELU",
        "Softplus",
    ]
    for name in modules:
        assert issubclass(getattr(nn, name), nn.Module)
    functions = [
        "dropout",
        "conv2d",
        "max_pool2d",
        "avg_pool2d",
        "embedding",
        "one_hot",
        "gelu",
        "leaky_relu",
        "layer_norm",
        "batch_norm",
        "pad",
    ]
    for name in functions:
        assert callable(getattr(F, name))
