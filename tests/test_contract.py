"""The API contract (/work/shared/API.md), checked against PyTorch where the audit found gaps.

Each test is named after the contract's section it checks. Without PyTorch the comparisons
skip; the checks that need only tinygrad4h03 still run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad4h03 as tg


def _torch() -> Any:
    return pytest.importorskip("torch")


def _values(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy() if hasattr(t, "detach") else t)


# §2 "`dim` may also be spelled `axis`": the methods whose signature names only `dim`
AXIS_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "squeeze": lambda lib, t: t.unsqueeze(0).squeeze(axis=0),
    "unsqueeze": lambda lib, t: t.unsqueeze(axis=1),
    "logsumexp": lambda lib, t: t.logsumexp(axis=1, keepdims=True),
    "cumsum": lambda lib, t: t.cumsum(axis=1),
    "sort": lambda lib, t: t.sort(axis=0).values,
    "argsort": lambda lib, t: t.argsort(axis=0),
    "topk": lambda lib, t: t.topk(2, axis=0).indices,
    "all": lambda lib, t: (t > 0).all(axis=1),
    "any": lambda lib, t: (t > 0).any(axis=0, keepdims=True),
    "count_nonzero": lambda lib, t: (t > 0).count_nonzero(axis=1),
    "chunk": lambda lib, t: t.chunk(2, axis=1)[1],
    "max": lambda lib, t: lib.max(t, axis=1).indices,
    "min": lambda lib, t: lib.min(t, axis=0, keepdims=True).values,
    "amax": lambda lib, t: lib.amax(t, axis=1),
    "amin": lambda lib, t: lib.amin(t, axis=(0, 1)),
    "squeeze function": lambda lib, t: lib.squeeze(t.unsqueeze(0), axis=0),
    "cumsum function": lambda lib, t: lib.cumsum(t, axis=0),
}


@pytest.mark.parametrize("name", sorted(AXIS_CALLS))
@given(hnp.arrays(np.float64, (3, 4), elements=st.floats(-5, 5)))
def test_s2_dim_may_be_spelled_axis(name: str, data: np.ndarray) -> None:
    torch = _torch()
    call = AXIS_CALLS[name]
    ours, theirs = call(tg, tg.tensor(data)), call(torch, torch.tensor(data))
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(_values(ours), _values(theirs), rtol=1e-12, atol=1e-12)


def test_s2_axis_spelling_keeps_the_gradient() -> None:
    torch = _torch()
    data = np.arange(6.0).reshape(2, 3)
    x, y = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    x.cumsum(axis=1).logsumexp(axis=0).sum().backward()
    y.cumsum(axis=1).logsumexp(axis=0).sum().backward()
    np.testing.assert_allclose(_values(x.grad), _values(y.grad), rtol=1e-12)


def test_s2_dim_and_axis_together_is_an_error() -> None:
    with pytest.raises(TypeError, match=r"squeeze.*both dim= and axis="):
        tg.ones(1, 2).squeeze(dim=0, axis=0)
    with pytest.raises(TypeError, match=r"amax.*both"):
        tg.amax(tg.ones(2, 2), dim=0, axis=1)


# §2 "trigonometric and other elementwise ops as functions ... pow": a number on either side
@given(
    st.floats(0.5, 3.0),
    hnp.arrays(np.float64, st.integers(1, 4), elements=st.floats(-2, 2)),
)
def test_s2_pow_takes_a_number_as_base_or_exponent(base: float, data: np.ndarray) -> None:
    torch = _torch()
    x, y = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    ours, theirs = tg.pow(base, x), torch.pow(base, y)
    np.testing.assert_allclose(_values(ours), _values(theirs), rtol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(_values(x.grad), _values(y.grad), rtol=1e-12)
    np.testing.assert_allclose(
        _values(tg.pow(tg.tensor(data), 3)), _values(torch.pow(torch.tensor(data), 3)), rtol=1e-12
    )


def test_s2_pow_of_integer_tensors_keeps_the_dtype() -> None:
    torch = _torch()
    assert str(tg.pow(2, tg.tensor([1, 3])).dtype) == "int64"
    assert torch.pow(2, torch.tensor([1, 3])).dtype == torch.int64
    assert tg.pow(2, tg.tensor([1, 3])).tolist() == torch.pow(2, torch.tensor([1, 3])).tolist()


def test_s2_pow_of_two_numbers_names_the_operation() -> None:
    with pytest.raises(TypeError, match="pow"):
        tg.pow(2, 3)


def test_s2_pow_gradients_three_ways() -> None:
    base = tg.tensor([0.5, 1.5, 2.5], dtype=tg.float64, requires_grad=True)
    assert tg.gradcheck(lambda e: tg.pow(2.0, e), [base])
    assert tg.gradgradcheck(lambda e: tg.pow(2.0, e), [base])


def test_s2_concat_and_concatenate_are_cat() -> None:
    torch = _torch()
    a, b = np.ones((2, 3)), np.zeros((2, 1))
    for name in ("concat", "concatenate"):
        ours = getattr(tg, name)([tg.tensor(a), tg.tensor(b)], dim=1)
        theirs = getattr(torch, name)([torch.tensor(a), torch.tensor(b)], dim=1)
        np.testing.assert_array_equal(_values(ours), _values(theirs))


# §2 autograd: `tg.no_grad()` / `tg.enable_grad()` as decorators, with or without parentheses
def test_s2_no_grad_decorates_without_parentheses() -> None:
    torch = _torch()
    results = []
    for lib in (tg, torch):

        @lib.no_grad
        def doubled(x: Any, lib: Any = lib) -> Any:
            @lib.enable_grad
            def recorded(y: Any) -> Any:
                return y * 2

            return x * 2, recorded(x), lib.is_grad_enabled()

        outside, inside, mode = doubled(lib.ones(2, requires_grad=True))
        results.append((outside.requires_grad, inside.requires_grad, mode, doubled.__name__))
        assert lib.is_grad_enabled()
    assert results[0] == results[1] == (False, True, False, "doubled")


# §2 conversions: float()/int() of a tensor of several elements
@pytest.mark.parametrize("convert", [float, int])
def test_s2_float_of_many_elements_is_a_value_error(convert: Callable[[Any], Any]) -> None:
    torch = _torch()
    with pytest.raises(ValueError):
        convert(torch.ones(2))
    with pytest.raises(ValueError, match=rf"{convert.__name__}\(\).*\(2, 3\)"):
        convert(tg.ones(2, 3))
    assert convert(tg.tensor([[2.5]])) == convert(torch.tensor([[2.5]]))


# §2 autograd: PyTorch programs reach these through the autograd namespace
def test_s2_autograd_namespace_as_pytorch() -> None:
    torch = _torch()
    grads = []
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        lib.autograd.backward(
            [(x * x).sum(), x], [None, lib.tensor([1.0, -1.0], dtype=lib.float64)]
        )
        grads.append(_values(x.grad))
        assert lib.autograd.gradcheck(lambda a: (a**3).sum(), (x,))
        assert lib.autograd.gradgradcheck(lambda a: (a**3).sum(), (x,))
    np.testing.assert_array_equal(grads[0], grads[1])


def test_s2_set_detect_anomaly_switches_and_restores() -> None:
    assert not tg.is_anomaly_enabled()
    with tg.autograd.set_detect_anomaly(True):
        assert tg.is_anomaly_enabled()
        x = tg.tensor([-1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="log"), np.errstate(invalid="ignore"):
            x.log()
    assert not tg.is_anomaly_enabled()
    with tg.autograd.detect_anomaly():
        assert tg.is_anomaly_enabled()


# §3 Module: forward hooks, as PyTorch (feature extraction, activation statistics)
def _hooked_run(lib: Any, weights: dict[str, Any], data: np.ndarray) -> list[np.ndarray]:
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2)).double()
    model.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})
    seen: list[np.ndarray] = []
    keep = model[1].register_forward_hook(lambda m, args, out: seen.append(_values(out)))
    scale = model[2].register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    negate = model.register_forward_hook(lambda m, args, out: -out)
    hooked = _values(model(lib.tensor(data)))
    for handle in (keep, scale, negate):
        handle.remove()
    return [*seen, hooked, _values(model(lib.tensor(data)))]


def test_s3_forward_hooks_as_pytorch() -> None:
    torch = _torch()
    rng = np.random.default_rng(0)
    weights = {
        "0.weight": rng.standard_normal((4, 3)),
        "0.bias": rng.standard_normal(4),
        "2.weight": rng.standard_normal((2, 4)),
        "2.bias": rng.standard_normal(2),
    }
    data = rng.standard_normal((5, 3))
    ours, theirs = _hooked_run(tg, weights, data), _hooked_run(torch, weights, data)
    assert len(ours) == len(theirs) == 3  # the activation hook ran once, then was removed
    hidden = np.tanh(data @ weights["0.weight"].T + weights["0.bias"])
    plain = hidden @ weights["2.weight"].T + weights["2.bias"]
    expected = [hidden, -(2 * hidden @ weights["2.weight"].T + weights["2.bias"]), plain]
    for got, want in zip(ours, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    for got, want in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)


# §2 dtypes: a float tensor keeps its dtype against an integer tensor, float16 included
@pytest.mark.parametrize("floating", ["float16", "float32", "float64"])
@pytest.mark.parametrize(
    ("integer", "op"),
    [  # (PyTorch cannot differentiate x ** bool)
        (integer, op)
        for integer in ("int32", "int64", "bool")
        for op in ("add", "mul", "truediv", "pow")
        if (integer, op) != ("bool", "pow")
    ],
)
def test_s2_float_and_integer_tensors_promote_as_pytorch(
    floating: str, integer: str, op: str
) -> None:
    torch = _torch()
    import operator

    apply = getattr(operator, op)
    results = []
    for lib in (tg, torch):
        x = lib.tensor([1.5, 2.0], dtype=getattr(lib, floating), requires_grad=True)
        n = lib.tensor([1, 2], dtype=getattr(lib, integer))
        out = apply(x, n) if op != "truediv" else apply(n, x)
        out.sum().backward()
        results.append((str(out.dtype).removeprefix("torch."), _values(out), x.grad))
    (ours, ours_values, ours_grad), (theirs, theirs_values, theirs_grad) = results
    assert ours == theirs == floating
    np.testing.assert_allclose(ours_values, theirs_values, rtol=1e-3)
    assert str(ours_grad.dtype) == floating
    np.testing.assert_allclose(_values(ours_grad), _values(theirs_grad), rtol=1e-3)


# §2 autograd: a custom operation with a hand-written backward, as torch.autograd.Function
def _scaled_cube(lib: Any) -> Any:
    class ScaledCube(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, w: Any, k: float) -> Any:
            ctx.save_for_backward(x, w)
            ctx.k = k
            return (x**3) * w * k

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            x, w = ctx.saved_tensors
            return 3 * x**2 * w * ctx.k * grad, (x**3 * ctx.k * grad).sum(0), None

    return ScaledCube


@given(
    hnp.arrays(np.float64, (3, 2), elements=st.floats(-2, 2)),
    hnp.arrays(np.float64, (2,), elements=st.floats(-2, 2)),
)
def test_s2_autograd_function_as_pytorch(x: np.ndarray, w: np.ndarray) -> None:
    torch = _torch()
    grads = []
    for lib in (tg, torch):
        a, b = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        out = _scaled_cube(lib).apply(a, b, 1.5)
        (out * out).sum().backward()
        grads.append((_values(out), _values(a.grad), _values(b.grad)))
    for ours, theirs in zip(*grads, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_s2_autograd_function_three_ways() -> None:
    function = _scaled_cube(tg)
    x = tg.tensor([[0.5, -1.0], [1.5, 2.0]], dtype=tg.float64, requires_grad=True)
    w = tg.tensor([0.3, -0.7], dtype=tg.float64, requires_grad=True)
    assert tg.gradcheck(lambda a, b: function.apply(a, b, 2.0), [x, w])
    assert tg.gradgradcheck(lambda a, b: function.apply(a, b, 2.0), [x, w])


def test_s2_autograd_function_setup_context_and_errors() -> None:
    class Square(tg.autograd.Function):
        @staticmethod
        def forward(x: Any) -> Any:
            return x * x

        @staticmethod
        def setup_context(ctx: Any, inputs: Any, output: Any) -> None:
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (x,) = ctx.saved_tensors
            return 2 * x * grad, None  # one gradient too many

    x = tg.tensor([3.0], requires_grad=True)
    assert Square.apply(x).tolist() == [9.0]
    with pytest.raises(RuntimeError, match=r"SquareBackward.*expected 1, got 2"):
        Square.apply(x).sum().backward()
    with tg.no_grad():
        assert not Square.apply(x).requires_grad
    w = tg.tensor([1.0], requires_grad=True)
    y = _scaled_cube(tg).apply(x, w, 1.0)
    with tg.no_grad():
        x.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_s2_autograd_function_is_refused_by_compile() -> None:
    square = _scaled_cube(tg)
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    step = tg.compile(lambda x: square.apply(x, w, 1.0).sum())
    with pytest.raises(tg.CompileError, match="ScaledCube"):
        step(tg.ones(3, 2))


# §2 "`.requires_grad` (settable on leaves only ...)": the setter refuses any change on a
# computed tensor, while requires_grad_() on one that already requires grad is a no-op
REQUIRES_GRAD_CHANGES: dict[str, Callable[[Any], Any]] = {
    "method True": lambda y: y.requires_grad_(),
    "setter True": lambda y: setattr(y, "requires_grad", True),
    "method False": lambda y: y.requires_grad_(False),
    "setter False": lambda y: setattr(y, "requires_grad", False),
}


@pytest.mark.parametrize("name", sorted(REQUIRES_GRAD_CHANGES))
def test_s2_requires_grad_of_a_computed_tensor(name: str) -> None:
    torch = _torch()
    outcomes = []
    for lib in (tg, torch):
        y = lib.ones(2, requires_grad=True) * 2
        try:
            REQUIRES_GRAD_CHANGES[name](y)
            outcomes.append(("ok", y.requires_grad))
        except RuntimeError as error:
            outcomes.append(("RuntimeError", "leaf" in str(error)))
    assert outcomes[0] == outcomes[1]


# §2 "max()/min()": with a tensor in place of dim, PyTorch's elementwise maximum/minimum
@pytest.mark.parametrize(
    "call",
    [
        lambda lib, a, b: lib.max(a, b),
        lambda lib, a, b: lib.min(a, b),
        lambda lib, a, b: a.max(b),
        lambda lib, a, b: a.min(other=b) if lib is not tg else a.min(b),
    ],
)
@given(
    hnp.arrays(np.float64, (2, 3), elements=st.sampled_from([-1.0, 0.0, 0.5, 2.0])),
    hnp.arrays(np.float64, (3,), elements=st.sampled_from([-1.0, 0.0, 0.5, 2.0])),
)
def test_s2_max_of_two_tensors_is_elementwise(call: Any, x: np.ndarray, y: np.ndarray) -> None:
    torch = _torch()
    results = []
    for lib in (tg, torch):
        a, b = lib.tensor(x, requires_grad=True), lib.tensor(y, requires_grad=True)
        out = call(lib, a, b)
        (out * lib.tensor(np.arange(6.0).reshape(2, 3))).sum().backward()
        results.append([_values(out), _values(a.grad), _values(b.grad)])
    for ours, theirs in zip(*results, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_s3_functional_relu_accepts_inplace() -> None:
    torch = _torch()
    data = np.array([-1.0, 0.0, 2.0])
    ours = tg.nn.functional.relu(tg.tensor(data), inplace=True)
    theirs = torch.nn.functional.relu(torch.tensor(data), inplace=True)
    np.testing.assert_array_equal(_values(ours), _values(theirs))


# §3 losses: a floating target that is not class probabilities is PyTorch's RuntimeError
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_s3_class_targets_of_a_floating_dtype(loss: str) -> None:
    torch = _torch()
    with pytest.raises(RuntimeError):
        getattr(torch.nn.functional, loss)(torch.ones(2, 3), torch.tensor([0.0, 1.0]))
    with pytest.raises(RuntimeError, match=rf"{loss}: .*integer class indices.*float32"):
        getattr(tg.nn.functional, loss)(tg.ones(2, 3), tg.tensor([0.0, 1.0]))
