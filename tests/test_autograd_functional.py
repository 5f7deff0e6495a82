"""tg.autograd.functional: jacobian, hessian, vjp, jvp, vhp and hvp against central finite
differences (always), against torch.autograd.functional (values, nesting, errors), and
differentiated again with create_graph=True (gradcheck and gradgradcheck)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad4h03 as tg

F = tg.autograd.functional
hessian, hvp, jacobian, jvp, vjp = F.hessian, F.hvp, F.jacobian, F.jvp, F.vjp

RNG = np.random.default_rng(7)
A = RNG.standard_normal((3, 4))


# Each function is written once for tg and torch (``lib`` is the module).
def one_to_one(lib: Any, x: Any) -> Any:  # (4,) -> (3,)
    return (lib.tensor(A) @ x).tanh() * x.sum()


def two_to_one(lib: Any, x: Any, y: Any) -> Any:  # (4,), (2, 2) -> (2, 2)
    return y * (x**2).sum() + y.exp() * x[0]


def one_to_two(lib: Any, x: Any) -> Any:  # (4,) -> ((2, 2), ())
    return (x.reshape(2, 2).sin() * x[1], (x**3).sum())


def two_to_two(lib: Any, x: Any, y: Any) -> Any:
    return (x * y[0, 1], (x.sum() * y).tanh())


def scalar_one(lib: Any, x: Any) -> Any:
    return (x.sin() * x**2).sum() + (lib.tensor(A) @ x).pow(2).sum()


def scalar_two(lib: Any, x: Any, y: Any) -> Any:
    return (x**3).sum() * y.sum() + (y.exp() * x[0]).sum()


SHAPES: dict[Callable[..., Any], list[tuple[int, ...]]] = {
    one_to_one: [(4,)],
    two_to_one: [(4,), (2, 2)],
    one_to_two: [(4,)],
    two_to_two: [(4,), (2, 2)],
    scalar_one: [(4,)],
    scalar_two: [(4,), (2, 2)],
}
ANY = list(SHAPES)
SCALAR = [scalar_one, scalar_two]


def arrays_for(fn: Callable[..., Any], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [0.5 * rng.standard_normal(shape) for shape in SHAPES[fn]]


def call_args(lib: Any, fn: Callable[..., Any], arrays: list[np.ndarray]) -> tuple:
    """(the function of tensors, inputs: a tensor for one input, else a tuple)."""
    tensors = tuple(lib.tensor(a) for a in arrays)
    return (lambda *xs: fn(lib, *xs)), (tensors if len(tensors) > 1 else tensors[0])


def nested(result: Any) -> Any:
    """The result as arrays, keeping the nesting (tuples) and telling tensors apart."""
    if isinstance(result, (tuple, list)):  # PyTorch's forward mode gives a list at times
        return tuple(nested(r) for r in result)
    assert not result.requires_grad, "create_graph=False gives detached results"
    return ("tensor", result.detach().numpy())


def assert_nested_close(ours: Any, theirs: Any, rtol: float = 1e-10) -> None:
    if isinstance(theirs, tuple) and theirs and theirs[0] == "tensor":
        assert isinstance(ours, tuple) and ours[0] == "tensor", f"{ours!r} is not a tensor"
        assert ours[1].shape == theirs[1].shape
        np.testing.assert_allclose(ours[1], theirs[1], rtol=rtol, atol=rtol)
        return
    assert isinstance(ours, tuple) and len(ours) == len(theirs), "the nesting differs"
    for o, t in zip(ours, theirs, strict=True):
        assert_nested_close(o, t, rtol)


def output_arrays(fn: Callable[..., Any], arrays: list[np.ndarray]) -> list[np.ndarray]:
    out = fn(tg, *[tg.tensor(a) for a in arrays])
    return [o.numpy() for o in (out if isinstance(out, tuple) else (out,))]


def random_like(arrays: list[np.ndarray], seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(a.shape) for a in arrays]


def as_v(lib: Any, arrays: list[np.ndarray]) -> Any:
    tensors = tuple(lib.tensor(a) for a in arrays)
    return tensors if len(tensors) > 1 else tensors[0]


# --------------------------------------------------------------------------- vs. PyTorch


def both(fn: Callable[..., Any], seed: int = 0) -> tuple[Any, list[np.ndarray]]:
    torch = pytest.importorskip("torch")
    return torch, arrays_for(fn, seed)


@pytest.mark.parametrize("fn", ANY, ids=lambda f: f.__name__)
@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_jacobian_equals_pytorch(fn: Callable[..., Any], strategy: str) -> None:
    torch, arrays = both(fn)
    vectorize = strategy == "forward-mode"
    ours = jacobian(*call_args(tg, fn, arrays), strategy=strategy, vectorize=vectorize)
    theirs = torch.autograd.functional.jacobian(
        *call_args(torch, fn, arrays), strategy=strategy, vectorize=vectorize
    )
    assert_nested_close(nested(ours), nested(theirs))


@pytest.mark.parametrize("fn", SCALAR, ids=lambda f: f.__name__)
def test_hessian_equals_pytorch(fn: Callable[..., Any]) -> None:
    torch, arrays = both(fn)
    ours = hessian(*call_args(tg, fn, arrays))
    theirs = torch.autograd.functional.hessian(*call_args(torch, fn, arrays))
    assert_nested_close(nested(ours), nested(theirs))


@pytest.mark.parametrize("fn", ANY, ids=lambda f: f.__name__)
def test_vjp_and_jvp_equal_pytorch(fn: Callable[..., Any]) -> None:
    torch, arrays = both(fn)
    v_out = random_like(output_arrays(fn, arrays), 1)
    v_in = random_like(arrays, 2)
    for name, v in (("vjp", v_out), ("jvp", v_in)):
        ours = getattr(tg.autograd.functional, name)(*call_args(tg, fn, arrays), as_v(tg, v))
        theirs = getattr(torch.autograd.functional, name)(
            *call_args(torch, fn, arrays), as_v(torch, v)
        )
        assert_nested_close(nested(ours), nested(theirs))


@pytest.mark.parametrize("fn", SCALAR, ids=lambda f: f.__name__)
@pytest.mark.parametrize("name", ["vhp", "hvp"])
def test_vhp_and_hvp_equal_pytorch(fn: Callable[..., Any], name: str) -> None:
    torch, arrays = both(fn)
    v = random_like(arrays, 3)
    ours = getattr(tg.autograd.functional, name)(*call_args(tg, fn, arrays), as_v(tg, v))
    theirs = getattr(torch.autograd.functional, name)(*call_args(torch, fn, arrays), as_v(torch, v))
    assert_nested_close(nested(ours), nested(theirs))


@settings(max_examples=20, deadline=None)
@given(
    n=st.integers(1, 4),
    m=st.integers(1, 3),
    seed=st.integers(0, 2**16),
    tuple_inputs=st.booleans(),
)
def test_random_jacobians_and_hessians_equal_pytorch(
    n: int, m: int, seed: int, tuple_inputs: bool
) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    w, x, b = rng.standard_normal((m, n)), rng.standard_normal(n), rng.standard_normal(m)

    def make(lib: Any) -> tuple[Callable[..., Any], Callable[..., Any], Any]:
        def vector(x: Any, b: Any) -> Any:
            return (lib.tensor(w) @ x + b).sigmoid() * (x**2).sum()

        def scalar(x: Any, b: Any) -> Any:
            return (vector(x, b) ** 2).sum()

        inputs = (lib.tensor(x), lib.tensor(b))
        if tuple_inputs:
            return vector, scalar, inputs
        return (lambda x: vector(x, inputs[1])), (lambda x: scalar(x, inputs[1])), inputs[0]

    ours, theirs = make(tg), make(torch)
    for name, pick in (("jacobian", 0), ("hessian", 1)):
        mine = getattr(tg.autograd.functional, name)(ours[pick], ours[2])
        reference = getattr(torch.autograd.functional, name)(theirs[pick], theirs[2])
        assert_nested_close(nested(mine), nested(reference))


# --------------------------------------------------------------------------- finite differences


def numeric_jacobian(fn: Callable[..., Any], arrays: list[np.ndarray], eps: float = 1e-6) -> list:
    """J[i][j] by central differences, of shape output_i.shape + input_j.shape."""
    outs = output_arrays(fn, arrays)
    blocks = [[np.zeros(o.shape + a.shape) for a in arrays] for o in outs]
    for j, a in enumerate(arrays):
        for k in np.ndindex(a.shape):
            plus, minus = [b.copy() for b in arrays], [b.copy() for b in arrays]
            plus[j][k] += eps
            minus[j][k] -= eps
            for i, (p, q) in enumerate(
                zip(output_arrays(fn, plus), output_arrays(fn, minus), strict=True)
            ):
                blocks[i][j][(..., *k)] = (p - q) / (2 * eps)
    return blocks


def as_blocks(result: Any, n_out: int, n_in: int) -> list[list[np.ndarray]]:
    if n_out == 1 and n_in == 1:
        return [[result.numpy()]]
    if n_out == 1:
        return [[r.numpy() for r in result]]
    if n_in == 1:
        return [[r.numpy()] for r in result]
    return [[r.numpy() for r in row] for row in result]


@pytest.mark.parametrize("fn", ANY, ids=lambda f: f.__name__)
def test_jacobian_matches_finite_differences(fn: Callable[..., Any]) -> None:
    arrays = arrays_for(fn, 4)
    expected = numeric_jacobian(fn, arrays)
    found = as_blocks(jacobian(*call_args(tg, fn, arrays)), len(expected), len(arrays))
    for row, expected_row in zip(found, expected, strict=True):
        for block, reference in zip(row, expected_row, strict=True):
            np.testing.assert_allclose(block, reference, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("fn", SCALAR, ids=lambda f: f.__name__)
def test_hessian_and_products_match_finite_differences(fn: Callable[..., Any]) -> None:
    arrays = arrays_for(fn, 5)

    def gradient(*xs: Any) -> Any:
        ts = [tg.tensor(x.numpy(), requires_grad=True) for x in xs]
        return tg.grad(fn(tg, *ts), ts)

    def gradient_fn(lib: Any, *xs: Any) -> Any:
        return gradient(*xs)

    SHAPES[gradient_fn] = SHAPES[fn]
    expected = numeric_jacobian(gradient_fn, arrays)  # H[i][j] = ∂g_i/∂x_j
    found = as_blocks(hessian(*call_args(tg, fn, arrays)), len(arrays), len(arrays))
    v = random_like(arrays, 6)
    hv = [
        sum(np.tensordot(expected[i][j], v[j], v[j].ndim) for j in range(len(v)))
        for i in range(len(v))
    ]
    for name in ("hvp", "vhp"):
        _, product = getattr(tg.autograd.functional, name)(*call_args(tg, fn, arrays), as_v(tg, v))
        product = product if isinstance(product, tuple) else (product,)
        for p, reference in zip(product, hv, strict=True):
            np.testing.assert_allclose(p.numpy(), reference, rtol=1e-6, atol=1e-7)
    for row, expected_row in zip(found, expected, strict=True):
        for block, reference in zip(row, expected_row, strict=True):
            np.testing.assert_allclose(block, reference, rtol=1e-6, atol=1e-7)


# --------------------------------------------------------------------------- create_graph


def test_create_graph_results_pass_gradcheck_and_gradgradcheck() -> None:
    x = tg.tensor(arrays_for(one_to_one)[0], requires_grad=True)
    v = tg.tensor(random_like([x.numpy()], 8)[0][:3])
    u = tg.tensor(random_like([x.numpy()], 9)[0])

    def jac(t: tg.Tensor) -> tg.Tensor:
        return jacobian(lambda s: one_to_one(tg, s), t, create_graph=True)

    def hess(t: tg.Tensor) -> tg.Tensor:
        return hessian(lambda s: scalar_one(tg, s), t, create_graph=True)

    def vjp_of(t: tg.Tensor) -> tg.Tensor:
        return vjp(lambda s: one_to_one(tg, s), t, v, create_graph=True)[1]

    def jvp_of(t: tg.Tensor) -> tg.Tensor:
        return jvp(lambda s: one_to_one(tg, s), t, u, create_graph=True)[1]

    def hvp_of(t: tg.Tensor) -> tg.Tensor:
        return hvp(lambda s: scalar_one(tg, s), t, u, create_graph=True)[1]

    for f in (jac, hess, vjp_of, jvp_of, hvp_of):
        assert f(x).requires_grad
        assert tg.gradcheck(f, [x])
    for f in (jac, vjp_of, jvp_of):
        assert tg.gradgradcheck(f, [x])


def test_create_graph_derivative_equals_pytorch() -> None:
    torch = pytest.importorskip("torch")
    a = arrays_for(scalar_one)[0]
    results = []
    for lib in (tg, torch):
        x = lib.tensor(a, requires_grad=True)
        h = lib.autograd.functional.hessian(
            lambda s, lib=lib: scalar_one(lib, s), x, create_graph=True
        )
        (g,) = lib.autograd.grad((h * h).sum(), x)
        results.append(g.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10)


def test_without_create_graph_inputs_and_grads_are_left_alone() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    out, product = vjp(lambda t: (t**2).sum(), x)
    assert product.tolist() == [2.0, 4.0] and not product.requires_grad
    assert not out.requires_grad and x.grad is None and x.is_leaf


# --------------------------------------------------------------------------- strict, zeros, errors


def test_unused_inputs_give_zeros_or_raise_in_strict_mode() -> None:
    x, y = tg.tensor([1.0, 2.0]), tg.tensor([3.0])
    jx, jy = jacobian(lambda a, b: a * 2, (x, y))
    assert jx.numpy().tolist() == [[2.0, 0.0], [0.0, 2.0]] and jy.numpy().tolist() == [[0.0], [0.0]]
    _, (_, gy) = vjp(lambda a, b: (a**2).sum(), (x, y))
    assert gy.tolist() == [0.0]
    _, product = jvp(lambda a: tg.ones(2), x, tg.tensor([1.0, 1.0]))
    assert product.tolist() == [0.0, 0.0]
    h = hessian(lambda a, b: (a**2).sum(), (x, y))
    assert h[1][1].numpy().tolist() == [[0.0]] and h[0][0].numpy().tolist() == [[2, 0], [0, 2]]
    for fn in (
        lambda: jacobian(lambda a, b: a * 2, (x, y), strict=True),
        lambda: vjp(lambda a, b: (a**2).sum(), (x, y), strict=True),
    ):
        with pytest.raises(RuntimeError, match="independent of input 1"):
            fn()


def _bad_calls(lib: Any) -> list[tuple[str, Callable[[], Any]]]:
    F = lib.autograd.functional
    x, y = lib.ones(3, dtype=lib.float64), lib.ones(2, dtype=lib.float64)

    def square(t: Any) -> Any:
        return t**2

    return [
        ("a list as inputs", lambda: F.jacobian(square, [x])),
        ("a list as output", lambda: F.jacobian(lambda t: [t], x)),
        ("v of the wrong shape", lambda: F.vjp(square, x, y)),
        ("v missing, many outputs", lambda: F.vjp(square, x)),
        ("v missing, many inputs", lambda: F.jvp(square, x)),
        ("v of the wrong length", lambda: F.jvp(lambda a, b: a, (x, y), (x,))),
        ("hessian of a vector", lambda: F.hessian(square, x)),
        ("vhp of a vector", lambda: F.vhp(square, x, x)),
        ("an unknown strategy", lambda: F.jacobian(square, x, strategy="sideways")),
        ("forward without vectorize", lambda: F.jacobian(square, x, strategy="forward-mode")),
        ("strict and vectorize", lambda: F.jacobian(square, x, strict=True, vectorize=True)),
    ]


def test_bad_calls_raise_clear_errors() -> None:
    for what, call in _bad_calls(tg):
        with pytest.raises((TypeError, RuntimeError, AssertionError, NotImplementedError)) as info:
            call()
        message = str(info.value)
        assert any(op in message for op in ("jacobian", "vjp", "jvp", "hessian", "vhp")), what


def test_bad_calls_raise_what_pytorch_raises() -> None:
    torch = pytest.importorskip("torch")
    for (what, ours), (_, theirs) in zip(_bad_calls(tg), _bad_calls(torch), strict=True):
        with pytest.raises(Exception) as expected:
            theirs()
        with pytest.raises(expected.type):
            ours()
        assert what


def test_importable_by_its_dotted_name() -> None:
    import tinygrad4h03.autograd.functional as functional

    assert functional is tg.autograd.functional and functional.jacobian is jacobian
