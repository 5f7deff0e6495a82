"""Tensors and devices: ``t.device``, ``t.to(...)``, ``t.cpu()``, ``t.cuda()``, and the data
checks of ``tg.tensor`` (issue 11 items 6-7), each against PyTorch where it has the same call.
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


def _error_of(make: Callable[[], Any]) -> type[BaseException]:
    with pytest.raises(Exception) as caught:
        make()
    return caught.type


def test_a_tensor_lives_on_the_cpu() -> None:
    torch = _torch()
    ours, theirs = tg.ones(2), torch.ones(2)
    assert ours.device == tg.device("cpu") and repr(ours.device) == repr(theirs.device)
    assert ours.is_cuda is theirs.is_cuda is False
    assert ours.cpu() is ours and theirs.cpu() is theirs
    assert tg.tensor([1.0], device="cpu").device == tg.device("cpu")
    assert tg.tensor([1.0], device=tg.device("cpu")).tolist() == [1.0]


TO_CALLS: list[Callable[[Any, Any], Any]] = [
    lambda lib, t: t.to("cpu"),
    lambda lib, t: t.to(lib.device("cpu")),
    lambda lib, t: t.to(lib.float64),
    lambda lib, t: t.to(lib.float32),
    lambda lib, t: t.to(lib.long),
    lambda lib, t: t.to("cpu", lib.float64),
    lambda lib, t: t.to(device="cpu", dtype=lib.float16),
    lambda lib, t: t.to(dtype=lib.float64, non_blocking=True),
    lambda lib, t: t.to(lib.zeros(1, dtype=lib.int32)),
    lambda lib, t: t.to(lib.float32, copy=True),
    lambda lib, t: t.to("cpu", non_blocking=True),
]


@pytest.mark.parametrize("call", TO_CALLS)
def test_tensor_to_reads_every_spelling_as_pytorch(call: Callable[[Any, Any], Any]) -> None:
    torch = _torch()
    ours_in = tg.tensor([1.5, -2.0], requires_grad=True)
    theirs_in = torch.tensor([1.5, -2.0], requires_grad=True)
    ours, theirs = call(tg, ours_in), call(torch, theirs_in)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert ours.tolist() == theirs.tolist()
    assert (ours is ours_in) == (theirs is theirs_in)
    assert ours.requires_grad == theirs.requires_grad


def test_tensor_to_another_device_and_cuda_raise_naming_the_device() -> None:
    t = tg.ones(2)
    for call in (
        lambda: t.to("cuda"),
        lambda: t.to("cuda:1", tg.float64),
        lambda: t.cuda(),
        lambda: t.to(device="mps"),
    ):
        with pytest.raises(tg.DeviceUnavailableError, match=r"(cuda|mps).* not available"):
            call()
    with pytest.raises(RuntimeError):
        t.cuda()
    with pytest.raises(TypeError, match="keyword"):
        t.to(devize="cpu")


def test_a_floating_cast_by_to_stays_differentiable() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.to("cpu", tg.float64)
    (y * y).sum().backward()
    assert x.grad is not None and x.grad.dtype == np.float32 and x.grad.tolist() == [2.0, 4.0]


# --------------------------------------------------------------------------- tg.tensor's data


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.tensor([2**63]),
        lambda lib: lib.tensor(2**64),
        lambda lib: lib.tensor([[1, 2], [3, -(2**63) - 1]]),
        lambda lib: lib.tensor("a"),
        lambda lib: lib.tensor([1.0], device="cuda"),
    ],
)
def test_tensor_refuses_what_pytorch_refuses(make: Callable[[Any], Any]) -> None:
    torch = _torch()
    theirs = _error_of(lambda: make(torch))
    ours = _error_of(lambda: make(tg))
    assert issubclass(ours, theirs), (ours, theirs)


@pytest.mark.parametrize("dtype", [object, str, complex, np.complex64, "U3", "datetime64[s]"])
def test_tensor_refuses_non_numeric_dtypes_naming_them(dtype: Any) -> None:
    with pytest.raises(TypeError, match=r"tensor.*dtype"):
        tg.tensor([1], dtype=dtype)
    with pytest.raises(TypeError, match="dtype"):
        tg.zeros(2, dtype=dtype)


def test_extreme_int64_values_are_kept_exactly() -> None:
    t = tg.tensor([2**63 - 1, -(2**63)])
    assert t.dtype == np.int64 and t.tolist() == [2**63 - 1, -(2**63)]


@given(st.integers(2**63, 2**70))
def test_any_integer_beyond_int64_is_refused(value: int) -> None:
    with pytest.raises(ValueError, match="int64"):
        tg.tensor([1, value])


def test_python_floats_follow_the_default_dtype() -> None:
    try:
        tg.set_default_dtype(tg.float64)
        assert tg.tensor([1.0, 2.0]).dtype == np.float64
        assert tg.tensor(np.ones(2, dtype=np.float32)).dtype == np.float32  # arrays keep theirs
        assert tg.tensor([1, 2]).dtype == np.int64
    finally:
        tg.set_default_dtype(tg.float32)
    assert tg.tensor([1.0]).dtype == np.float32
