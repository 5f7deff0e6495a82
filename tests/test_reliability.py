"""Issue 11 ("Nothing silent"), items 5, 6, 12 and 13: numerics at the edges, empty and
mismatched inputs, a linear-time ``cat``/``stack`` backward and gradcheck's report. Each
answer is PyTorch's (compared when it is installed) or a clear error; the other items have
their own test files (the audit in docs/guarantees.md maps every item to its tests)."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg
import tinygrad4h03.nn.functional as F
from tinygrad4h03 import Value, rules
from tinygrad4h03.gradcheck import GradcheckError

EMPTY_TARGETS = np.zeros(0, dtype=np.int64)


def _grad_of(fn: Callable[[tg.Tensor], tg.Tensor], values: list[float]) -> np.ndarray:
    x = tg.tensor(values, dtype=tg.float64, requires_grad=True)
    fn(x).sum().backward()
    assert x.grad is not None
    return x.grad.numpy()


# ----------------------------------------------------------------------------- item 5: pow


def test_zeroth_power_has_gradient_zero_at_zero() -> None:
    np.testing.assert_array_equal(_grad_of(lambda x: x**0, [0.0, 2.0, -3.0]), [0.0, 0.0, 0.0])
    exponent = tg.zeros(3, dtype=tg.float64)
    np.testing.assert_array_equal(_grad_of(lambda x: x**exponent, [0.0, 2.0, -3.0]), [0, 0, 0])


def test_exponent_gradient_of_a_zero_base_is_minus_inf_for_negative_exponents() -> None:
    exponents = [-1.0, -0.5, 0.0, 1.0, 2.0]
    expected = [-math.inf, -math.inf, 0.0, 0.0, 0.0]
    base = tg.zeros(5, dtype=tg.float64)
    np.testing.assert_array_equal(_grad_of(lambda b: base**b, exponents), expected)
    np.testing.assert_array_equal(_grad_of(lambda b: 0.0**b, exponents), expected)


def test_pow_edges_match_pytorch() -> None:
    torch = pytest.importorskip("torch")
    a = [0.0, 0.0, 0.0, 0.0, 2.0, -1.5]
    b = [-1.0, 0.0, 1.0, 2.0, 0.0, 3.0]
    x = tg.tensor(a, dtype=tg.float64, requires_grad=True)
    y = tg.tensor(b, dtype=tg.float64, requires_grad=True)
    (x**y).sum().backward()
    tx = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    (tx**ty).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(y.grad.numpy(), ty.grad.numpy())


def test_value_pow_edges_match_the_tensor_rules() -> None:
    x = Value(0.0)
    (x**0).backward()
    assert x.grad == 0.0
    b = Value(-1.0)
    (0.0**b).backward()
    assert b.grad == -math.inf
    a, e = Value(0.0), Value(-1.0)
    (a**e).backward()
    assert e.grad == -math.inf and a.grad == -math.inf  # PyTorch: both −inf
    a, e = Value(0.0), Value(0.0)
    (a**e).backward()
    assert (a.grad, e.grad) == (0.0, 0.0)
    z = Value(0.0)
    (0.0**z).backward()
    assert z.grad == 0.0


def test_tensor_relu_passes_a_nan_and_its_gradient_as_pytorch() -> None:
    torch = pytest.importorskip("torch")
    data = np.array([math.nan, -1.0, -0.0, 0.0, 1e-310, 2.0])
    ours = tg.tensor(data, requires_grad=True)
    theirs = torch.tensor(data, requires_grad=True)
    upstream = np.arange(1.0, 7.0)
    ours.relu().backward(tg.tensor(upstream))
    torch.relu(theirs).backward(torch.tensor(upstream))
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
    assert ours.grad.tolist() == [1.0, 0.0, 0.0, 0.0, 5.0, 6.0]


def test_value_nan_passes_relu_and_a_negative_base_to_a_fraction_is_nan() -> None:
    x = Value(math.nan)
    y = x.relu()
    y.backward()
    assert math.isnan(y.data) and x.grad == 1.0  # PyTorch: relu(nan) = nan, gradient 1
    assert math.isnan((Value(-10.0) ** 400.5).data)
    assert (Value(-10.0) ** 401.0).data == -math.inf  # an odd integer power overflows to −inf
    assert (Value(-10.0) ** 400.0).data == math.inf


def test_pow_second_order_at_ordinary_points() -> None:
    x = tg.tensor([0.7, 1.3, 2.0], dtype=tg.float64, requires_grad=True)
    y = tg.tensor([0.5, -1.2, 2.5], dtype=tg.float64, requires_grad=True)
    assert tg.gradcheck(lambda a, b: a**b, [x, y])
    assert tg.gradgradcheck(lambda a, b: a**b, [x, y])
    assert tg.gradgradcheck(lambda a: a**0 + a**3, [x])


# ----------------------------------------------------------------------------- item 5: sums


def test_float16_mean_counts_past_float16s_largest_number() -> None:
    x = tg.ones(70_000, dtype=tg.float16, requires_grad=True)
    m = x.mean()
    assert m.dtype == tg.float16 and m.item() == 1.0
    m.backward()
    assert x.grad is not None and x.grad.dtype == tg.float16
    np.testing.assert_array_equal(x.grad.numpy(), np.float16(1 / 70_000))  # PyTorch's too
    rows = tg.ones(70_000, 2, dtype=tg.float16).mean(0)
    np.testing.assert_array_equal(rows.numpy(), [1.0, 1.0])


def test_float16_sum_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    values = np.full((70_000, 2), 0.001, dtype=np.float16)
    for dim in (None, 0):
        ours = tg.tensor(values).sum(dim).numpy()
        theirs = torch.from_numpy(values).sum() if dim is None else torch.from_numpy(values).sum(0)
        np.testing.assert_array_equal(ours, theirs.numpy())  # PyTorch adds float16 in float32
    assert tg.ones(70_000, dtype=tg.float16).sum().item() == math.inf  # the sum itself overflows


def test_float32_sum_over_a_million_rows_is_accurate() -> None:
    values = np.random.default_rng(0).random((10**6, 3)).astype(np.float32)
    exact = values.astype(np.float64).sum(0)
    ours = tg.tensor(values).sum(0).numpy()
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, exact, rtol=1e-6)  # NumPy's own sum(0) is ~1e-2 off
    np.testing.assert_allclose(tg.tensor(values).mean(0).numpy(), exact / 10**6, rtol=1e-6)
    transposed = tg.tensor(values.T.copy()).t()  # a non-contiguous view, summed over all
    np.testing.assert_allclose(transposed.sum().item(), exact.sum(), rtol=1e-6)


@given(
    rows=st.integers(1, 40),
    cols=st.integers(1, 5),
    dim=st.sampled_from([None, 0, 1, (0, 1)]),
    dtype=st.sampled_from(["float16", "float32", "float64"]),
)
def test_sum_keeps_dtype_shape_and_gradient(rows: int, cols: int, dim: Any, dtype: str) -> None:
    data = np.random.default_rng(rows * 7 + cols).standard_normal((rows, cols)).astype(dtype)
    x = tg.tensor(data, requires_grad=True)
    for keep in (False, True):
        s = x.sum(dim, keepdim=keep)
        assert s.dtype == x.dtype
        assert s.shape == np.sum(data, axis=dim, keepdims=keep).shape
        wide = np.sum(data.astype(np.float64), axis=dim, keepdims=keep)
        bound = data.size * np.finfo(dtype).eps * np.abs(data).sum()  # naive summation's
        np.testing.assert_allclose(s.numpy(), wide, rtol=0, atol=bound)
    x.sum(dim).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), np.ones_like(data))


# ----------------------------------------------------------------------------- item 6: masks


@pytest.mark.parametrize(
    ("shape", "index"),
    [
        ((5,), np.array([True, False, True])),
        ((5,), [True, False, True, True, False, True]),
        ((3, 4), (slice(None), np.array([True, False, True]))),
        ((3, 4), np.ones((3, 3), dtype=bool)),
        ((2, 3, 4), (Ellipsis, np.array([True, False]))),
    ],
)
def test_a_mask_of_the_wrong_shape_raises_index_error(shape: tuple[int, ...], index: Any) -> None:
    x = tg.zeros(*shape)
    with pytest.raises(IndexError, match=r"index: the shape of the mask .* does not match"):
        x[index]
    with pytest.raises(IndexError, match="shape of the mask"):
        x[index] = 1.0
    with pytest.raises(IndexError, match="shape of the mask"):
        x[tg.tensor(np.asarray(index))] if not isinstance(index, tuple) else x[index]


def test_mask_error_matches_pytorch_type_and_good_masks_still_work() -> None:
    torch = pytest.importorskip("torch")
    data = np.arange(12.0).reshape(3, 4)
    good = [
        np.array([True, False, True]),
        (slice(None), np.array([True, False, True, True])),
        (Ellipsis, np.array([False, True, True, False])),
        (None, np.array([True, True, False])),
        data > 4,
    ]
    for index in good:
        torch_index = (
            tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in index)
            if isinstance(index, tuple)
            else torch.from_numpy(index)
        )
        np.testing.assert_array_equal(
            tg.tensor(data)[index].numpy(), torch.from_numpy(data)[torch_index].numpy()
        )
    with pytest.raises(IndexError):
        torch.from_numpy(data)[torch.tensor([True, False])]


def test_mask_gradient_is_scattered_back() -> None:
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x[np.array([True, False, True])] * 2).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 0.0, 2.0])


# ----------------------------------------------------------------------------- item 6: empties


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)])
@pytest.mark.parametrize("dim", [0, 1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_an_empty_tensor_is_empty(shape: tuple[int, int], dim: int, name: str) -> None:
    x = tg.zeros(*shape, requires_grad=True)
    y = getattr(F, name)(x, dim=dim)
    assert y.shape == shape and y.dtype == x.dtype
    y.sum().backward()
    assert x.grad is not None and x.grad.shape == shape
    assert getattr(x, name)(dim).shape == shape


def test_max_and_amax_of_empty_tensors_follow_pytorch() -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = tg.zeros(0, 3), torch.zeros(0, 3)
    values, indices = ours.max(dim=1)
    assert values.shape == (0,) and indices.shape == (0,) and indices.dtype == tg.int64
    assert ours.amax(dim=1).shape == tuple(theirs.amax(dim=1).shape)
    for op in ("max", "amax"):
        with pytest.raises(IndexError, match=f"{op}: expected reduction dim 0 to have non-zero"):
            getattr(ours, op)(dim=0)
        with pytest.raises(IndexError):
            getattr(theirs, op)(dim=0)


@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize(
    "options", [{}, {"reduction": "sum"}, {"reduction": "none"}, {"weight": np.ones(3)}]
)
def test_empty_batch_losses_match_pytorch(loss: str, options: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    x = tg.zeros(0, 3, requires_grad=True)
    ours = getattr(F, loss)(x, EMPTY_TARGETS, **options)
    torch_options = {
        k: torch.from_numpy(v).float() if k == "weight" else v for k, v in options.items()
    }
    theirs = getattr(torch.nn.functional, loss)(
        torch.zeros(0, 3), torch.zeros(0, dtype=torch.long), **torch_options
    )
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())  # NaN for the mean
    ours.sum().backward()
    assert x.grad is not None and x.grad.shape == (0, 3)


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("shape", [(0, 3), (2, 0), (0, 3, 4)])
def test_empty_probability_targets_give_nan_not_zero_division(
    smoothing: float, shape: tuple[int, ...]
) -> None:
    torch = pytest.importorskip("torch")
    ours = F.cross_entropy(tg.zeros(*shape), tg.zeros(*shape), label_smoothing=smoothing)
    theirs = torch.nn.functional.cross_entropy(
        torch.zeros(*shape), torch.zeros(*shape), label_smoothing=smoothing
    )
    assert math.isnan(ours.item()) and math.isnan(theirs.item())
    summed = F.cross_entropy(tg.zeros(*shape), tg.zeros(*shape), reduction="sum")
    assert summed.item() == 0.0


def test_probability_targets_still_average_over_samples() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((4, 3, 2))
    probs = rng.dirichlet(np.ones(3), size=(4, 2)).transpose(0, 2, 1)
    ours = F.cross_entropy(tg.tensor(logits), tg.tensor(probs)).item()
    theirs = torch.nn.functional.cross_entropy(
        torch.from_numpy(logits), torch.from_numpy(probs)
    ).item()
    assert ours == pytest.approx(theirs, rel=1e-12)


# ----------------------------------------------------------------------------- item 12: cat


@pytest.mark.parametrize("join", ["cat", "stack"])
def test_cat_and_stack_backward_are_linear_in_the_number_of_inputs(
    join: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Count the arrays handed to the derivative functions: n for one pass, n² per-input."""
    rule = rules.CAT if join == "cat" else rules.STACK
    handed = [0]

    def counting(fn: Callable[..., Any], passed: Callable[..., int]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            handed[0] += passed(*args)
            return fn(*args, **kwargs)

        return wrapper

    assert rule.split is not None
    split = counting(rule.split, lambda xp, g, out, inputs: len(inputs))
    vjp = counting(rule.vjps[0], lambda *args: len(args) - 3)
    monkeypatch.setattr(rules, join.upper(), rule._replace(split=split, vjps=(vjp,)))
    n = 10_000
    xs = [tg.tensor([float(i)], requires_grad=True) for i in range(n)]
    joined = getattr(tg, join)(xs)
    (joined * tg.arange(float(n)).reshape(joined.shape)).sum().backward()
    assert handed[0] <= 2 * n  # was n² = 10^8 arrays handed over (3-9 s)
    assert all(x.grad is not None and x.grad.item() == i for i, x in enumerate(xs))


@given(
    sizes=st.lists(st.integers(0, 3), min_size=1, max_size=5),
    dim=st.integers(0, 1),
)
def test_cat_gradient_slices_each_input(sizes: list[int], dim: int) -> None:
    shapes = [(n, 2) if dim == 0 else (2, n) for n in sizes]
    xs = [
        tg.tensor(np.full(s, float(i)), dtype=tg.float64, requires_grad=True)
        for i, s in enumerate(shapes)
    ]
    joined = tg.cat(xs, dim=dim)
    weight = np.arange(joined.numel(), dtype=np.float64).reshape(joined.shape)
    (joined * tg.tensor(weight)).sum().backward()
    pieces = np.split(weight, np.cumsum(sizes)[:-1], axis=dim)
    for x, piece in zip(xs, pieces):
        assert x.grad is not None
        np.testing.assert_array_equal(x.grad.numpy(), piece)


def test_cat_and_stack_second_order_and_pytorch() -> None:
    torch = pytest.importorskip("torch")
    a = tg.tensor([[0.3, -1.2]], dtype=tg.float64, requires_grad=True)
    b = tg.tensor([[2.0, 0.5], [1.0, -0.4]], dtype=tg.float64, requires_grad=True)
    assert tg.gradcheck(lambda p, q: tg.cat([p, q, p]) ** 2, [a, b])
    assert tg.gradgradcheck(lambda p, q: tg.cat([p, q]).tanh(), [a, b])
    assert tg.gradgradcheck(lambda p: tg.stack([p, p * p], dim=1).sin(), [a])
    weight = np.arange(8.0).reshape(4, 2)
    (tg.cat([a, b, a]) * tg.tensor(weight)).sum().backward()
    ta = torch.tensor(a.detach().numpy(), requires_grad=True)
    tb = torch.tensor(b.detach().numpy(), requires_grad=True)
    (torch.cat([ta, tb, ta]) * torch.from_numpy(weight)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), ta.grad.numpy())
    np.testing.assert_array_equal(b.grad.numpy(), tb.grad.numpy())


# ----------------------------------------------------------------------------- item 13


def _wrong_cube(t: tg.Tensor) -> tg.Tensor:
    """t³ in value, but autograd sees the derivative of 1.8 t² + c: 3.6 t, not 3 t²."""
    return (t**3).detach() + t * t * 1.8 - (t * t * 1.8).detach()


def test_gradcheck_reports_the_real_jacobian_entry() -> None:
    x = tg.tensor([1.0, 2.0, 3.0], dtype=tg.float64, requires_grad=True)
    with pytest.raises(GradcheckError) as error:
        tg.gradcheck(_wrong_cube, [x])
    message = str(error.value)
    assert "input 0, index (0,): autograd gives 3.6 but finite differences give 2.99999" in message
    assert "output 0 at (0,)" in message


def test_gradcheck_names_the_output_and_its_entry() -> None:
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=tg.float64, requires_grad=True)

    def outputs(t: tg.Tensor) -> tuple[tg.Tensor, tg.Tensor]:
        return t.sum(), t[1] * _wrong_cube(t[0])  # only output 1 is wrong

    with pytest.raises(GradcheckError) as error:
        tg.gradcheck(outputs, [x])
    # ∂(x10 · x00³)/∂x00 = 3 x10 x00² = 9; autograd sees x10 · 3.6 x00 = 10.8
    message = str(error.value)
    assert "index (0, 0): autograd gives 10.8" in message and "give 8.9999" in message
    assert "output 1 at (0,)" in message


def test_gradcheck_reports_a_scalar_output() -> None:
    x = tg.tensor([2.0], dtype=tg.float64, requires_grad=True)
    with pytest.raises(GradcheckError, match=r"autograd gives 7.2 .* output 0 at \(\)"):
        tg.gradcheck(lambda t: _wrong_cube(t).sum(), [x])


# ----------------------------------------------------------------------------- item 14

OPTIONAL = ("sybil", "matplotlib", "torch", "sklearn", "safetensors", "scipy")
BLOCKED_RUN = """
import sys
for name in {names!r}:
    sys.modules[name] = None  # import fails, as if not installed
import pytest
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-W", "ignore", "-rs", *sys.argv[1:]]))
"""


def test_the_suite_runs_without_the_optional_packages() -> None:
    """A minimal install (no Sybil, matplotlib, PyTorch, ...): the tests that need them skip."""
    root = Path(__file__).resolve().parent.parent
    files = ["tests/test_value.py", "tests/test_reliability.py", "tests/test_losses.py"]
    run = subprocess.run(
        [sys.executable, "-c", BLOCKED_RUN.format(names=OPTIONAL), *files, "-k", "not optional"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert "SKIPPED" in run.stdout and "torch" in run.stdout  # PyTorch's comparisons skip
