"""cuda.py: ``tg.cuda``, PyTorch's CUDA queries answered for a CPU-only package.

``is_available()`` is ``False`` and ``device_count()`` is ``0``, so device-generic code picks
the CPU. Seeding is accepted and does nothing (as in PyTorch without a GPU); calls that need
a GPU raise ``DeviceUnavailableError`` naming CUDA.

Examples:
    >>> tg.cuda.is_available(), tg.cuda.device_count()
    (False, 0)
"""

from __future__ import annotations

from typing import Any, NoReturn

from .devices import DeviceUnavailableError


def is_available() -> bool:
    """Whether a CUDA GPU can be used: never, here.

    Examples:
        >>> tg.cuda.is_available()
        False
    """
    return False


def device_count() -> int:
    """The number of CUDA GPUs: 0.

    Examples:
        >>> tg.cuda.device_count()
        0
    """
    return 0


def is_initialized() -> bool:
    """Whether CUDA has been initialised: never.

    Examples:
        >>> tg.cuda.is_initialized()
        False
    """
    return False


def manual_seed(seed: int) -> None:
    """Seed the GPU's stream: nothing to do without one (PyTorch also ignores it then).

    Examples:
        >>> tg.cuda.manual_seed(0)
    """


def manual_seed_all(seed: int) -> None:
    """Seed every GPU's stream: nothing to do without one.

    Examples:
        >>> tg.cuda.manual_seed_all(0)
    """


def empty_cache() -> None:
    """Release cached GPU memory: there is none.

    Examples:
        >>> tg.cuda.empty_cache()
    """


def _unavailable(what: str) -> NoReturn:
    raise DeviceUnavailableError(
        f"tg.cuda.{what}: CUDA is not available: tinygrad4h03 computes on the CPU only"
    )


def current_device() -> int:
    """The current GPU's index; raises ``DeviceUnavailableError`` (there is no GPU).

    Examples:
        >>> tg.cuda.current_device()
        Traceback (most recent call last):
        ...
        tinygrad4h03.devices.DeviceUnavailableError: tg.cuda.current_device(): CUDA is not ...
    """
    _unavailable("current_device()")


def get_device_name(device: Any = None) -> str:
    """A GPU's name; raises ``DeviceUnavailableError`` (there is no GPU).

    Examples:
        >>> tg.cuda.get_device_name()
        Traceback (most recent call last):
        ...
        tinygrad4h03.devices.DeviceUnavailableError: tg.cuda.get_device_name(): CUDA is not ...
    """
    _unavailable("get_device_name()")


def set_device(device: Any) -> None:
    """Choose the current GPU; raises ``DeviceUnavailableError`` (there is no GPU).

    Examples:
        >>> tg.cuda.set_device(0)
        Traceback (most recent call last):
        ...
        tinygrad4h03.devices.DeviceUnavailableError: tg.cuda.set_device(): CUDA is not ...
    """
    _unavailable("set_device()")


def synchronize(device: Any = None) -> None:
    """Wait for the GPU; raises ``DeviceUnavailableError`` (there is no GPU).

    Examples:
        >>> tg.cuda.synchronize()
        Traceback (most recent call last):
        ...
        tinygrad4h03.devices.DeviceUnavailableError: tg.cuda.synchronize(): CUDA is not ...
    """
    _unavailable("synchronize()")
