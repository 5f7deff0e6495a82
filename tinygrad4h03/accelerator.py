"""accelerator.py: ``tg.accelerator``, PyTorch's device-agnostic accelerator queries.

There is no accelerator here: ``is_available()`` is ``False``, ``current_accelerator()`` is
``None`` and ``device_count()`` is ``0``, so ``tg.accelerator.current_accelerator() or
tg.device("cpu")`` picks the CPU.

Examples:
    >>> tg.accelerator.is_available(), tg.accelerator.current_accelerator()
    (False, None)
"""

from __future__ import annotations

from .devices import device


def is_available() -> bool:
    """Whether an accelerator (a GPU, MPS, ...) can be used: never, here.

    Examples:
        >>> tg.accelerator.is_available()
        False
    """
    return False


def current_accelerator(check_available: bool = False) -> device | None:
    """The accelerator's device type, or ``None`` when there is none (always, here).

    Examples:
        >>> tg.accelerator.current_accelerator() is None
        True
    """
    return None


def device_count() -> int:
    """The number of accelerator devices: 0.

    Examples:
        >>> tg.accelerator.device_count()
        0
    """
    return 0
