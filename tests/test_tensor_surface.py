"""The everyday tensor surface of API.md §2 beyond the derivative catalogue: the results,
dtypes, tuples and errors of PyTorch's functions and methods, side by side with PyTorch.

(The derivatives of the differentiable ones are checked in ``op_catalogue.py``'s entries.)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad4h03 as tg

torch = pytest.importorskip("torch")

X = [[1.5, -2.0, 3.0], [0.0, 4.5, -1.0]]
INTS = [[3, -7, 2], [5, 0, -1]]


def _same(ours: Any, theirs: Any) -> None:
    """Equal values, shapes and dtypes (dtypes by name: ``float32``, ``int64``, ``bool``)."""
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            _same(a, b)
        return
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, tg.Tensor), f"expected a tensor, got {type(ours).__name__}"
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert str(ours.dtype).replace("tinygrad4h03.", "") == str(theirs.dtype).replace(
            "torch.", ""
        )
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-6)
        return
    assert ours == theirs


CASES = {
    "floor_divide": lambda m, x, i: (i // 2, m.floor_divide(i, 3), x // 2),
    "remainder": lambda m, x, i: (i % 3, x % 2.0, m.remainder(i, -3), 7 % i.clamp(min=1)),
    "round_floor_ceil": lambda m, x, i: (
        x.round(),
        x.floor(),
        x.ceil(),
        x.trunc(),
        (x * 10).round(decimals=-1),
    ),
    "sign": lambda m, x, i: (x.sign(), i.sign()),
    "clamp_int": lambda m, x, i: (i.clamp(min=0), i.clamp(-1, 1), m.clamp(x, max=0.5)),
    "clamp_tensor_bounds": lambda m, x, i: x.clamp(min=m.zeros(3), max=m.full((2, 1), 2.0)),
    "maximum_ints": lambda m, x, i: (m.maximum(i, m.zeros_like(i)), m.minimum(i, i.flip(0))),
    "all_any": lambda m, x, i: (x.all(), (x > 0).any(), (x > -3).all(1), i.any(0, keepdim=True)),
    "isnan_isinf": lambda m, x, i: ((x / 0).isnan(), (x / 0).isinf(), (x / 0).isfinite()),
    "logical_masks": lambda m, x, i: (
        (x > 0) & (x < 4),
        (x > 0) | (x < -1),
        ~(x > 0),
        (x > 0) ^ (i > 0),
    ),
    "bitwise_ints": lambda m, x, i: (i & 6, i | 1),
    "count_nonzero": lambda m, x, i: (x.count_nonzero(), i.count_nonzero(0), m.count_nonzero(x)),
    "cumsum_int": lambda m, x, i: (i.cumsum(0), m.cumsum(i, dim=1)),
    "argsort": lambda m, x, i: (x.argsort(), x.argsort(dim=0, descending=True)),
    "sort_topk": lambda m, x, i: (
        x.sort(descending=True),
        x.topk(2),
        i.topk(1, dim=0, largest=False),
    ),
    "unique": lambda m, x, i: (
        m.tensor([3, 1, 3, 2]).unique(),
        m.tensor([3, 1, 3]).unique(return_counts=True),
    ),
    "unique_inverse": lambda m, x, i: m.tensor([[2, 1], [1, 2]]).unique(return_inverse=True),
    "gather_smaller_index": lambda m, x, i: x.gather(1, m.tensor([[2], [0]])),
    "split_chunk": lambda m, x, i: (
        x.split(2, 1),
        x.split([1, 2], dim=1),
        x.chunk(2, 1),
        m.arange(5).chunk(3),
    ),
    "repeat": lambda m, x, i: (x.repeat(2, 1), m.tensor([1, 2]).repeat(2, 2)),
    "tril_triu": lambda m, x, i: (x.tril(), x.triu(1), m.ones(3, 3).tril(-1)),
    "view_as_expand_as": lambda m, x, i: (x.view_as(m.zeros(3, 2)), x[:1].expand_as(x)),
    "t": lambda m, x, i: (x.t(), m.tensor([1.0, 2.0]).t()),
    "conversions": lambda m, x, i: (
        x.long(),
        x.int(),
        x.half(),
        x.bool(),
        i.double(),
        x.short(),
        i.abs().byte(),
    ),
    "comparisons": lambda m, x, i: (x.eq(1.5), x.ne(0), x.lt(0), x.le(0), x.gt(0), x.ge(0)),
    "masked_fill": lambda m, x, i: (
        x.masked_fill(x < 0, 0.0),
        i.masked_fill(m.tensor([True, False, True]), -9),
    ),
    "std_var": lambda m, x, i: (
        x.std(),
        x.var(0),
        x.std(1, unbiased=False),
        x.var(dim=1, correction=0),
        x.var(1, keepdim=True),
    ),
    "norm": lambda m, x, i: (
        x.norm(),
        x.norm(1),
        x.norm(dim=1),
        x.norm(float("inf")),
        m.norm(x, p=0),
    ),
    "logsumexp": lambda m, x, i: (
        x.logsumexp(1),
        m.logsumexp(x * 1000, dim=0),
        m.full((2,), float("-inf")).logsumexp(0),
    ),
    "einsum_list": lambda m, x, i: m.einsum("ij,kj->ik", [x, x]),
    "products": lambda m, x, i: (
        m.mm(x, x.t()),
        m.dot(x[0], x[1]),
        m.outer(x[0], x[1]),
        m.bmm(x[None], x.t()[None]),
    ),
    "functions": lambda m, x, i: (
        m.exp(x),
        m.log(x.abs() + 1),
        m.tanh(x),
        m.sigmoid(x),
        m.relu(x),
        m.abs(i),
        m.sqrt(x.abs()),
    ),
    "reductions_as_functions": lambda m, x, i: (
        m.sum(x, 1),
        m.mean(x, dim=0),
        m.argmax(x, 1),
        m.argmin(x),
        m.softmax(x, dim=1),
    ),
    "isclose": lambda m, x, i: m.isclose(x, x + 1e-9),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name: str) -> None:
    ours = CASES[name](tg, tg.tensor(X), tg.tensor(INTS))
    theirs = CASES[name](torch, torch.tensor(X), torch.tensor(INTS))
    _same(ours, theirs)


def test_named_tuples_unpack_as_pytorch() -> None:
    _, indices = tg.tensor(X).sort(1)
    assert indices.tolist() == torch.tensor(X).sort(1).indices.tolist()
    assert tg.tensor(X).topk(1).indices.dtype == tg.int64


def test_sorting_a_0d_tensor_gives_pytorch_shapes_and_gradient() -> None:
    ours = tg.tensor(2.5, requires_grad=True)
    theirs = torch.tensor(2.5, requires_grad=True)
    for method in ("sort", "topk"):
        args = (1,) if method == "topk" else ()
        mine, reference = getattr(ours, method)(*args), getattr(theirs, method)(*args)
        assert mine.values.shape == tuple(reference.values.shape) == ()
        assert mine.indices.shape == tuple(reference.indices.shape) == ()
        assert mine.indices.item() == reference.indices.item() == 0
        mine.values.backward()
        reference.values.backward()
    assert ours.argsort().shape == tuple(theirs.argsort().shape)
    assert ours.grad.item() == theirs.grad.item() == 2.0


def test_equal_and_allclose_are_python_bools() -> None:
    a = tg.tensor(X)
    assert tg.equal(a, a.clone()) is True
    assert tg.equal(a, a[:1]) is False
    assert tg.allclose(a, a + 1e-9) is True
    assert tg.allclose(a, a + 1) is False


def test_type_names_and_conversions() -> None:
    assert tg.tensor(X).type() == torch.tensor(X).type() == "torch.FloatTensor"
    assert tg.tensor(INTS).type() == "torch.LongTensor"
    assert tg.tensor(X).type(tg.float64).dtype == tg.float64
    assert tg.tensor(X).type("torch.LongTensor").dtype == tg.int64


def test_index_and_format() -> None:
    items = ["a", "b", "c"]
    assert items[tg.tensor(2)] == "c"
    assert format(tg.tensor(3.14159), ".2f") == "3.14"
    assert f"{tg.tensor([2.5]):.1f}" == "2.5"
    assert f"{tg.tensor([2.5])}" == str(tg.tensor([2.5]))  # no spec: the tensor, as PyTorch
    assert f"{tg.tensor(2.5)}" == f"{torch.tensor(2.5)}" == "2.5"
    with pytest.raises(TypeError, match="single element"):
        items[tg.tensor([0, 1])]
    with pytest.raises(TypeError, match="integer"):
        items[tg.tensor(1.0)]
    with pytest.raises(TypeError, match="one-element"):
        format(tg.tensor([1.0, 2.0]), ".2f")


def test_in_place_fills_and_clamps() -> None:
    t = tg.tensor(X)
    t.clamp_(min=0.0)
    assert t.tolist() == torch.tensor(X).clamp_(min=0.0).tolist()
    t.masked_fill_(t > 2, 2.0)
    assert t.amax().item() == 2.0
    tg.manual_seed(0)
    w = tg.zeros(1000).normal_(1.0, 0.5)
    assert abs(w.mean().item() - 1.0) < 0.1 and abs(w.std().item() - 0.5) < 0.1
    u = tg.zeros(1000).uniform_(-2, 2)
    assert u.amin().item() >= -2 and u.amax().item() <= 2


def test_in_place_refused_on_a_leaf_that_requires_grad() -> None:
    with pytest.raises(RuntimeError):
        tg.tensor(X, requires_grad=True).clamp_(0, 1)


def test_clone_keeps_the_graph_and_copies() -> None:
    x = tg.tensor(X, requires_grad=True)
    y = x.clone()
    (y * 3).sum().backward()
    assert x.grad.tolist() == [[3.0] * 3] * 2
    with tg.no_grad():
        y[0, 0] = 100.0
    assert x[0, 0].item() == 1.5


def test_gather_index_is_copied_when_recorded() -> None:
    x = tg.tensor(X, requires_grad=True)
    index = np.array([[2], [0]])
    picked = x.gather(1, tg.tensor(index))
    index[:] = 1  # the caller's array changes after the forward: the gradient must not
    picked.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: tg.tensor(X).gather(1, tg.tensor([[3]])), RuntimeError, "out of bounds"),
        (lambda: tg.tensor(X).gather(1, tg.tensor([0])), RuntimeError, "same number of dimensions"),
        (lambda: tg.tensor(X).gather(1, tg.tensor([[0]], dtype=tg.int32)), RuntimeError, "int64"),
        (lambda: tg.tensor(X).clamp(), RuntimeError, "at least one"),
        (lambda: tg.tensor(X).masked_fill(tg.tensor([1, 0, 1]), 0.0), RuntimeError, "bool"),
        (lambda: tg.tensor(X).masked_fill(tg.tensor([True, False]), 0.0), tg.ShapeError, r"\(2,\)"),
        (lambda: tg.mm(tg.tensor(X), tg.tensor([1.0, 2.0, 3.0])), RuntimeError, "2-D"),
        (lambda: tg.bmm(tg.ones(2, 2, 3), tg.ones(3, 3, 1)), RuntimeError, "batch"),
        (lambda: tg.ones(2, 2, 2).t(), RuntimeError, "<= 2 dimensions"),
        (lambda: tg.tensor(X).topk(4), RuntimeError, "out of range"),
        (lambda: tg.tensor(X).repeat(2), RuntimeError, "repeat dims"),
        (lambda: tg.tensor(X).split([1, 1], 1), RuntimeError, "add up"),
        (lambda: tg.dot(tg.ones(2), tg.ones(3)), RuntimeError, "same size"),
        (lambda: tg.sin([1.0]), TypeError, "must be a Tensor"),
        (lambda: tg.tensor(X).norm("nuc"), ValueError, "nuc"),
        (
            lambda: tg.einsum("ii->i", tg.ones(2, 2, requires_grad=True)).sum().backward(),
            NotImplementedError,
            "diagonal",
        ),
    ],
)
def test_bad_input_names_the_operation(call: Any, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        call()


def test_norm_gradient_at_zero_is_zero_as_pytorch() -> None:
    x = tg.zeros(3, requires_grad=True)
    x.norm().backward()
    ref = torch.zeros(3, requires_grad=True)
    ref.norm().backward()
    assert x.grad.tolist() == ref.grad.tolist() == [0.0, 0.0, 0.0]


def test_maximum_splits_ties_as_pytorch() -> None:
    a, b = tg.tensor([1.0, 2.0], requires_grad=True), tg.tensor([1.0, 3.0], requires_grad=True)
    tg.maximum(a, b).sum().backward()
    ta, tb = (
        torch.tensor([1.0, 2.0], requires_grad=True),
        torch.tensor([1.0, 3.0], requires_grad=True),
    )
    torch.maximum(ta, tb).sum().backward()
    assert a.grad.tolist() == ta.grad.tolist() and b.grad.tolist() == tb.grad.tolist()


def test_clamp_gradient_includes_the_bounds_as_pytorch() -> None:
    x = tg.tensor([0.0, 0.5, 1.0, 2.0], requires_grad=True)
    x.clamp(0.0, 1.0).sum().backward()
    ref = torch.tensor([0.0, 0.5, 1.0, 2.0], requires_grad=True)
    ref.clamp(0.0, 1.0).sum().backward()
    assert x.grad.tolist() == ref.grad.tolist()
