"""Creation functions, dtypes, random streams and devices, each against PyTorch (API.md §2).

Values that do not depend on chance (ranges, fills, dtypes, shapes, errors) must equal
PyTorch's; random factories must be reproducible, honour ``generator=`` and draw from the
right distribution (checked with moments on many samples), since the streams differ from
PyTorch's on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg


def _torch() -> Any:
    return pytest.importorskip("torch")


def _same_dtype(ours: tg.Tensor, theirs: Any) -> bool:
    return str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")


# --------------------------------------------------------------------------- deterministic values


DETERMINISTIC: list[Callable[[Any], Any]] = [
    lambda lib: lib.zeros(2, 3),
    lambda lib: lib.zeros((2, 3), dtype=lib.long),
    lambda lib: lib.zeros([]),
    lambda lib: lib.zeros(size=(2, 1)),
    lambda lib: lib.ones(lib.Size([3, 2])),
    lambda lib: lib.ones(2, dtype=lib.bool),
    lambda lib: lib.empty(2, 2).shape,
    lambda lib: lib.full((2, 2), 7.5),
    lambda lib: lib.full((2,), 3),
    lambda lib: lib.full([2], True),
    lambda lib: lib.full((2,), 3, dtype=lib.float64),
    lambda lib: lib.eye(2, 3, dtype=lib.int),
    lambda lib: lib.linspace(0, 1, 5),
    lambda lib: lib.linspace(-2.5, 7, 1),
    lambda lib: lib.linspace(0, 1, 0),
    lambda lib: lib.linspace(0, 10, 5, dtype=lib.int64),
    lambda lib: lib.logspace(0, 2, 3),
    lambda lib: lib.logspace(0, 3, 4, base=2, dtype=lib.double),
    lambda lib: lib.arange(5),
    lambda lib: lib.arange(1.5),
    lambda lib: lib.arange(0, 1, 0.1),
    lambda lib: lib.arange(-1.0, 1.0, 0.5),
    lambda lib: lib.arange(10, 0, -3),
    lambda lib: lib.arange(5, dtype=lib.float32),
    lambda lib: lib.zeros_like(lib.ones(2, 3, dtype=lib.float64)),
    lambda lib: lib.ones_like(lib.arange(3)),
    lambda lib: lib.full_like(lib.ones(2), 0.25),
    lambda lib: lib.empty_like(lib.ones(2, dtype=lib.int32)).shape,
    lambda lib: lib.FloatTensor([1, 2]),
    lambda lib: lib.FloatTensor(2, 3).shape,
    lambda lib: lib.FloatTensor(),
    lambda lib: lib.FloatTensor((2, 3)),
    lambda lib: lib.LongTensor([1.7, -2.2]),
    lambda lib: lib.DoubleTensor([0.5]),
    lambda lib: lib.IntTensor(3).shape,
    lambda lib: lib.BoolTensor([1, 0]),
]


@pytest.mark.parametrize("make", DETERMINISTIC)
def test_factories_give_pytorchs_values_dtypes_and_shapes(make: Callable[[Any], Any]) -> None:
    torch = _torch()
    ours, theirs = make(tg), make(torch)
    if isinstance(theirs, torch.Tensor):
        assert _same_dtype(ours, theirs), (ours.dtype, theirs.dtype)
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_allclose(np.asarray(ours), theirs.numpy(), rtol=1e-6, atol=1e-7)
    else:
        assert tuple(ours) == tuple(theirs)


def _error_of(make: Callable[[], Any]) -> type[BaseException]:
    with pytest.raises(Exception) as caught:
        make()
    return caught.type


BAD_CALLS: list[Callable[[Any], Any]] = [
    lambda lib: lib.zeros(2.5),
    lambda lib: lib.zeros("3"),
    lambda lib: lib.zeros(2, 3.0),
    lambda lib: lib.zeros(None),
    lambda lib: lib.ones(True),
    lambda lib: lib.zeros(-1),
    lambda lib: lib.full(2, 1.0),
    lambda lib: lib.arange(0, 1, 0),
    lambda lib: lib.arange(1, 0, 0.1),
    lambda lib: lib.arange(float("inf")),
    lambda lib: lib.linspace(0, 1, -1),
    lambda lib: lib.randint(5, 3),
    lambda lib: lib.randint(3, 2, (2,)),
    lambda lib: lib.randperm(-1),
    lambda lib: lib.normal(lib.zeros(2), -1.0),
    lambda lib: lib.multinomial(lib.tensor([-1.0, 1.0]), 1),
    lambda lib: lib.multinomial(lib.tensor([0.0, 0.0]), 1),
    lambda lib: lib.multinomial(lib.tensor([1.0, 1.0]), 3),
    lambda lib: lib.multinomial(lib.tensor(1.0), 1),
    lambda lib: lib.bernoulli(lib.tensor([2.0])),
    lambda lib: lib.rand_like(lib.tensor([1, 2])),
    lambda lib: lib.randn_like(lib.tensor([1, 2])),
    lambda lib: lib.zeros(2, dtype=lib.long, requires_grad=True),
    lambda lib: lib.set_default_dtype(lib.int64),
    lambda lib: lib.device("foo"),
    lambda lib: lib.device("cuda:x"),
    lambda lib: lib.device("cuda", -1),
    lambda lib: lib.device("cuda:0", 1),
    lambda lib: lib.zeros(2, device="cuda"),
    lambda lib: lib.randn(2, device="cuda:0"),
    lambda lib: lib.cuda.current_device(),
    lambda lib: lib.Generator().set_state([1, 2]),
]


@pytest.mark.parametrize("make", BAD_CALLS)
def test_bad_calls_raise_pytorchs_exception_type(make: Callable[[Any], Any]) -> None:
    torch = _torch()
    theirs = _error_of(lambda: make(torch))
    ours = _error_of(lambda: make(tg))
    assert issubclass(ours, theirs), (ours, theirs)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: tg.zeros(2.5), ["zeros", "size", "float"]),
        (lambda: tg.zeros("3"), ["zeros", "str"]),
        (lambda: tg.zeros(2, -1), ["zeros", "non-negative", "[2, -1]"]),
        (lambda: tg.arange(0, 1, 0), ["arange", "step must be nonzero"]),
        (lambda: tg.arange(0, 1, -0.5), ["arange", "sign"]),
        (lambda: tg.zeros(2, dtype=complex), ["zeros", "complex128", "not supported"]),
        (lambda: tg.ones(2, dtype=object), ["ones", "object"]),
        (lambda: tg.zeros(2, device="cuda"), ["zeros", "'cuda'", "not available"]),
        (lambda: tg.randn(2, generator=3), ["randn", "generator", "int"]),
        (lambda: tg.multinomial(tg.tensor([1.0, 1.0]), 3), ["multinomial", "replacement"]),
    ],
)
def test_errors_name_the_operation_and_the_argument(
    make: Callable[[], Any], words: list[str]
) -> None:
    with pytest.raises(Exception) as caught:
        make()
    for word in words:
        assert word in str(caught.value), (word, str(caught.value))


@given(
    start=st.floats(-50, 50, allow_nan=False),
    length=st.floats(0.01, 100),
    step=st.sampled_from([0.1, 0.25, 0.3, 1.0, 2.5, 7.0]),
    backwards=st.booleans(),
)
def test_arange_length_and_values_match_pytorch(
    start: float, length: float, step: float, backwards: bool
) -> None:
    torch = _torch()
    end = start - length if backwards else start + length
    step = -step if backwards else step
    for dtype in (None, "float64"):
        ours = tg.arange(start, end, step, dtype=dtype and tg.float64)
        theirs = torch.arange(start, end, step, dtype=dtype and torch.float64)
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(np.asarray(ours), theirs.numpy(), rtol=1e-6, atol=1e-5)


@given(
    start=st.integers(-100, 100),
    end=st.integers(-100, 100),
    step=st.integers(1, 9),
    backwards=st.booleans(),
)
def test_integer_arange_matches_pytorch(start: int, end: int, step: int, backwards: bool) -> None:
    torch = _torch()
    low, high = sorted((start, end))
    args = (high, low, -step) if backwards else (low, high, step)
    ours, theirs = tg.arange(*args), torch.arange(*args)
    assert ours.dtype == np.int64
    assert ours.tolist() == theirs.tolist()


@given(
    start=st.floats(-1e3, 1e3),
    end=st.floats(-1e3, 1e3),
    steps=st.integers(0, 50),
    double=st.booleans(),
)
def test_linspace_and_logspace_match_pytorch(
    start: float, end: float, steps: int, double: bool
) -> None:
    torch = _torch()
    ours = tg.linspace(start, end, steps, dtype=tg.float64 if double else None)
    theirs = torch.linspace(start, end, steps, dtype=torch.float64 if double else None)
    assert _same_dtype(ours, theirs)
    np.testing.assert_allclose(np.asarray(ours), theirs.numpy(), rtol=1e-5, atol=1e-3)
    small = (start / 500, end / 500)
    ours = tg.logspace(*small, steps, base=3.0, dtype=tg.float64)
    theirs = torch.logspace(*small, steps, base=3.0, dtype=torch.float64)
    np.testing.assert_allclose(np.asarray(ours), theirs.numpy(), rtol=1e-12)


shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)


@given(shape=shapes, spelling=st.sampled_from(["ints", "tuple", "list", "Size", "size="]))
def test_every_spelling_of_a_shape_works_for_every_factory(
    shape: tuple[int, ...], spelling: str
) -> None:
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = {}
    if spelling == "size=":
        args, kwargs = (), {"size": shape}
    else:
        args = {
            "ints": shape,
            "tuple": (shape,),
            "list": (list(shape),),
            "Size": (tg.Size(shape),),
        }[spelling]
    for factory in (tg.zeros, tg.ones, tg.empty, tg.rand, tg.randn):
        made = factory(*args, **kwargs)
        assert made.shape == shape and made.dtype == np.float32


# --------------------------------------------------------------------------- dtypes


def test_dtype_aliases_are_pytorchs() -> None:
    torch = _torch()
    for name in [
        "float",
        "double",
        "half",
        "long",
        "int",
        "short",
        "bool",
        "float16",
        "float32",
        "float64",
        "int8",
        "uint8",
        "int16",
        "int32",
        "int64",
    ]:
        ours = tg.tensor([1, 0], dtype=getattr(tg, name))
        theirs = torch.tensor([1, 0], dtype=getattr(torch, name))
        assert _same_dtype(ours, theirs), name
        assert ours.dtype == getattr(tg, name)


def test_default_dtype_changes_floating_factories_and_is_restored() -> None:
    assert tg.get_default_dtype() == np.float32
    try:
        tg.set_default_dtype(tg.float64)
        assert tg.get_default_dtype() == np.float64
        for made in (
            tg.zeros(2),
            tg.randn(2),
            tg.linspace(0, 1, 3),
            tg.arange(0.5),
            tg.full((1,), 2.0),
            tg.eye(2),
        ):
            assert made.dtype == np.float64
        assert tg.arange(3).dtype == np.int64 and tg.full((1,), 2).dtype == np.int64
    finally:
        tg.set_default_dtype(tg.float32)
    assert tg.zeros(1).dtype == np.float32


def test_finfo_iinfo_is_tensor_and_is_floating_point_match_pytorch() -> None:
    torch = _torch()
    for name in ("float16", "float32", "float64"):
        ours, theirs = tg.finfo(getattr(tg, name)), torch.finfo(getattr(torch, name))
        assert (ours.eps, ours.max, ours.tiny, ours.bits) == pytest.approx(
            (theirs.eps, theirs.max, theirs.tiny, theirs.bits)
        )
    assert tg.finfo().eps == torch.finfo().eps
    for name in ("int8", "uint8", "int16", "int32", "int64"):
        ours, theirs = tg.iinfo(getattr(tg, name)), torch.iinfo(getattr(torch, name))
        assert (ours.min, ours.max, ours.bits) == (theirs.min, theirs.max, theirs.bits)
    with pytest.raises(TypeError, match="finfo"):
        tg.finfo(tg.int64)
    with pytest.raises(TypeError, match="iinfo"):
        tg.iinfo(tg.float32)
    for obj in (tg.zeros(1), tg.nn.Parameter(tg.zeros(1)), [1.0], np.zeros(1), 1.0):
        assert tg.is_tensor(obj) == torch.is_tensor(
            torch.zeros(1) if isinstance(obj, tg.Tensor) else obj
        )
    assert tg.is_floating_point(tg.zeros(1, dtype=tg.half))
    assert not tg.is_floating_point(tg.zeros(1, dtype=tg.long))


def test_legacy_typed_constructors_check_instances_by_dtype() -> None:
    assert isinstance(tg.zeros(2), tg.FloatTensor)
    assert not isinstance(tg.zeros(2), tg.LongTensor)
    assert isinstance(tg.arange(3), tg.LongTensor)
    assert tg.FloatTensor(tg.Size([2, 3])).shape == (2, 3)
    with pytest.raises(tg.DeviceUnavailableError):
        tg.FloatTensor([1.0], device="cuda")


# --------------------------------------------------------------------------- random streams


RANDOM: list[Callable[..., tg.Tensor]] = [
    lambda **kw: tg.rand(3, 2, **kw),
    lambda **kw: tg.randn(4, **kw),
    lambda **kw: tg.randint(0, 100, (5,), **kw),
    lambda **kw: tg.randperm(10, **kw),
    lambda **kw: tg.normal(1.0, 2.0, (3,), **kw),
    lambda **kw: tg.normal(tg.zeros(3), tg.ones(3), **kw),
    lambda **kw: tg.multinomial(tg.ones(6), 3, **kw),
    lambda **kw: tg.bernoulli(tg.full((8,), 0.5), **kw),
    lambda **kw: tg.rand_like(tg.zeros(3), **kw),
    lambda **kw: tg.randn_like(tg.zeros(3), **kw),
    lambda **kw: tg.randint_like(tg.zeros(3), 10, **kw),
]


@pytest.mark.parametrize("draw", RANDOM)
def test_random_factories_are_reproducible_and_take_a_generator(
    draw: Callable[..., tg.Tensor],
) -> None:
    tg.manual_seed(11)
    first = draw().tolist()
    tg.manual_seed(11)
    assert draw().tolist() == first
    g = tg.Generator().manual_seed(5)
    from_g = draw(generator=g).tolist()
    tg.manual_seed(11)
    _ = draw(generator=tg.Generator().manual_seed(99))  # another stream: global one untouched
    assert draw().tolist() == first
    assert draw(generator=g.manual_seed(5)).tolist() == from_g


def test_distributions_have_the_right_moments() -> None:
    g = tg.Generator().manual_seed(0)
    n = 200_000
    uniform = np.asarray(tg.rand(n, generator=g), np.float64)
    assert abs(uniform.mean() - 0.5) < 0.005 and abs(uniform.var() - 1 / 12) < 0.002
    assert uniform.min() >= 0.0 and uniform.max() < 1.0
    normal = np.asarray(tg.randn(n, generator=g), np.float64)
    assert abs(normal.mean()) < 0.01 and abs(normal.std() - 1) < 0.01
    shifted = np.asarray(tg.normal(3.0, 0.5, (n,), generator=g), np.float64)
    assert abs(shifted.mean() - 3) < 0.01 and abs(shifted.std() - 0.5) < 0.01
    ints = np.asarray(tg.randint(-2, 3, (n,), generator=g))
    assert set(np.unique(ints)) == {-2, -1, 0, 1, 2}
    counts = np.bincount(np.asarray(tg.multinomial(tg.tensor([1.0, 3.0]), n, True, generator=g)))
    assert abs(counts[1] / n - 0.75) < 0.01
    coins = np.asarray(tg.bernoulli(tg.full((n,), 0.2), generator=g))
    assert abs(coins.mean() - 0.2) < 0.01 and set(np.unique(coins)) == {0.0, 1.0}


@given(
    weights=st.lists(st.floats(0, 9).map(lambda w: w if w > 1e-3 else 0), min_size=1, max_size=7),
    data=st.data(),
)
def test_multinomial_without_replacement_draws_distinct_non_zero_categories(
    weights: list[float], data: st.DataObject
) -> None:
    nonzero = sum(w > 0 for w in weights)
    if nonzero == 0:
        weights[0], nonzero = 1.0, 1
    count = data.draw(st.integers(1, nonzero))
    drawn = tg.multinomial(tg.tensor(weights), count).tolist()
    assert len(set(drawn)) == count
    assert all(weights[i] > 0 for i in drawn)
    everything = tg.multinomial(tg.tensor(weights), len(weights)).tolist()
    assert sorted(everything) == list(range(len(weights)))  # zero weights last, as PyTorch
    assert all(weights[i] > 0 for i in everything[:nonzero])
    rows = tg.multinomial(tg.tensor([weights, weights]), count)
    assert rows.shape == (2, count) and rows.dtype == np.int64


def test_random_results_dtypes_and_shapes_match_pytorch() -> None:
    torch = _torch()
    pairs = [
        (lambda lib: lib.randint(5, (3,)), None),
        (lambda lib: lib.randint(2, 5, (2, 3), dtype=lib.int32), None),
        (lambda lib: lib.randperm(4), None),
        (lambda lib: lib.normal(0.0, 1.0, (2,)), None),
        (lambda lib: lib.normal(lib.zeros(2, dtype=lib.float64), 1.0), None),
        (lambda lib: lib.normal(0.0, lib.ones(3)), None),
        (lambda lib: lib.multinomial(lib.tensor([[0.0, 1.0], [1.0, 0.0]]), 1), [[1], [0]]),
        (lambda lib: lib.multinomial(lib.tensor([0.0, 1.0, 0.0]), 2, True), [1, 1]),
        (lambda lib: lib.bernoulli(lib.tensor([0.0, 1.0], dtype=lib.float64)), [0.0, 1.0]),
        (lambda lib: lib.randint_like(lib.zeros(2), 2, 5), None),
        (lambda lib: lib.rand_like(lib.zeros(2, dtype=lib.float64)), None),
    ]
    for make, exact in pairs:
        ours, theirs = make(tg), make(torch)
        assert _same_dtype(ours, theirs) and tuple(ours.shape) == tuple(theirs.shape)
        if exact is not None:
            assert ours.tolist() == theirs.tolist() == exact


def test_generator_interface_matches_pytorch() -> None:
    torch = _torch()
    ours, theirs = tg.Generator(), torch.Generator()
    assert ours.initial_seed() == theirs.initial_seed()
    assert ours.manual_seed(3) is ours and theirs.manual_seed(3) is theirs
    assert ours.initial_seed() == theirs.initial_seed() == 3
    assert ours.manual_seed(-1).initial_seed() == theirs.manual_seed(-1).initial_seed()
    state = ours.get_state()
    assert isinstance(state, tg.Tensor) and state.dtype == np.uint8
    first = tg.rand(4, generator=ours).tolist()
    assert tg.rand(4, generator=ours.set_state(state)).tolist() == first
    seed = ours.seed()
    assert seed == ours.initial_seed() and 0 <= seed < 2**64
    assert tg.manual_seed(7) is tg.random.default_generator and tg.initial_seed() == 7
    state = tg.get_rng_state()
    first = tg.randn(3).tolist()
    tg.set_rng_state(state)
    assert tg.randn(3).tolist() == first
    with pytest.raises(RuntimeError, match="37 bytes"):
        ours.set_state(tg.zeros(5, dtype=tg.uint8))
    with pytest.raises(TypeError, match="uint8"):
        ours.set_state(tg.zeros(37))


def test_nn_init_draws_from_the_global_stream_and_accepts_a_tg_generator() -> None:
    tg.manual_seed(0)
    a = tg.nn.Linear(3, 2).weight.tolist()
    tg.manual_seed(0)
    assert tg.nn.Linear(3, 2).weight.tolist() == a
    w = tg.zeros(4)
    tg.nn.init.uniform_(w, generator=tg.Generator().manual_seed(1))
    v = tg.zeros(4)
    tg.nn.init.uniform_(v, generator=tg.Generator().manual_seed(1))
    assert w.tolist() == v.tolist() and w.tolist() != [0.0] * 4


# --------------------------------------------------------------------------- devices


def test_device_objects_behave_as_pytorchs() -> None:
    torch = _torch()
    for args in [("cpu",), ("cpu", 0), ("cuda",), ("cuda:1",), ("cuda", 2), ("mps",), ("meta",)]:
        ours, theirs = tg.device(*args), torch.device(*args)
        assert (ours.type, ours.index) == (theirs.type, theirs.index)
        assert (repr(ours), str(ours)) == (repr(theirs), str(theirs))
        assert (ours == "cpu") == (theirs == "cpu")
    assert tg.device("cpu") == tg.device(tg.device("cpu")) != tg.device("cpu", 0)
    assert len({tg.device("cpu"), tg.device("cpu"), tg.device("cuda")}) == 2
    with pytest.raises(AttributeError):
        tg.device("cpu").type = "cuda"  # type: ignore[misc]


def test_every_factory_accepts_the_cpu_and_refuses_other_devices() -> None:
    factories: list[Callable[..., tg.Tensor]] = [
        lambda **kw: tg.zeros(2, **kw),
        lambda **kw: tg.ones(2, **kw),
        lambda **kw: tg.empty(2, **kw),
        lambda **kw: tg.full((2,), 1.0, **kw),
        lambda **kw: tg.eye(2, **kw),
        lambda **kw: tg.arange(3, **kw),
        lambda **kw: tg.linspace(0, 1, 3, **kw),
        lambda **kw: tg.logspace(0, 1, 3, **kw),
        lambda **kw: tg.rand(2, **kw),
        lambda **kw: tg.randn(2, **kw),
        lambda **kw: tg.randint(3, (2,), **kw),
        lambda **kw: tg.randperm(3, **kw),
        lambda **kw: tg.normal(0.0, 1.0, (2,), **kw),
        lambda **kw: tg.zeros_like(tg.ones(2), **kw),
        lambda **kw: tg.ones_like(tg.ones(2), **kw),
        lambda **kw: tg.full_like(tg.ones(2), 3.0, **kw),
        lambda **kw: tg.empty_like(tg.ones(2), **kw),
        lambda **kw: tg.rand_like(tg.ones(2), **kw),
        lambda **kw: tg.randn_like(tg.ones(2), **kw),
        lambda **kw: tg.randint_like(tg.ones(2), 4, **kw),
    ]
    for factory in factories:
        for cpu in (None, "cpu", "cpu:0", tg.device("cpu")):
            assert factory(device=cpu).shape in ((2,), (3,), (2, 2))
        for other in ("cuda", "cuda:0", tg.device("mps")):
            with pytest.raises(tg.DeviceUnavailableError, match="not available"):
                factory(device=other)


def test_availability_queries_say_cpu_only() -> None:
    assert tg.cuda.is_available() is False and tg.cuda.device_count() == 0
    assert tg.backends.mps.is_available() is False and tg.backends.mps.is_built() is False
    assert tg.accelerator.is_available() is False
    assert tg.accelerator.current_accelerator() is None
    device = tg.device("cuda" if tg.cuda.is_available() else "cpu")
    assert tg.zeros(1, device=device).shape == (1,)
    tg.cuda.manual_seed(0)
    tg.cuda.manual_seed_all(0)
    tg.cuda.empty_cache()
    for call in (tg.cuda.current_device, tg.cuda.synchronize, tg.cuda.get_device_name):
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            call()


def test_cudnn_flags_can_be_set_as_tutorials_do() -> None:
    import importlib

    import tinygrad4h03.backends.cudnn as cudnn

    importlib.reload(cudnn)  # PyTorch's defaults, whatever an earlier example set
    assert cudnn is tg.backends.cudnn
    assert (cudnn.deterministic, cudnn.benchmark, cudnn.enabled) == (False, False, True)
    try:
        tg.backends.cudnn.deterministic = True
        tg.backends.cudnn.benchmark = False
        assert cudnn.deterministic is True
    finally:
        tg.backends.cudnn.deterministic = False


def test_default_device_is_the_cpu_and_only_the_cpu() -> None:
    tg.set_default_device("cpu")
    tg.set_default_device(None)
    assert tg.get_default_device() == tg.device("cpu")
    with pytest.raises(tg.DeviceUnavailableError, match="cuda"):
        tg.set_default_device("cuda")
    assert tg.get_default_device() == tg.device("cpu")


# --------------------------------------------------------------------------- Size


def test_size_is_a_tuple_with_numel_and_pytorchs_slicing() -> None:
    torch = _torch()
    ours, theirs = tg.Size([2, 3, 4]), torch.Size([2, 3, 4])
    assert ours == theirs == (2, 3, 4)
    assert ours.numel() == theirs.numel() == 24 and tg.Size().numel() == 1
    assert isinstance(ours[1:], tg.Size) and ours[1:] == (3, 4)
    assert isinstance(ours + (5,), tg.Size) and ours[-1] == 4  # noqa: RUF005
    with pytest.raises(TypeError):
        tg.Size([2.5])


def test_variable_is_a_new_leaf_sharing_memory_as_pytorch() -> None:
    torch = _torch()
    for lib in (tg, torch):
        t = lib.ones(2)
        v = lib.autograd.Variable(t)
        assert v is not t and not v.requires_grad and isinstance(t, lib.autograd.Variable)
        w = lib.autograd.Variable(t, requires_grad=True)
        assert w.requires_grad and w.is_leaf and not t.requires_grad
        y = lib.autograd.Variable(lib.ones(2, requires_grad=True) * 2)
        assert y.grad_fn is None and not y.requires_grad
        assert _error_of(lambda lib=lib: lib.autograd.Variable([1.0])) is TypeError
        assert (
            _error_of(lambda lib=lib: lib.autograd.Variable(lib.arange(3), requires_grad=True))
            is RuntimeError
        )
    shared = tg.ones(2)
    with tg.no_grad():
        tg.autograd.Variable(shared).mul_(3.0)
    assert shared.tolist() == [3.0, 3.0]


def test_from_numpy_and_as_tensor_share_memory_as_pytorch() -> None:
    torch = _torch()
    for lib in (tg, torch):
        array = np.zeros(3, dtype=np.float32)
        shared = lib.from_numpy(array)
        array[0] = 5.0
        assert shared.tolist() == [5.0, 0.0, 0.0]
        with lib.no_grad():
            shared.add_(1.0)
        assert array.tolist() == [6.0, 1.0, 1.0]
        transposed = np.arange(6.0).reshape(2, 3).T
        assert tuple(lib.from_numpy(transposed).shape) == (3, 2)
        assert _error_of(lambda lib=lib: lib.from_numpy([1.0])) is TypeError
        assert _error_of(lambda lib=lib: lib.from_numpy(np.array(["a"]))) is TypeError
        doubles = np.arange(3.0)
        same, cast = lib.as_tensor(doubles), lib.as_tensor(doubles, dtype=lib.float32)
        doubles[1] = 7.0
        assert same.tolist() == [0.0, 7.0, 2.0] and cast.tolist() == [0.0, 1.0, 2.0]
        t = lib.ones(2)
        assert lib.as_tensor(t) is t and lib.as_tensor(t, dtype=lib.float64) is not t
        assert str(lib.as_tensor([1, 2]).dtype).endswith("int64")
        assert str(lib.as_tensor([1.0, 2]).dtype).endswith("float32")


def test_generators_devices_and_sizes_survive_copy_and_pickle() -> None:
    import copy
    import pickle

    g = tg.Generator().manual_seed(3)
    g.random(5)
    for clone in (copy.deepcopy(g), pickle.loads(pickle.dumps(g))):
        assert isinstance(clone, tg.Generator) and clone.initial_seed() == 3
        assert clone.random(3).tolist() == copy.deepcopy(g).random(3).tolist()
    assert pickle.loads(pickle.dumps(tg.device("cuda:1"))) == tg.device("cuda:1")
    assert isinstance(pickle.loads(pickle.dumps(tg.Size([2, 3]))), tg.Size)


def test_shapes_and_sizes_of_tensors_are_sizes() -> None:
    torch = _torch()
    ours, theirs = tg.zeros(2, 3, 4), torch.zeros(2, 3, 4)
    for got, want in ((ours.shape, theirs.shape), (ours.size(), theirs.size())):
        assert isinstance(got, tg.Size) and got == want and got.numel() == want.numel()
        assert isinstance(got[1:], tg.Size) and got[1:] == want[1:]
    assert ours.size(1) == theirs.size(1) == 3 and tg.zeros(()).shape == ()
    assert tg.zeros(ours.shape).shape == ours.shape  # a Size is a valid size argument
