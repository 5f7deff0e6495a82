"""The tensor API of API.md §2 apart from the operations' derivatives (``test_tensor_ops.py``).

Creation and dtype rules, attributes and conversions, the autograd API (``backward``,
``tg.grad``, ``create_graph``, grad modes), the errors users see, ``detect_anomaly``,
numerical stability at ±1000 and a 10^5-op chain.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pytest

import tinygrad4h03 as tg

# --------------------------------------------------------------------------- creation and dtypes


@pytest.mark.parametrize(
    ("data", "dtype"),
    [
        (1.5, np.float32),
        ([1.0, 2.5], np.float32),
        ([[1, 2], [3, 4]], np.int64),
        ([1, 2.5], np.float32),
        (True, np.bool_),
        (np.array([1.0, 2.0]), np.float64),
        (np.array([1.0], dtype=np.float32), np.float32),
        (np.float64(2.0), np.float64),
    ],
)
def test_tensor_dtype_follows_pytorch(data: object, dtype: type) -> None:
    assert tg.tensor(data).dtype == dtype
    assert tg.Tensor(data).dtype == dtype


def test_dtype_argument_and_copies() -> None:
    assert tg.tensor([1, 2], dtype=tg.float64).dtype == np.float64
    assert tg.tensor([1.5], dtype=np.float64).numpy()[0] == 1.5
    source = np.ones(2)
    t = tg.tensor(source)
    source[0] = 5.0  # tg.tensor copies its data, as torch.tensor
    assert t.numpy().tolist() == [1.0, 1.0]
    assert tg.tensor(t).numpy() is not t.numpy()


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda **kw: tg.zeros(2, 3, **kw), (2, 3)),
        (lambda **kw: tg.ones((2, 3), **kw), (2, 3)),
        (lambda **kw: tg.randn(4, **kw), (4,)),
        (lambda **kw: tg.rand(2, 1, **kw), (2, 1)),
        (lambda **kw: tg.eye(3, **kw), (3, 3)),
        (lambda **kw: tg.arange(0.0, 2.0, 0.5, **kw), (4,)),
    ],
)
def test_creation_functions_take_dtype_and_requires_grad(
    make: Callable[..., tg.Tensor], shape: tuple
) -> None:
    t = make()
    assert t.shape == shape and t.dtype == np.float32 and not t.requires_grad
    t = make(dtype=tg.float64, requires_grad=True)
    assert t.dtype == np.float64 and t.requires_grad and t.is_leaf


def test_arange_eye_and_values() -> None:
    assert tg.arange(3).dtype == np.int64
    assert tg.arange(3).numpy().tolist() == [0, 1, 2]
    assert tg.arange(1, 7, 2).numpy().tolist() == [1, 3, 5]
    np.testing.assert_array_equal(tg.eye(2).numpy(), np.eye(2))
    assert tg.zeros(2).numpy().tolist() == [0.0, 0.0]


def test_manual_seed_makes_randn_and_rand_reproducible() -> None:
    tg.manual_seed(7)
    first = (tg.randn(3).numpy().copy(), tg.rand(2).numpy().copy())
    tg.manual_seed(7)
    second = (tg.randn(3).numpy(), tg.rand(2).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


@pytest.mark.parametrize("dtype", [tg.int64, tg.int32, tg.bool_])
def test_integer_tensors_cannot_require_grad(dtype: type) -> None:
    with pytest.raises(RuntimeError, match="floating point"):
        tg.tensor([1, 0], dtype=dtype, requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        tg.zeros(2, dtype=dtype).requires_grad_()


def test_numbers_and_numpy_scalars_never_upcast_float32() -> None:
    t = tg.ones(3)
    for other in (2, 2.5, np.float64(2.5), np.float32(2.5), np.int64(3)):
        for result in (
            t + other,
            other + t,
            t * other,
            other * t,
            t / other,
            other / t,
            t - other,
            other - t,
            t**other,
        ):
            assert result.dtype == np.float32, (other, result.dtype)
    half = tg.ones(2, dtype=tg.float16)
    assert (half * np.float64(2.5)).dtype == np.float16


def test_integer_division_and_integer_with_float() -> None:
    a, b = tg.tensor([1, 2]), tg.tensor([2, 2])
    assert (a / b).dtype == np.float32
    assert (a / 2).dtype == np.float32
    assert (a * 2.5).dtype == np.float32
    assert (a * 2).dtype == np.int64
    assert a.sigmoid().dtype == np.float32 and a.exp().dtype == np.float32


def test_float64_kept_and_zero_dim_float64_does_not_upcast() -> None:
    x64 = tg.tensor(np.array([1.0, 2.0]))
    assert (x64 * 2.5).dtype == np.float64
    assert (x64 + tg.ones(2)).dtype == np.float64
    scale = tg.tensor(np.array(2.0), requires_grad=True)  # 0-d float64
    w = tg.ones(2, requires_grad=True)
    y = w * scale
    assert y.dtype == np.float32  # as in PyTorch: a 0-d operand does not decide the dtype
    y.sum().backward()
    assert w.grad.dtype == np.float32 and scale.grad.dtype == np.float64


def test_to_double_float_and_integer() -> None:
    x = tg.tensor([1.5, -2.0], requires_grad=True)
    d = x.double()
    assert d.dtype == np.float64 and d.requires_grad
    (d * d).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), [3.0, -4.0])
    as_int = x.to(tg.int64)
    assert as_int.dtype == np.int64 and not as_int.requires_grad
    assert d.float().dtype == np.float32


def test_numpy_on_the_left_gives_a_tensor_in_the_graph() -> None:
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    results = [
        np.float64(2.0) * x,
        np.ones(3) * x,
        np.ones(3) + x,
        np.ones(3) - x,
        np.ones(3) / x,
        np.ones(3) @ x,
        np.float32(3.0) - x,
    ]
    for result in results:
        assert isinstance(result, tg.Tensor)
        assert result.requires_grad
    (np.array([1.0, 2.0, 3.0]) * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 2.0, 3.0])
    assert x.grad.dtype == np.float32


# --------------------------------------------------------------------------- attributes


def test_attributes_and_conversions() -> None:
    t = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.shape == (2, 3) and isinstance(t.shape, tuple)
    assert t.ndim == 2 and len(t) == 2 and t.dtype == np.float32
    assert t.T.shape == (3, 2)
    assert t.numpy() is np.asarray(t) and isinstance(t.numpy(), np.ndarray)
    array = np.asarray(t)
    assert isinstance(array, np.ndarray) and array.dtype == np.float32
    assert tg.tensor(2.5).item() == 2.5 and isinstance(tg.tensor(2.5).item(), float)
    assert isinstance(tg.tensor(3).item(), int)
    with pytest.raises(RuntimeError, match=r"one|elements"):
        t.item()
    with pytest.raises(TypeError):
        len(tg.tensor(1.0))


def test_detach_shares_data_and_stops_the_gradient() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf
    assert np.shares_memory(d.numpy(), x.numpy())
    (d * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 2.0])  # d counted as a constant


def test_requires_grad_and_is_leaf() -> None:
    x = tg.zeros(2)
    assert x.requires_grad_() is x and x.requires_grad and x.is_leaf
    y = x * 2
    assert y.requires_grad and not y.is_leaf and y.grad_fn is not None
    assert (tg.ones(2) * 2).is_leaf  # made from constants only
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad_(False)
    assert x.requires_grad_(False) is x and not x.requires_grad


def test_dim_may_be_spelled_axis() -> None:
    x = tg.tensor(np.arange(6.0).reshape(2, 3))
    assert x.sum(axis=1).shape == x.max(axis=-1).values.shape == (2,)
    assert x.mean(axis=(0, 1), keepdims=True).shape == (1, 1)
    np.testing.assert_allclose(x.softmax(axis=0).numpy().sum(axis=0), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(x.log_softmax(axis=0).numpy(), x.log_softmax(dim=0).numpy())
    assert tg.cat([x, x], axis=1).shape == (2, 6)
    assert tg.stack([x, x], axis=-1).shape == (2, 3, 2)
    assert x.argmax(axis=1).numpy().tolist() == [2, 2]
    with pytest.raises(TypeError, match="both"):
        x.sum(dim=0, axis=1)


# --------------------------------------------------------------------------- backward


def test_backward_with_gradient_weights_the_outputs() -> None:
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).backward(gradient=tg.tensor([1.0, 0.5, -1.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0, -6.0])


def test_non_scalar_backward_without_gradient_says_what_to_do() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"scalar outputs.*shape \(2,\).*gradient="):
        (x * 2).backward()


def test_backward_through_a_cut_graph_names_the_usual_causes() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.no_grad():
        y = (x * 2).sum()
    for cut in (y, x.detach().sum(), tg.ones(2).sum()):
        with pytest.raises(RuntimeError, match="graph was cut") as error:
            cut.backward()
        message = str(error.value)
        assert "no_grad" in message and "detach" in message and "requires_grad" in message


def test_only_leaves_keep_grad_unless_retain_grad() -> None:
    x = tg.tensor([1.0, -2.0], requires_grad=True)
    h = x * 3
    kept = h.relu()
    kept.retain_grad()
    kept.sum().backward()
    assert h.grad is None
    np.testing.assert_allclose(kept.grad.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 0.0])


def test_second_backward_adds_exactly_the_same_again() -> None:
    rng = np.random.default_rng(0)
    w = tg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = tg.tensor(rng.standard_normal(3), requires_grad=True)
    x = tg.tensor(rng.standard_normal((5, 4)))
    loss = (x @ w.T + b).tanh().log_softmax(dim=-1).mean()
    loss.backward()
    first = (w.grad.numpy().copy(), b.grad.numpy().copy())
    loss.backward(retain_graph=True)
    np.testing.assert_array_equal(w.grad.numpy(), 2 * first[0])
    np.testing.assert_array_equal(b.grad.numpy(), 2 * first[1])


def test_gradient_of_a_leaf_used_by_two_losses_accumulates() -> None:
    x = tg.tensor(2.0, requires_grad=True)
    (x * x).backward()
    (x * 3).backward()
    assert x.grad.item() == 7.0


# --------------------------------------------------------------------------- tg.grad


def test_grad_returns_a_tuple_and_leaves_dot_grad_alone() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = tg.tensor(3.0, requires_grad=True)
    grads = tg.grad((x * y).sum(), [x, y])
    assert isinstance(grads, tuple) and len(grads) == 2
    np.testing.assert_allclose(grads[0].numpy(), [3.0, 3.0])
    assert grads[1].item() == 3.0
    assert x.grad is None and y.grad is None


def test_grad_allow_unused() -> None:
    x = tg.tensor(1.0, requires_grad=True)
    unused = tg.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused"):
        tg.grad(x * 2, [x, unused])
    gx, gu = tg.grad(x * 2, [x, unused], allow_unused=True)
    assert gx.item() == 2.0 and gu is None


def test_grad_outputs_weight_several_outputs() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (g,) = tg.grad([x * 2, x * x], x, grad_outputs=[tg.ones(2), tg.tensor([1.0, -1.0])])
    np.testing.assert_allclose(g.numpy(), [2 + 2, 2 - 4])


def test_create_graph_gives_differentiable_gradients() -> None:
    x = tg.tensor([0.5, -1.5], requires_grad=True, dtype=tg.float64)
    (g,) = tg.grad((x**3).sum(), x, create_graph=True)
    assert g.requires_grad
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 6 * x.numpy())
    (x**3).sum().backward(create_graph=True)
    first = x.grad
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * x.numpy())


def _mlp_loss(params: list[tg.Tensor], x: tg.Tensor, labels: np.ndarray) -> tg.Tensor:
    w1, b1, w2 = params
    logits = (x @ w1.T + b1).tanh() @ w2.T
    return -logits.log_softmax(dim=-1)[tg.arange(len(labels)), labels].mean()


def test_hessian_vector_product_through_an_mlp_matches_finite_differences() -> None:
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in [(4, 3), (4,), (2, 4)]]
    x, labels = tg.tensor(rng.standard_normal((5, 3))), np.array([0, 1, 1, 0, 1])
    v = [rng.standard_normal(a.shape) for a in arrays]

    def gradient(values: list[np.ndarray], create_graph: bool = False) -> tuple:
        params = [tg.tensor(a, requires_grad=True) for a in values]
        return params, tg.grad(_mlp_loss(params, x, labels), params, create_graph=create_graph)

    params, grads = gradient(arrays, create_graph=True)
    directional = sum((g * tg.tensor(d)).sum() for g, d in zip(grads, v, strict=True))
    hvp = tg.grad(directional, params)
    eps = 1e-6
    plus = gradient([a + eps * d for a, d in zip(arrays, v, strict=True)])[1]
    minus = gradient([a - eps * d for a, d in zip(arrays, v, strict=True)])[1]
    for h, p, m in zip(hvp, plus, minus, strict=True):
        np.testing.assert_allclose(h.numpy(), (p.numpy() - m.numpy()) / (2 * eps), atol=1e-7)


# --------------------------------------------------------------------------- grad modes


def test_no_grad_and_enable_grad_nest_and_decorate() -> None:
    x = tg.ones(2, requires_grad=True)
    with tg.no_grad():
        assert not (x * 2).requires_grad and not tg.is_grad_enabled()
        with tg.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad

    @tg.no_grad()
    def infer(t: tg.Tensor) -> tg.Tensor:
        return t * 2

    assert not infer(x).requires_grad and tg.is_grad_enabled()


def test_grad_mode_is_thread_local() -> None:
    x = tg.ones(2, requires_grad=True)
    entered, checked = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def worker_in_no_grad() -> None:
        with tg.no_grad():
            seen["worker records"] = (x * 2).requires_grad
            entered.set()
            checked.wait(5)

    worker = threading.Thread(target=worker_in_no_grad)
    worker.start()
    entered.wait(5)
    seen["main records"] = (x * 2).requires_grad  # while the worker sits inside no_grad
    checked.set()
    worker.join(5)

    def worker_records() -> None:
        seen["fresh thread records"] = (x * 2).requires_grad

    with tg.no_grad():
        thread = threading.Thread(target=worker_records)
        thread.start()
        thread.join(5)
    assert seen == {"worker records": False, "main records": True, "fresh thread records": True}


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("run", "op", "shapes"),
    [
        (lambda: tg.ones(2, 3) + tg.ones(4), "add", ["(2, 3)", "(4,)"]),
        (lambda: tg.ones(2, 3) * tg.ones(3, 2), "mul", ["(2, 3)", "(3, 2)"]),
        (lambda: tg.ones(2, 3) @ tg.ones(4, 2), "matmul", ["(2, 3)", "(4, 2)"]),
        (lambda: tg.cat([tg.ones(2, 3), tg.ones(3, 2)]), "cat", ["(2, 3)", "(3, 2)"]),
        (lambda: tg.stack([tg.ones(2), tg.ones(3)]), "stack", ["(2,)", "(3,)"]),
        (lambda: tg.ones(2, 3).reshape(4), "reshape", ["(2, 3)", "(4,)"]),
    ],
)
def test_shape_mismatch_names_the_operation_and_both_shapes(
    run: Callable[[], object], op: str, shapes: list
) -> None:
    with pytest.raises(RuntimeError) as error:
        run()
    message = str(error.value)
    assert op in message and all(shape in message for shape in shapes), message


@pytest.mark.parametrize(
    ("run", "named"),
    [
        (lambda: tg.tensor("abc"), "'abc'"),
        (lambda: tg.tensor([1.0, "a"]), "'a'"),
        (lambda: tg.tensor(object()), "object"),
        (lambda: tg.tensor(None), "NoneType"),
        (lambda: tg.tensor({"a": 1}), "dict"),
        (lambda: tg.ones(2) + "abc", "str"),
        (lambda: tg.ones(2) * object(), "object"),
    ],
)
def test_non_numeric_input_is_a_type_error_naming_it(run: Callable[[], object], named: str) -> None:
    with pytest.raises(TypeError, match=named):
        run()


def test_ragged_lists_say_so() -> None:
    with pytest.raises(ValueError, match="unequal lengths"):
        tg.tensor([[1, 2], [3]])


# --------------------------------------------------------------------------- detect_anomaly


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_names_the_forward_operation() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.detect_anomaly(), pytest.raises(tg.AnomalyError, match="forward of 'log'"):
        (x - x).log()  # the subtraction is finite; log(0) is where -inf appears
    assert np.isinf((x - x).log().numpy()).all()  # outside the context: no check


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_names_the_backward_operation_and_where_it_was_made() -> None:
    x = tg.tensor([0.0, 1.0], requires_grad=True)
    with tg.detect_anomaly():
        y = (x * 2).sqrt().sum()  # forward finite: sqrt(0) = 0; its derivative is inf
        with pytest.raises(tg.AnomalyError, match="backward of 'sqrt'") as error:
            y.backward()
    assert "test_tensor_api.py" in str(error.value)
    z = x.sqrt().sum()  # recorded outside the context, differentiated inside
    with tg.detect_anomaly(), pytest.raises(tg.AnomalyError, match="backward of 'sqrt'"):
        z.backward()


# --------------------------------------------------------------------------- numerics and size


@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
def test_softmax_is_finite_at_plus_minus_1000(method: str) -> None:
    x = tg.tensor([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]], requires_grad=True)
    y = getattr(x, method)(dim=-1)
    assert np.isfinite(y.numpy()).all()
    (y * tg.tensor([[1.0, 2.0, 3.0], [1.0, -1.0, 0.5]])).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()
    expected = {"softmax": [1.0, 0.0, 0.0], "log_softmax": [0.0, -2000.0, -1000.0]}[method]
    np.testing.assert_allclose(y.numpy()[0], expected, atol=1e-6)


def test_sigmoid_and_tanh_are_finite_at_plus_minus_1000() -> None:
    x = tg.tensor([1000.0, -1000.0], requires_grad=True)
    y = x.sigmoid() + x.tanh()
    y.sum().backward()
    assert np.isfinite(y.numpy()).all() and np.isfinite(x.grad.numpy()).all()


def test_a_float32_graph_stays_float32_through_backward() -> None:
    rng = np.random.default_rng(0)
    w = tg.tensor(rng.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    x = tg.tensor(rng.standard_normal((2, 4)).astype(np.float32))
    steps = [x @ w.T]
    steps.append(steps[-1].relu() * 0.5 + 1)
    steps.append(steps[-1].log_softmax(dim=-1))
    for step in steps:
        step.retain_grad()
        assert step.dtype == np.float32
    loss = steps[-1][tg.arange(2), [0, 2]].mean()
    assert loss.dtype == np.float32
    loss.backward(create_graph=True)
    assert w.grad.dtype == np.float32
    assert all(step.grad.dtype == np.float32 for step in steps)
    (h,) = tg.grad((w.grad * w.grad).sum(), w)
    assert h.dtype == np.float32


def test_a_chain_of_100_thousand_ops_differentiates_without_recursion() -> None:
    x = tg.tensor(np.ones(2), requires_grad=True)
    y = x
    for _ in range(50_000):
        y = y * 1.00001 + 0.0  # two ops per step
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1.00001**50_000, rtol=1e-9)


def test_full_and_arange_infer_dtypes_as_pytorch() -> None:
    assert tg.full((2,), 7).dtype == np.int64
    assert tg.full((2,), True).dtype == np.bool_
    assert tg.full((2,), 7.0).dtype == np.float32
    assert tg.full((2,), 7, dtype=tg.float64).dtype == np.float64
    assert tg.arange(3).dtype == np.int64
    assert tg.arange(0, 1, 0.5).dtype == np.float32


@pytest.mark.parametrize("reduction", ["sum", "mean", "amax"])
def test_an_empty_dim_tuple_reduces_every_dim_as_pytorch(reduction: str) -> None:
    x = tg.tensor([[1.0, 2.0], [3.0, 5.0]], requires_grad=True)
    everything = getattr(x, reduction)()
    result = getattr(x, reduction)(dim=())
    assert result.shape == () and result.item() == everything.item()
    result.backward()
    assert x.grad.shape == (2, 2)
    assert x.squeeze(dim=()).shape == (2, 2)  # squeeze(()) still squeezes nothing


def test_gradcheck_failure_is_a_runtime_error_as_pytorchs_and_an_assertion() -> None:
    x = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="gradcheck: input 0") as error:
        tg.gradcheck(lambda t: t.detach() * t, [x])  # the detached factor gets no gradient
    assert isinstance(error.value, AssertionError)
    assert isinstance(error.value, tg.GradcheckError)


@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
def test_softmax_refuses_dim_and_axis_together(method: str) -> None:
    x = tg.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]])
    with pytest.raises(TypeError, match="got both dim= and axis="):
        getattr(x, method)(-1, axis=0)
    np.testing.assert_allclose(
        getattr(x, method)(axis=0).numpy(), getattr(x, method)(dim=0).numpy()
    )
    np.testing.assert_allclose(getattr(x, method)().numpy(), getattr(x, method)(-1).numpy())
