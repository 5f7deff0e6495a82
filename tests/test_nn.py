"""``tg.nn``: module registration and naming, containers, ``Linear``, ``init``, activations,
state dicts (with PyTorch as the oracle for names, shapes, reprs and outputs when installed),
and the scikit-learn digits example end to end."""

from __future__ import annotations

import copy
import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import nn
from tinygrad4h03.nn import functional as F
from tinygrad4h03.nn import init

ROOT = Path(__file__).resolve().parents[1]


class Block(nn.Module):
    """A module with a bit of everything: own parameter, child modules, a list, a buffer."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(np.ones(3))
        self.body = nn.Sequential(nn.Linear(4, 3), nn.Tanh())
        self.heads = nn.ModuleList([nn.Linear(3, 2), nn.Linear(3, 2, bias=False)])
        self.register_buffer("running", tg.zeros(3))
        self.plain = tg.zeros(2)  # a plain tensor attribute is not registered

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        h = self.body(x) * self.scale
        return self.heads[0](h) + self.heads[1](h)


def lecture_model(**kwargs: object) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(25, 20, **kwargs),
        nn.ReLU(),
        nn.Linear(20, 20, **kwargs),
        nn.ReLU(),
        nn.Linear(20, 5, **kwargs),
        nn.Softmax(dim=-1),
    )


# --------------------------------------------------------------------------- registration


def test_attributes_register_in_order_with_dotted_names() -> None:
    block = Block()
    assert [name for name, _ in block.named_parameters()] == [
        "scale",
        "body.0.weight",
        "body.0.bias",
        "heads.0.weight",
        "heads.0.bias",
        "heads.1.weight",
    ]
    assert [name for name, _ in block.named_modules()] == [
        "",
        "body",
        "body.0",
        "body.1",
        "heads",
        "heads.0",
        "heads.1",
    ]
    assert [name for name, _ in block.named_children()] == ["body", "heads"]
    assert [type(m) for m in block.children()] == [nn.Sequential, nn.ModuleList]
    assert len(list(block.modules())) == 7
    assert [name for name, _ in block.named_buffers()] == ["running"]
    assert block.heads[1].bias is None
    assert "plain" not in dict(block.named_parameters()) and "plain" not in block.state_dict()


def test_state_dict_lists_parameters_then_buffers_then_children() -> None:
    block = Block()
    assert list(block.state_dict()) == [
        "scale",
        "running",
        "body.0.weight",
        "body.0.bias",
        "heads.0.weight",
        "heads.0.bias",
        "heads.1.weight",
    ]


def test_names_and_order_match_pytorch() -> None:
    torch = pytest.importorskip("torch")

    class TorchBlock(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(3))
            self.body = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh())
            self.heads = torch.nn.ModuleList(
                [torch.nn.Linear(3, 2), torch.nn.Linear(3, 2, bias=False)]
            )
            self.register_buffer("running", torch.zeros(3))

    ours, theirs = Block(), TorchBlock()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    shapes = {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert {k: v.shape for k, v in ours.state_dict().items()} == shapes


def test_shared_parameters_and_modules_are_listed_once() -> None:
    shared = nn.Linear(3, 3)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(model.parameters())) == 2
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]  # as torch


def test_unknown_attribute_raises_attribute_error() -> None:
    model = nn.Linear(2, 3)
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'wieght'"):
        _ = model.wieght
    assert not hasattr(model, "missing")


def test_reassignment_rules() -> None:
    model = nn.Linear(2, 3)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        model.weight = tg.zeros(3, 2)
    model.bias = None
    assert [n for n, _ in model.named_parameters()] == ["weight"]
    model.bias = nn.Parameter(np.zeros(3, dtype=np.float32))
    assert [n for n, _ in model.named_parameters()] == ["weight", "bias"]
    del model.bias
    assert not hasattr(model, "bias")
    model.extra = 5  # plain attributes still work
    assert model.extra == 5


def test_assigning_before_init_is_an_error() -> None:
    class Forgetful(nn.Module):
        def __init__(self) -> None:
            self.w = nn.Parameter(np.zeros(2))

    with pytest.raises(AttributeError, match=r"before Module.__init__\(\) call"):
        Forgetful()


def test_register_rejects_bad_names() -> None:
    model = nn.Module()
    with pytest.raises(KeyError, match="must be non-empty"):
        model.register_parameter("a.b", None)
    model.x = 1
    with pytest.raises(KeyError, match="already exists"):
        model.register_buffer("x", tg.zeros(1))


def test_forward_is_required() -> None:
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(1)


def test_zero_grad_train_eval() -> None:
    model = lecture_model()
    model(tg.randn(2, 25)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.numpy() == 0) for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_to_double_keeps_the_parameter_objects() -> None:
    model = nn.Linear(3, 2)
    weight = model.weight
    model.double()
    assert model.weight is weight and weight.dtype == np.float64
    assert model(tg.tensor(np.ones((1, 3)))).dtype == np.float64


def test_deepcopy_gives_an_independent_model() -> None:
    model = lecture_model()
    clone = copy.deepcopy(model)
    clone[0].weight.data += 1
    assert not np.allclose(clone[0].weight.numpy(), model[0].weight.numpy())
    assert [n for n, _ in clone.named_parameters()] == [n for n, _ in model.named_parameters()]


# --------------------------------------------------------------------------- Parameter


def test_parameter_is_a_leaf_that_shares_float_arrays() -> None:
    array = np.zeros((2, 3))
    p = nn.Parameter(array)
    assert isinstance(p, tg.Tensor) and p.is_leaf and p.requires_grad
    assert p.numpy() is array and p.dtype == np.float64
    assert nn.Parameter([1.0, 2.0]).dtype == np.float32
    assert nn.Parameter(tg.ones(2, dtype=np.float64)).dtype == np.float64
    assert not nn.Parameter(np.ones(2), requires_grad=False).requires_grad
    assert repr(nn.Parameter(np.ones(1))).startswith("Parameter containing:\ntensor(")
    with pytest.raises(TypeError, match="only floating-point"):
        nn.Parameter(np.arange(3))


def test_operations_on_parameters_give_plain_tensors() -> None:
    p = nn.Parameter(np.ones(2))
    out = p * 2
    assert type(out) is tg.Tensor and not out.is_leaf


# --------------------------------------------------------------------------- containers


def test_sequential_indexing_slicing_and_growth() -> None:
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and list(seq) == [a, b, c]
    assert seq[0] is a and seq[-1] is c
    tail = seq[1:]
    assert isinstance(tail, nn.Sequential) and list(tail) == [b, c]
    assert list(tail.state_dict()) == ["2.weight", "2.bias"]  # slices keep names, as torch
    with pytest.raises(IndexError, match="out of range"):
        seq[3]
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and isinstance(seq[3], nn.Sigmoid)
    del seq[1]
    assert [n for n, _ in seq.named_children()] == ["0", "1", "2"]
    seq[1] = nn.Linear(3, 1)
    assert seq[1].out_features == 1
    named = nn.Sequential({"hidden": nn.Linear(2, 2), "act": nn.Tanh()})
    assert list(named.state_dict()) == ["hidden.weight", "hidden.bias"]


def test_sequential_forward_composes() -> None:
    seq = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    x = tg.randn(5, 4)
    expected = seq[2](seq[1](seq[0](x)))
    np.testing.assert_allclose(seq(x).numpy(), expected.numpy())


def test_module_list() -> None:
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(layers) == 3 and isinstance(layers[-1], nn.Linear)
    assert isinstance(layers[:2], nn.ModuleList) and len(layers[:2]) == 2
    layers.append(nn.ReLU())
    layers += [nn.Tanh()]
    layers.insert(0, nn.Identity())
    assert [type(m).__name__ for m in layers] == [
        "Identity",
        "Linear",
        "Linear",
        "Linear",
        "ReLU",
        "Tanh",
    ]
    del layers[0]
    assert [n for n, _ in layers.named_children()] == ["0", "1", "2", "3", "4"]
    assert len(list(layers.parameters())) == 6
    with pytest.raises(NotImplementedError):
        layers(tg.zeros(2))


# --------------------------------------------------------------------------- repr


def test_repr_is_pytorch_like() -> None:
    model = lecture_model()
    expected = (
        "Sequential(\n"
        "  (0): Linear(in_features=25, out_features=20, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=20, out_features=20, bias=True)\n"
        "  (3): ReLU()\n"
        "  (4): Linear(in_features=20, out_features=5, bias=True)\n"
        "  (5): Softmax(dim=-1)\n"
        ")"
    )
    assert repr(model) == expected
    assert repr(nn.Linear(3, 1, bias=False)) == "Linear(in_features=3, out_features=1, bias=False)"


def test_nested_repr_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(
        nn.Sequential(nn.Linear(2, 3), nn.Tanh()),
        nn.Flatten(),
        nn.LogSoftmax(dim=1),
        nn.Identity(),
        nn.Sigmoid(),
        nn.MSELoss(),
    )
    theirs = torch.nn.Sequential(
        torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh()),
        torch.nn.Flatten(),
        torch.nn.LogSoftmax(dim=1),
        torch.nn.Identity(),
        torch.nn.Sigmoid(),
        torch.nn.MSELoss(),
    )
    assert repr(ours) == repr(theirs)


# --------------------------------------------------------------------------- Linear


def test_linear_shapes_forward_and_dense_alias() -> None:
    assert nn.Dense is nn.Linear
    layer = nn.Linear(4, 3)
    assert layer.weight.shape == (3, 4) and layer.bias.shape == (3,)
    assert layer.weight.dtype == np.float32
    x = np.random.default_rng(0).standard_normal((2, 5, 4)).astype(np.float32)
    out = layer(tg.tensor(x))
    np.testing.assert_allclose(
        out.numpy(), x @ layer.weight.numpy().T + layer.bias.numpy(), rtol=1e-6
    )
    assert out.shape == (2, 5, 3)
    assert nn.Linear(4, 3, dtype=np.float64).weight.dtype == np.float64
    with pytest.raises(tg.ShapeError, match=r"linear: input of shape \(2, 5\).*in_features = 4"):
        layer(tg.zeros(2, 5))


@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**16))
def test_linear_default_init_is_pytorch_bound(fan_in: int, fan_out: int, seed: int) -> None:
    tg.manual_seed(seed)
    layer = nn.Linear(fan_in, fan_out)
    bound = 1 / math.sqrt(fan_in)
    assert np.abs(layer.weight.numpy()).max() <= bound
    assert np.abs(layer.bias.numpy()).max() <= bound


def test_linear_init_is_uniform_and_reproducible() -> None:
    tg.manual_seed(3)
    weight = nn.Linear(100, 400).weight.numpy()
    bound = 0.1
    assert weight.min() >= -bound and weight.max() <= bound
    assert abs(weight.std() - bound / math.sqrt(3)) < 0.002  # U(-b, b) has std b/√3
    tg.manual_seed(3)
    np.testing.assert_array_equal(nn.Linear(100, 400).weight.numpy(), weight)


def test_linear_gradients_match_finite_differences() -> None:
    layer = nn.Linear(3, 2, dtype=np.float64)
    x = tg.tensor(np.random.default_rng(1).standard_normal((4, 3)), requires_grad=True)
    assert tg.gradcheck(lambda x, w, b: F.linear(x, w, b), [x, layer.weight, layer.bias])
    assert tg.gradcheck(lambda x, w: F.linear(x, w), [x, layer.weight])
    assert tg.gradcheck(lambda x, w, b: F.linear(x[0], w, b), [x, layer.weight, layer.bias])
    vector = tg.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)  # weight (in,): out (*,)
    assert tg.gradcheck(lambda x, v: F.linear(x, v), [x, vector])


# --------------------------------------------------------------------------- init


def test_calculate_gain_matches_pytorch_table() -> None:
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))
    assert init.calculate_gain("selu") == pytest.approx(0.75)
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("swish")


def test_calculate_gain_agrees_with_torch() -> None:
    torch = pytest.importorskip("torch")
    for name, param in [
        ("linear", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", 0.2),
        ("selu", None),
        ("conv2d", None),
    ]:
        assert init.calculate_gain(name, param) == pytest.approx(
            torch.nn.init.calculate_gain(name, param)
        )


@pytest.mark.parametrize(
    ("fn", "expected_std"),
    [
        (lambda t: init.kaiming_uniform_(t, nonlinearity="relu"), math.sqrt(2 / 200)),
        (lambda t: init.kaiming_normal_(t, nonlinearity="relu"), math.sqrt(2 / 200)),
        (lambda t: init.kaiming_normal_(t, mode="fan_out"), math.sqrt(2 / 1.0001 / 300)),
        (lambda t: init.xavier_uniform_(t), math.sqrt(2 / 500)),
        (lambda t: init.xavier_normal_(t, gain=2.0), 2 * math.sqrt(2 / 500)),
        (lambda t: init.normal_(t, 1.0, 0.5), 0.5),
        (lambda t: init.uniform_(t, -2.0, 2.0), 4 / math.sqrt(12)),
        (init.lecture_uniform_, 2 / math.sqrt(12)),
    ],
)
def test_init_spread(fn: object, expected_std: float) -> None:
    tg.manual_seed(0)
    weight = nn.Parameter(np.empty((300, 200), dtype=np.float32))
    assert fn(weight) is weight  # type: ignore[operator]
    assert weight.numpy().std() == pytest.approx(expected_std, rel=0.02)


def test_uniform_bounds_and_lecture_range() -> None:
    w = tg.zeros(50, 50)
    init.kaiming_uniform_(w, a=math.sqrt(5))
    assert np.abs(w.numpy()).max() <= 1 / math.sqrt(50)
    init.lecture_uniform_(w)
    assert (
        w.numpy().min() >= -1
        and w.numpy().max() < 1
        and w.numpy().min() < -0.9
        and w.numpy().max() > 0.9
    )
    rng = np.random.default_rng(7)
    init.lecture_uniform_(w, generator=rng)
    np.testing.assert_array_equal(
        w.numpy(), (2 * np.random.default_rng(7).random((50, 50)) - 1).astype(np.float32)
    )


def test_constant_fills_and_fan_errors() -> None:
    w = tg.zeros(2, 3, dtype=np.float64)
    assert np.all(init.ones_(w).numpy() == 1)
    assert np.all(init.constant_(w, 2.5).numpy() == 2.5)
    assert np.all(init.zeros_(w).numpy() == 0)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(tg.zeros(3))
    with pytest.raises(ValueError, match="Mode fan_up not supported"):
        init.kaiming_uniform_(w, mode="fan_up")


# --------------------------------------------------------------------------- activations


@pytest.mark.parametrize(
    ("module", "fn"),
    [
        (nn.ReLU(), lambda x: np.maximum(x, 0)),
        (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
        (nn.Tanh(), np.tanh),
        (nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
        (nn.LogSoftmax(dim=0), lambda x: x - np.log(np.exp(x).sum(0, keepdims=True))),
        (nn.Identity(54, unused=True), lambda x: x),
        (nn.Flatten(0), lambda x: x.reshape(-1)),
    ],
)
def test_activation_modules(module: nn.Module, fn: object) -> None:
    x = np.random.default_rng(2).standard_normal((3, 4))
    np.testing.assert_allclose(module(tg.tensor(x)).numpy(), fn(x), rtol=1e-12)  # type: ignore[operator]
    assert list(module.parameters()) == []


def test_functional_activations_match_methods() -> None:
    x = tg.randn(3, 4)
    for fn, method in [
        (F.relu, "relu"),
        (F.sigmoid, "sigmoid"),
        (F.tanh, "tanh"),
        (F.softmax, "softmax"),
        (F.log_softmax, "log_softmax"),
    ]:
        np.testing.assert_array_equal(fn(x).numpy(), getattr(x, method)().numpy())


# --------------------------------------------------------------------------- state dicts


def test_state_dict_shares_memory_and_load_is_in_place() -> None:
    model, other = lecture_model(), lecture_model()
    state = model.state_dict()
    assert not state["0.weight"].requires_grad  # detached, sharing memory (as PyTorch)
    state["0.weight"][...] = 0
    assert np.all(model[0].weight.numpy() == 0)
    array = other[0].weight.numpy()
    result = other.load_state_dict(model.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert other[0].weight.numpy() is array
    x = tg.randn(3, 25)
    np.testing.assert_array_equal(other(x).numpy(), model(x).numpy())


def test_load_state_dict_errors_name_the_keys_and_shapes() -> None:
    model = lecture_model()
    state = model.state_dict()
    before = model[0].weight.numpy().copy()
    state["0.weight"] = np.zeros((25, 20), dtype=np.float32)
    del state["4.bias"]
    state["9.weight"] = np.zeros(1)
    with pytest.raises(RuntimeError) as error:
        model.load_state_dict(state)
    message = str(error.value)
    assert 'Missing key(s) in state_dict: "4.bias"' in message
    assert 'Unexpected key(s) in state_dict: "9.weight"' in message
    assert "size mismatch for 0.weight" in message
    assert "(25, 20)" in message and "(20, 25)" in message
    np.testing.assert_array_equal(model[0].weight.numpy(), before)  # nothing copied on error


def test_load_state_dict_not_strict_reports_keys() -> None:
    model = lecture_model()
    state = model.state_dict()
    del state["4.bias"]
    state["extra"] = np.zeros(1)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert (missing, unexpected) == (["4.bias"], ["extra"])
    state["0.bias"] = np.zeros(3)
    with pytest.raises(RuntimeError, match=r"size mismatch for 0\.bias"):
        model.load_state_dict(state, strict=False)


def test_state_dicts_move_to_pytorch_and_back() -> None:
    torch = pytest.importorskip("torch")
    ours = lecture_model()
    theirs = torch.nn.Sequential(
        torch.nn.Linear(25, 20),
        torch.nn.ReLU(),
        torch.nn.Linear(20, 20),
        torch.nn.ReLU(),
        torch.nn.Linear(20, 5),
        torch.nn.Softmax(dim=-1),
    )
    theirs.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((7, 25)).astype(np.float32)
    with torch.no_grad():  # the same outputs, up to float32 rounding in the two BLAS calls
        np.testing.assert_allclose(
            theirs(torch.from_numpy(x)).numpy(), ours(tg.tensor(x)).numpy(), rtol=1e-6, atol=1e-7
        )
    torch.manual_seed(0)
    for layer in theirs:
        if isinstance(layer, torch.nn.Linear):
            layer.reset_parameters()
    ours.load_state_dict(theirs.state_dict())  # torch tensors are accepted as they are
    with torch.no_grad():
        np.testing.assert_allclose(
            ours(tg.tensor(x)).numpy(), theirs(torch.from_numpy(x)).numpy(), rtol=1e-6, atol=1e-7
        )


# --------------------------------------------------------------------------- the digits example


def test_sklearn_digits_example_reaches_97_percent() -> None:
    pytest.importorskip("sklearn")
    path = ROOT / "examples" / "sklearn_digits.py"
    spec = importlib.util.spec_from_file_location("sklearn_digits", path)
    example = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(example)  # type: ignore[union-attr]
    assert example.main(["--quiet"]) >= 0.97


def test_apply_visits_modules_in_pytorchs_order() -> None:
    inner_a = nn.Sequential(nn.ReLU(), nn.Tanh())
    inner_b = nn.Sequential(nn.Sigmoid(), nn.Identity())
    visited: list[str] = []
    nn.Sequential(inner_a, inner_b).apply(lambda m: visited.append(type(m).__name__))
    assert visited == [
        "ReLU",
        "Tanh",
        "Sequential",
        "Sigmoid",
        "Identity",
        "Sequential",
        "Sequential",
    ]


@pytest.mark.parametrize(
    "initialiser",
    ["uniform_", "normal_", "xavier_uniform_", "kaiming_normal_", "lecture_uniform_", "zeros_"],
)
def test_initialisers_refuse_a_non_tensor_with_a_type_error(initialiser: str) -> None:
    with pytest.raises(TypeError, match=r"expected a tg\.Tensor or a Parameter, got float"):
        getattr(nn.init, initialiser)(1.0)
