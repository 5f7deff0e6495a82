"""The next layer of PyTorch's tensor surface, side by side with PyTorch: values, dtypes,
gradients and errors of erf, diag/diagonal/trace, index_select, repeat_interleave, roll, tile,
masked_select, broadcasting, meshgrid, prod/cumprod, nonzero/argwhere/where(cond), new_*, the
``exp_``-style in-place methods, ``register_hook``, ``inference_mode`` and ``F.normalize``,
``F.cosine_similarity``, ``F.pairwise_distance``, ``F.scaled_dot_product_attention``.

(Finite differences, second order and PyTorch's gradients on drawn inputs are in
``op_catalogue.py``'s entries.)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03.testing import arrays, shapes

torch = pytest.importorskip("torch")

X = [[1.5, -2.0, 3.0], [0.0, 4.5, -1.0]]
INTS = [[3, -7, 2], [5, 0, -1]]


def _same(ours: Any, theirs: Any) -> None:
    """Equal values, shapes and dtypes (dtypes by name: ``float32``, ``int64``, ``bool``)."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            _same(a, b)
        return
    assert isinstance(ours, tg.Tensor), f"expected a tensor, got {type(ours).__name__}"
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).replace("tinygrad4h03.", "") == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-6)


CASES = {
    "erf": lambda m, x, i: (x.erf(), m.erf(x), i.erf()),
    "diag": lambda m, x, i: (
        x[0].diag(),
        m.diag(x[1], 2),
        x[0].diag(-1),
        x.diag(),
        x.diag(1),
        i.diag(-1),
        x.diag(5),
    ),
    "diagonal": lambda m, x, i: (
        x.diagonal(),
        x.diagonal(1),
        x.diagonal(-1),
        x.reshape(1, 2, 3).diagonal(0, 1, 2),
        x.reshape(2, 1, 3).diagonal(0, -1, 0),
        m.diagonal(x, offset=4),
    ),
    "trace": lambda m, x, i: (x.trace(), i.trace(), m.trace(x)),
    "index_select": lambda m, x, i: (
        x.index_select(1, m.tensor([2, 0, 2])),
        m.index_select(i, 0, m.tensor([1])),
        x.index_select(-1, m.tensor([], dtype=m.int64)),
        x[0].index_select(0, m.tensor(1)),
    ),
    "repeat_interleave": lambda m, x, i: (
        x.repeat_interleave(2),
        x.repeat_interleave(2, dim=0),
        i.repeat_interleave(m.tensor([1, 0, 2]), dim=1),
        m.repeat_interleave(m.tensor([2, 0, 1])),
        m.repeat_interleave(x, 3, 1),
    ),
    "roll": lambda m, x, i: (
        x.roll(1),
        x.roll(-4, 1),
        x.roll((1, 2), (0, 1)),
        m.roll(i, 5, 0),
    ),
    "tile": lambda m, x, i: (x.tile((2,)), x.tile(2, 1, 2), m.tile(i[0], (2, 2))),
    "masked_select": lambda m, x, i: (
        x.masked_select(x > 0),
        x.masked_select(m.tensor([True, False, True])),
        m.masked_select(i[0], m.tensor([[True], [False]])),
    ),
    "broadcasting": lambda m, x, i: (
        x[0].broadcast_to((2, 3)),
        m.broadcast_to(x[:, :1], (2, -1)),
        m.broadcast_tensors(x, i[0], m.tensor(2.0)),
    ),
    "meshgrid": lambda m, x, i: (
        m.meshgrid(x[0], x[1][:2], indexing="ij"),
        m.meshgrid(i[0], i[1][:2], indexing="xy"),
        m.meshgrid(x[0], x[1][:1], x[0][:2], indexing="xy"),
        m.meshgrid([x[0]], indexing="ij"),
    ),
    "prod": lambda m, x, i: (
        x.prod(),
        x.prod(1),
        x.prod(0, keepdim=True),
        i.prod(1),
        (i > 0).prod(),
        m.prod(x[:, :0], 1),
        x.prod(dtype=m.float64),
    ),
    "cumprod": lambda m, x, i: (x.cumprod(1), x.cumprod(0), i.cumprod(1), m.cumprod(i > 0, 0)),
    "nonzero": lambda m, x, i: (
        x.nonzero(),
        i.nonzero(as_tuple=True),
        m.argwhere(i),
        m.nonzero(x[0] > 0),
        m.where(i > 0),
        m.tensor(5.0).nonzero(),
    ),
    "where_method": lambda m, x, i: (x.where(x > 0, -x), x.where(i > 0, 0.5)),
    "clamp_min_max": lambda m, x, i: (
        x.clamp_min(0.5),
        x.clamp_max(0.5),
        m.clamp_min(i, 0),
        m.clamp_max(i, 1),
    ),
    "new_tensors": lambda m, x, i: (
        x.new_zeros(2, 3),
        x.new_ones((1, 2)),
        i.new_full((2,), 7),
        x.new_full([3], 1.25, dtype=m.float64),
        i.new_empty(0, 2),
        x.new_tensor([1, 2]),
        i.new_tensor([1.7, 2.2]),
        x.new_zeros(()),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_results_and_dtypes_match_pytorch(name: str) -> None:
    ours = CASES[name](tg, tg.tensor(X), tg.tensor(INTS))
    theirs = CASES[name](torch, torch.tensor(X), torch.tensor(INTS))
    _same(ours, theirs)


@given(data=st.data())
def test_prod_and_cumprod_gradients_with_zeros_match_pytorch(data: st.DataObject) -> None:
    shape = data.draw(shapes(min_dims=1), label="shape")
    x = data.draw(arrays(shape, -2, 2), label="x")
    x = np.where(np.abs(x) < 0.1, 0.1, x)  # PyTorch divides by the entries: no tiny ones
    zeros = data.draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size), label="zeros")
    x = np.where(np.asarray(zeros).reshape(shape), 0.0, x)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    w = np.random.default_rng(0).standard_normal(x.size)
    for how in ("prod", "cumprod", "total"):
        a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        if how == "total":
            ours, theirs = a.prod(), b.prod()
        else:
            ours, theirs = getattr(a, how)(dim), getattr(b, how)(dim)
        _same(ours, theirs)
        weights = w[: ours.numel()].reshape(tuple(ours.shape))  # every output weighted apart
        (ours * tg.tensor(weights)).sum().backward()
        (theirs * torch.tensor(weights)).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_prod_gradient_with_two_zeros_is_zero_and_one_zero_gets_the_rest() -> None:
    x = tg.tensor([0.0, 2.0, 0.0, 5.0], requires_grad=True)
    x.prod().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 0.0]
    y = tg.tensor([0.0, 2.0, 3.0], requires_grad=True)
    y.prod().backward()
    assert y.grad.tolist() == [6.0, 0.0, 0.0]


def test_the_new_differentiable_operations_are_twice_differentiable() -> None:
    x = tg.tensor(np.array([[0.5, -1.0, 0.0], [2.0, 0.0, 1.5]]), requires_grad=True)
    checks = [
        lambda t: t.prod(1),
        lambda t: t.cumprod(1),
        lambda t: t.diag(),
        lambda t: t[0].diag(1),
        lambda t: t.erf(),
        lambda t: t.roll(1, 1),
        lambda t: t.repeat_interleave(2, 0),
    ]
    for fn in checks:
        assert tg.gradcheck(fn, (x,))
        assert tg.gradgradcheck(fn, (x,))


# --------------------------------------------------------------------------- in place


@pytest.mark.parametrize("name", ["exp", "log", "abs", "sqrt", "sigmoid", "tanh", "relu"])
def test_in_place_variants_write_what_the_function_returns(name: str) -> None:
    values = [[0.5, 2.0], [1.5, 3.0]] if name in ("log", "sqrt") else X
    ours, theirs = tg.tensor(values), torch.tensor(values)
    array = ours.numpy()
    result = getattr(ours, f"{name}_")()
    getattr(theirs, f"{name}_")()
    assert result is ours and ours.numpy() is array  # the same tensor and memory
    _same(ours, theirs)
    assert ours._version == 1


def test_in_place_variant_on_a_tensor_that_requires_grad_is_refused() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="exp_"):
        w.exp_()
    with tg.no_grad():
        w.relu_()


def test_in_place_variant_of_a_saved_tensor_makes_backward_raise() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    h = w * 1.0
    y = h.exp()
    with tg.no_grad():
        y.exp_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# --------------------------------------------------------------------------- hooks


def test_hooks_see_and_replace_the_gradient_as_in_pytorch() -> None:
    results = []
    for lib in (tg, torch):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        h = x * x
        seen = []
        h.register_hook(lambda g, seen=seen: seen.append(g.tolist()))
        h.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: g + 1)
        (h * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        results.append((seen, x.grad.tolist()))
    assert results[0] == results[1]
    assert results[0] == ([[1.0, 2.0, 3.0]], [21.0, -79.0, 181.0])


def test_a_removed_hook_runs_no_more_and_hooks_run_in_tg_grad() -> None:
    x = tg.tensor([2.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 3)
    (grad,) = tg.grad((x * x).sum(), [x])
    assert grad.tolist() == [12.0]
    handle.remove()
    handle.remove()  # a second remove does nothing
    (x * x).sum().backward()
    assert x.grad.tolist() == [4.0]


def test_the_hook_table_empties_when_hooks_are_removed_or_their_tensors_die() -> None:
    from tinygrad4h03 import engine

    before = len(engine._GRAD_HOOKS)
    x = tg.tensor([1.0], requires_grad=True)
    first, second = x.register_hook(lambda g: g), x.register_hook(lambda g: g)
    assert len(engine._GRAD_HOOKS) == before + 1
    first.remove()
    assert len(engine._GRAD_HOOKS) == before + 1  # one hook is left
    second.remove()
    assert len(engine._GRAD_HOOKS) == before
    y = tg.tensor([1.0], requires_grad=True)
    y.register_hook(lambda g: g)
    del y
    assert len(engine._GRAD_HOOKS) == before


def test_a_hook_on_a_retained_gradient_changes_what_is_kept() -> None:
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x * 2
        h.retain_grad()
        h.register_hook(lambda g: g * 5)
        h.sum().backward()
        assert h.grad.tolist() == [5.0, 5.0]
        assert x.grad.tolist() == [10.0, 10.0]


def test_hooks_are_recorded_with_create_graph_and_run_in_every_sweep() -> None:
    answers = []
    for lib in (tg, torch):
        x = lib.tensor([3.0], requires_grad=True)
        x.register_hook(lambda g, x=x: g * x)  # the hook's result is part of the graph
        (g,) = lib.autograd.grad(x * x, [x], create_graph=True)
        (gg,) = lib.autograd.grad(g, [x])  # d(2x · x)/dx = 4x, and the hook runs again: · x
        answers.append((g.tolist(), gg.tolist()))
    assert answers[0] == answers[1] == ([18.0], [36.0])


def test_register_hook_errors() -> None:
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tg.tensor([1.0]).register_hook(lambda g: g)
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g[:1])
    with pytest.raises(RuntimeError, match="shape"):
        (x * 2).sum().backward()


# --------------------------------------------------------------------------- inference mode


def test_inference_mode_records_nothing_as_a_block_and_a_decorator() -> None:
    x = tg.tensor([1.0], requires_grad=True)
    with tg.inference_mode():
        assert not (x * 2).requires_grad
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    with tg.inference_mode(False):
        assert (x * 2).requires_grad

    @tg.inference_mode()
    def predict(t: tg.Tensor) -> tg.Tensor:
        return t * 3

    assert not predict(x).requires_grad
    assert tg.is_grad_enabled()


# --------------------------------------------------------------------------- errors


def test_errors_name_the_operation_like_pytorch() -> None:
    x = tg.tensor(X)
    cases = [
        (lambda: x.index_select(0, tg.tensor([2])), IndexError, "index_select"),
        (lambda: x.index_select(0, tg.tensor([0.5])), RuntimeError, "index_select"),
        (lambda: x.diagonal(0, 1, 1), RuntimeError, "diagonal"),
        (lambda: x[0].diagonal(), IndexError, "diagonal"),
        (lambda: x.reshape(1, 2, 3).diag(), RuntimeError, "diag"),
        (lambda: x[0].trace(), RuntimeError, "trace"),
        (lambda: x.repeat_interleave(tg.tensor([1, 2]), dim=1), RuntimeError, "repeat_interleave"),
        (lambda: x.repeat_interleave(-1), RuntimeError, "repeat_interleave"),
        (lambda: x.masked_select(tg.tensor([1, 0, 1])), RuntimeError, "masked_select"),
        (lambda: x.masked_select(tg.tensor([True, False])), RuntimeError, "masked_select"),
        (lambda: x.roll((1, 2), 0), RuntimeError, "roll"),
        (lambda: x.prod(2), IndexError, "prod"),
        (lambda: tg.broadcast_tensors(x, tg.ones(4)), RuntimeError, "broadcast_tensors"),
        (lambda: tg.meshgrid(x, indexing="ij"), RuntimeError, "meshgrid"),
        (lambda: tg.meshgrid(x[0], indexing="yx"), RuntimeError, "meshgrid"),
        (lambda: tg.meshgrid(x[0], tg.tensor(INTS[0])), RuntimeError, "meshgrid"),
    ]
    for fn, error, name in cases:
        with pytest.raises(error, match=name):
            fn()


# --------------------------------------------------------------------------- tg.nn.functional


def _pair(values: Any, lib: Any) -> Any:
    return lib.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


@pytest.mark.parametrize(
    "call",
    [
        lambda F, a, b: F.normalize(a),
        lambda F, a, b: F.normalize(a, p=1.0, dim=0, eps=0.5),
        lambda F, a, b: F.cosine_similarity(a, b),
        lambda F, a, b: F.cosine_similarity(a, b[:1], dim=-1, eps=0.3),
        lambda F, a, b: F.pairwise_distance(a, b),
        lambda F, a, b: F.pairwise_distance(a, b, p=1.0, keepdim=True),
    ],
)
def test_similarities_match_pytorch_also_near_zero_vectors(call: Any) -> None:
    a = [[1e-9, 0.0, 0.0], [1.0, -2.0, 0.5], [0.1, 0.2, -0.3]]
    b = [[0.3, 0.4, 0.0], [2.0, 0.0, -1.0], [0.1, 0.2, -0.3]]
    ours_in, theirs_in = (_pair(a, tg), _pair(b, tg)), (_pair(a, torch), _pair(b, torch))
    ours, theirs = call(tg.nn.functional, *ours_in), call(torch.nn.functional, *theirs_in)
    _same(ours, theirs)
    w = np.random.default_rng(1).standard_normal(tuple(theirs.shape))
    (ours * tg.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    for x, y in zip(ours_in, theirs_in, strict=True):
        if y.grad is None:
            assert x.grad is None
            continue
        scale = np.abs(y.grad.numpy()).max()  # near a zero vector the gradients reach ~1e9
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-7, atol=1e-12 * scale)


def _attention_inputs(lib: Any, heads: int = 2, kv_heads: int = 2) -> list[Any]:
    rng = np.random.default_rng(2)
    shapes_ = [(2, heads, 3, 4), (2, kv_heads, 5, 4), (2, kv_heads, 5, 6)]
    return [lib.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes_]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"is_causal": True},
        {"scale": 0.25},
        {"attn_mask": np.tril(np.ones((3, 5), dtype=bool), 1)},
        {"attn_mask": np.arange(15.0).reshape(3, 5) / 10},
        {"attn_mask": np.array([[True] * 5, [False] * 5, [True, False] * 2 + [True]])},
        {"enable_gqa": True},
    ],
)
def test_scaled_dot_product_attention_matches_pytorch(kwargs: dict[str, Any]) -> None:
    kv_heads = 1 if kwargs.get("enable_gqa") else 2
    results = []
    for lib in (tg, torch):
        given = dict(kwargs)
        if "attn_mask" in given:
            given["attn_mask"] = lib.tensor(given["attn_mask"])
        q, k, v = _attention_inputs(lib, kv_heads=kv_heads)
        out = lib.nn.functional.scaled_dot_product_attention(q, k, v, **given)
        w = lib.tensor(np.random.default_rng(3).standard_normal(tuple(out.shape)))
        (out * w).sum().backward()
        results.append([out.detach().numpy(), q.grad.numpy(), k.grad.numpy(), v.grad.numpy()])
    for ours, theirs in zip(*results, strict=True):
        assert np.isfinite(ours).all()
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_scaled_dot_product_attention_dropout_and_errors() -> None:
    F = tg.nn.functional
    q, k, v = _attention_inputs(tg)
    tg.manual_seed(0)
    dropped = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    assert dropped.shape == (2, 2, 3, 6)
    assert not np.allclose(dropped.numpy(), F.scaled_dot_product_attention(q, k, v).numpy())
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tg.ones(3, 5) > 0, is_causal=True)
    with pytest.raises(RuntimeError, match="scaled_dot_product_attention"):
        F.scaled_dot_product_attention(q, k[..., :3], v)
    with pytest.raises(RuntimeError, match="dtype"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tg.zeros(3, 5))  # float32 vs float64
