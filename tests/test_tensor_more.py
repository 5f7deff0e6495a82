"""movedim/moveaxis, swapdims, unbind, median/nanmedian, scatter/scatter_add/index_add (and
their in-place forms) and ``tg.linalg``: values, indices, dtypes, gradients at ties and
repeats, in-place rules and errors, side by side with PyTorch where it is installed.

(Finite differences, second order, PyTorch's gradients and ``tg.compile`` on drawn inputs are
in ``op_catalogue.py``'s entries ``moved``, ``median``, ``scatter`` and ``linalg``.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03.testing import arrays, shapes

NAN = float("nan")


def _torch() -> Any:
    return pytest.importorskip("torch")


def _same(ours: Any, theirs: Any) -> None:
    """Equal values (NaN equal to NaN), shapes and dtypes (by name)."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            _same(a, b)
        return
    assert isinstance(ours, tg.Tensor), f"expected a tensor, got {type(ours).__name__}"
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).replace("tinygrad4h03.", "") == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-6)


def _both_raise(ours: Any, theirs: Any) -> None:
    """Both calls raise, the same exception type."""
    with pytest.raises(Exception) as expected:
        theirs()
    with pytest.raises(type(expected.value)):
        ours()


# --------------------------------------------------------------------------- moving dims


@given(shape=shapes(min_dims=1, max_dims=4), data=st.data())
def test_movedim_matches_pytorch(shape: tuple[int, ...], data: st.DataObject) -> None:
    torch = _torch()
    n = len(shape)
    count = data.draw(st.integers(1, n))
    dims = st.lists(
        st.integers(-n, n - 1), min_size=count, max_size=count, unique_by=lambda d: d % n
    )
    src, dst = data.draw(dims), data.draw(dims)
    x = np.arange(float(np.prod(shape))).reshape(shape)
    _same(tg.tensor(x).movedim(src, dst), torch.tensor(x).movedim(src, dst))
    _same(
        tg.moveaxis(tg.tensor(x), src[0], dst[0]), torch.moveaxis(torch.tensor(x), src[0], dst[0])
    )


@pytest.mark.parametrize("dims", [((0, 0), (1, 2)), (3, 0), ((0, 1), (0,)), ((0, 1), (1, 1))])
def test_movedim_errors_are_pytorchs(dims: tuple[Any, Any]) -> None:
    torch = _torch()
    _both_raise(
        lambda: tg.zeros(2, 3, 4).movedim(*dims), lambda: torch.zeros(2, 3, 4).movedim(*dims)
    )


def test_swapdims_and_swapaxes_are_transpose() -> None:
    x = tg.tensor(np.arange(24.0).reshape(2, 3, 4))
    for swapped in (x.swapdims(0, 2), x.swapaxes(0, 2), tg.swapdims(x, 0, 2), tg.swapaxes(x, 0, 2)):
        assert swapped.tolist() == x.transpose(0, 2).tolist()


@given(x=arrays(shapes(min_dims=1)), data=st.data())
def test_unbind_gives_the_slices_and_their_gradients(x: np.ndarray, data: st.DataObject) -> None:
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    t = tg.tensor(x, requires_grad=True)
    parts = tg.unbind(t, dim)
    assert isinstance(parts, tuple) and len(parts) == x.shape[dim]
    for i, part in enumerate(parts):
        np.testing.assert_array_equal(part.numpy(), np.take(x, i, axis=dim))
    tg.stack([p * (i + 1) for i, p in enumerate(parts)]).sum().backward()
    shape = [1] * x.ndim
    shape[dim] = x.shape[dim]
    expected = np.broadcast_to(np.arange(1.0, x.shape[dim] + 1).reshape(shape), x.shape)
    np.testing.assert_allclose(t.grad.numpy(), expected)


def test_unbind_of_a_0d_tensor_raises_indexerror() -> None:
    with pytest.raises(IndexError, match="unbind"):
        tg.tensor(1.0).unbind()


# --------------------------------------------------------------------------- medians

ROWS = [[1.0, 5.0, 3.0, 2.0], [4.0, NAN, 0.0, 1.0], [NAN, NAN, 2.0, NAN], [7.0, 7.0, 1.0, 7.0]]


@pytest.mark.parametrize("name", ["median", "nanmedian"])
def test_median_values_and_indices_match_pytorch_with_nans_and_ties(name: str) -> None:
    torch = _torch()
    ours, theirs = tg.tensor(ROWS), torch.tensor(ROWS)
    _same(getattr(ours, name)(), getattr(theirs, name)())
    for dim in (0, 1, -1):
        for keepdim in (False, True):
            got = getattr(tg, name)(ours, dim, keepdim)
            want = getattr(torch, name)(theirs, dim, keepdim)
            _same(got.values, want.values)
            if name == "median" or dim != 0:  # PyTorch's index among tied values may vary
                _same(got.indices, want.indices)


@given(x=arrays(shapes(), -3, 3), data=st.data())
def test_median_of_rounded_values_matches_pytorch(x: np.ndarray, data: st.DataObject) -> None:
    torch = _torch()
    x = np.round(x)  # many ties
    _same(tg.tensor(x).median(), torch.tensor(x).median())
    dim = data.draw(st.integers(-max(x.ndim, 1), max(x.ndim - 1, 0)))
    _same(tg.tensor(x).median(dim).values, torch.tensor(x).median(dim).values)


def test_median_of_integers_and_of_nothing() -> None:
    torch = _torch()
    _same(tg.tensor([1, 3, 2, 4]).median(), torch.tensor([1, 3, 2, 4]).median())
    _same(tg.tensor([1, 3, 2, 4]).median(0), torch.tensor([1, 3, 2, 4]).median(0))
    _same(tg.zeros(0).median(), torch.zeros(0).median())
    _same(tg.zeros(0, 2).median(0 + 1), torch.zeros(0, 2).median(1))
    _both_raise(lambda: tg.zeros(2, 0).median(1), lambda: torch.zeros(2, 0).median(1))
    _both_raise(lambda: tg.zeros(2).median(1), lambda: torch.zeros(2).median(1))


def test_median_gradient_is_split_between_ties_as_pytorch() -> None:
    x = tg.tensor([1.0, 3.0, 3.0, 2.0, 5.0, 3.0], requires_grad=True)
    x.median().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0, 1 / 3, 1 / 3, 0, 0, 1 / 3])
    y = tg.tensor([1.0, NAN, 3.0, NAN], requires_grad=True)
    y.median().backward()  # a NaN median: the NaN entries share it
    np.testing.assert_allclose(y.grad.numpy(), [0, 0.5, 0, 0.5])


def test_median_along_a_dim_sends_the_gradient_to_the_index() -> None:
    x = tg.tensor([[2.0, 2.0, 9.0], [4.0, 1.0, 0.0]], requires_grad=True)
    values, indices = x.median(1)
    (values * tg.tensor([10.0, 1.0])).sum().backward()
    expected = np.zeros((2, 3))
    expected[[0, 1], indices.numpy()] = [10.0, 1.0]
    np.testing.assert_allclose(x.grad.numpy(), expected)
    assert x.numpy()[[0, 1], indices.numpy()].tolist() == values.tolist()


def test_median_second_derivative_through_create_graph() -> None:
    x = tg.tensor([3.0, 1.0, 2.0], dtype=tg.float64, requires_grad=True)
    (g,) = tg.grad(x.median() ** 2, x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), [0, 0, 4.0])
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), [0, 0, 2.0])


# --------------------------------------------------------------------------- scatters


def test_scatter_values_and_gradients_match_pytorch() -> None:
    torch = _torch()
    index = [[0, 1, 2], [2, 0, 1]]
    weights = np.arange(9.0).reshape(3, 3)
    results = []
    for lib in (tg, torch):
        a = lib.zeros(3, 3, dtype=lib.float64, requires_grad=True)
        s = lib.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
        out = a.scatter(0, lib.tensor(index), s)
        (out * lib.tensor(weights)).sum().backward()
        results.append((out, a.grad, s.grad))
    _same(results[0], results[1])


def test_scatter_with_a_number_a_larger_src_and_repeats_match_pytorch() -> None:
    torch = _torch()
    for lib_args in [
        lambda lib: lib.zeros(3, 3).scatter(1, lib.tensor([[0, 1]]), 5.0),
        lambda lib: lib.zeros(3, 3).scatter(1, lib.tensor([[0, 1]]), value=-2.0),
        lambda lib: lib.zeros(3, 3, dtype=lib.int64).scatter(1, lib.tensor([[0, 1]]), 5.5),
        lambda lib: lib.zeros(3, 3).scatter(0, lib.tensor([[0, 1]]), lib.ones(2, 3)),
        lambda lib: lib.zeros(3, 3).scatter(1, lib.tensor([[0, 0]]), lib.tensor([[1.0, 2.0]])),
        lambda lib: lib.tensor(2.0).scatter(0, lib.tensor(0), lib.tensor(5.0)),
        lambda lib: lib.zeros(3).scatter_add(0, lib.tensor([0, 0, 2]), lib.tensor([1.0, 2, 3])),
        lambda lib: lib.scatter_add(lib.ones(2, 2), 1, lib.tensor([[1], [1]]), lib.ones(2, 2)),
        lambda lib: lib.zeros(3, 2).index_add(0, lib.tensor([0, 0]), lib.ones(2, 2), alpha=2),
        lambda lib: lib.index_add(lib.zeros(2, 3), 1, lib.tensor([2, 0]), lib.ones(2, 2)),
    ]:
        _same(lib_args(tg), lib_args(torch))


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.zeros(3, 3).scatter(0, lib.tensor([[0, 1, 2, 0]]), lib.ones(2, 3)),
        lambda lib: lib.zeros(3, 3).scatter(0, lib.tensor([0, 1]), lib.ones(2, 3)),
        lambda lib: lib.zeros(3, 3).scatter(0, lib.tensor([[3]]), lib.ones(2, 3)),
        lambda lib: lib.zeros(3, 3).scatter(1, lib.tensor([[-1]]), 5.0),
        lambda lib: lib.zeros(3, 3).scatter(0, lib.tensor([[0.5]]), lib.ones(2, 3)),
        lambda lib: lib.zeros(3, 3).scatter(0, lib.tensor([[0, 1]]), lib.ones(1, 1)),
        lambda lib: lib.zeros(3, 3).scatter(2, lib.tensor([[0, 1]]), lib.ones(3, 3)),
        lambda lib: lib.zeros(3, 3).scatter(0, lib.tensor([[0]]), lib.ones(3, 3, dtype=lib.int64)),
        lambda lib: lib.zeros(3).scatter_add(0, lib.tensor([0]), 1.0),
        lambda lib: lib.zeros(3, 2).index_add(0, lib.tensor([[0]]), lib.ones(1, 2)),
        lambda lib: lib.zeros(3, 2).index_add(0, lib.tensor([0, 5]), lib.ones(2, 2)),
        lambda lib: lib.zeros(3, 2).index_add(0, lib.tensor([0]), lib.ones(2, 2)),
        lambda lib: lib.zeros(3, 2).index_add(0, lib.tensor([0.0]), lib.ones(1, 2)),
        lambda lib: lib.zeros(3, 2).index_add(0, lib.tensor([0]), lib.ones(1, 3)),
    ],
)
def test_scatter_errors_are_pytorchs(call: Any) -> None:
    torch = _torch()
    _both_raise(lambda: call(tg), lambda: call(torch))


def test_scatter_error_names_the_operation_and_shapes() -> None:
    with pytest.raises(RuntimeError, match=r"scatter\(\).*\[1, 4\].*\[3, 3\]"):
        tg.zeros(3, 3).scatter(0, tg.tensor([[0, 1, 2, 0]]), tg.ones(2, 3))


def test_in_place_scatters_write_bump_the_version_and_refuse_a_leaf() -> None:
    t = tg.zeros(2, 3)
    before = t._version
    assert t.scatter_(1, tg.tensor([[2], [0]]), tg.tensor([[1.0], [2.0]])) is t
    assert t.tolist() == [[0, 0, 1], [2, 0, 0]]
    t.scatter_add_(1, tg.tensor([[2, 2]]), tg.tensor([[1.0, 2.0]]))
    t.index_add_(0, tg.tensor([1]), tg.ones(1, 3), alpha=-1)
    assert t.tolist() == [[0, 0, 4], [1, -1, -1]]
    assert t._version == before + 3
    w = tg.zeros(3, requires_grad=True)
    for call in (
        lambda: w.scatter_(0, tg.tensor([0]), 1.0),
        lambda: w.scatter_add_(0, tg.tensor([0]), tg.ones(1)),
        lambda: w.index_add_(0, tg.tensor([0]), tg.ones(1)),
    ):
        with pytest.raises(RuntimeError, match="in-place"):
            call()
    with tg.no_grad():
        w.scatter_(0, tg.tensor([1]), value=4.0)
    assert w.tolist() == [0, 4, 0]


def test_in_place_scatter_under_backward_is_caught() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    with tg.no_grad():
        y.scatter_(0, tg.tensor([0]), 0.0)
    with pytest.raises(RuntimeError, match=r"in place|in-place|version|modified"):
        y.sum().backward()


def test_scatter_add_gradient_reaches_every_repeat() -> None:
    s = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = tg.zeros(2, requires_grad=True)
    out = x.scatter_add(0, tg.tensor([1, 1, 0]), s)
    (out * tg.tensor([10.0, 100.0])).sum().backward()
    assert out.tolist() == [3.0, 3.0]
    assert s.grad.tolist() == [100.0, 100.0, 10.0]
    assert x.grad.tolist() == [10.0, 100.0]


# --------------------------------------------------------------------------- tg.linalg

MATRIX = [[1.0, -2.0, 0.5], [3.0, 4.0, -1.0]]


@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, 0, math.inf, -math.inf, -1])
@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1), (-1,)])
def test_vector_norm_matches_pytorch(ord: float, dim: Any) -> None:
    torch = _torch()
    for keepdim in (False, True):
        _same(
            tg.linalg.vector_norm(tg.tensor(MATRIX), ord, dim, keepdim),
            torch.linalg.vector_norm(torch.tensor(MATRIX), ord, dim, keepdim),
        )


@pytest.mark.parametrize("ord", ["fro", 1, -1, math.inf, -math.inf])
def test_matrix_norm_and_norm_match_pytorch(ord: Any) -> None:
    torch = _torch()
    x = np.arange(-6.0, 6.0).reshape(2, 2, 3) ** 2 - 9
    for dim in ((-2, -1), (0, 2), (2, 1)):
        for keepdim in (False, True):
            _same(
                tg.linalg.matrix_norm(tg.tensor(x), ord, dim, keepdim),
                torch.linalg.matrix_norm(torch.tensor(x), ord, dim, keepdim),
            )
            _same(
                tg.linalg.norm(tg.tensor(x), ord, dim, keepdim),
                torch.linalg.norm(torch.tensor(x), ord, dim, keepdim),
            )
    _same(tg.linalg.norm(tg.tensor(MATRIX), ord), torch.linalg.norm(torch.tensor(MATRIX), ord))
    _same(tg.linalg.norm(tg.tensor(x)), torch.linalg.norm(torch.tensor(x)))
    _same(tg.linalg.norm(tg.tensor(x), dim=1), torch.linalg.norm(torch.tensor(x), dim=1))


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.linalg.vector_norm(lib.tensor([3, 4])),
        lambda lib: lib.linalg.vector_norm(lib.ones(2, 2), ord="fro"),
        lambda lib: lib.linalg.matrix_norm(lib.tensor([3.0, 4.0])),
        lambda lib: lib.linalg.matrix_norm(lib.ones(2, 2), ord=3),
        lambda lib: lib.linalg.matrix_norm(lib.ones(2, 2), dim=(0, 0)),
        lambda lib: lib.linalg.matrix_norm(lib.ones(2, 2), dim=(0, 2)),
        lambda lib: lib.linalg.norm(lib.ones(2, 2, 2), ord=2),
        lambda lib: lib.linalg.inv(lib.ones(2, 3)),
        lambda lib: lib.linalg.det(lib.ones(3)),
        lambda lib: lib.linalg.solve(lib.eye(2), lib.ones(3)),
        lambda lib: lib.linalg.solve(lib.eye(2), lib.ones(3, 1)),
    ],
)
def test_linalg_errors_are_pytorchs(call: Any) -> None:
    torch = _torch()
    _both_raise(lambda: call(tg), lambda: call(torch))


def test_a_singular_matrix_raises_a_runtimeerror_as_pytorch() -> None:
    torch = _torch()
    for name, args in [("inv", (2, 2)), ("solve", (2, 2))]:
        with pytest.raises(RuntimeError, match="singular"):
            getattr(torch.linalg, name)(*[torch.zeros(*args)] * (1 if name == "inv" else 2))
        with pytest.raises(RuntimeError, match=f"linalg.{name}.*singular"):
            getattr(tg.linalg, name)(*[tg.zeros(*args)] * (1 if name == "inv" else 2))


def test_vector_norm_gradient_at_zero_is_zero_as_pytorch() -> None:
    for ord in (2, 3):
        x = tg.zeros(3, requires_grad=True)
        tg.linalg.vector_norm(x, ord).backward()
        assert x.grad.tolist() == [0.0, 0.0, 0.0]


@given(x=arrays((3, 3), -1, 1), b=arrays((3, 2)))
def test_inv_det_and_solve_agree_with_each_other(x: np.ndarray, b: np.ndarray) -> None:
    a = tg.tensor(x + 3 * np.eye(3))
    inverse = tg.linalg.inv(a)
    np.testing.assert_allclose((a @ inverse).numpy(), np.eye(3), atol=1e-12)
    solved = tg.linalg.solve(a, tg.tensor(b))
    np.testing.assert_allclose((a @ solved).numpy(), b, atol=1e-12)
    right = tg.linalg.solve(a, tg.tensor(b.T), left=False)
    np.testing.assert_allclose((right @ a).numpy(), b.T, atol=1e-12)
    np.testing.assert_allclose(tg.linalg.det(inverse).item() * tg.linalg.det(a).item(), 1.0)


def test_linalg_values_and_gradients_match_pytorch_on_a_batch() -> None:
    torch = _torch()
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal((2, 3))
    for name, args in [("inv", (a,)), ("det", (a,)), ("solve", (a, b))]:
        results = []
        for lib in (tg, torch):
            inputs = [lib.tensor(x, requires_grad=True) for x in args]
            out = getattr(lib.linalg, name)(*inputs)
            (out**2).sum().backward()
            results.append([out, *(x.grad for x in inputs)])
        _same(results[0], results[1])
