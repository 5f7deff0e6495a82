"""cudnn.py: ``tg.backends.cudnn``: the flags tutorials set, kept and without effect here.

``deterministic``, ``benchmark`` and ``enabled`` have PyTorch's defaults and may be assigned;
there is no cuDNN, so ``is_available()`` is ``False`` and ``version()`` is ``None``.

Examples:
    >>> import tinygrad4h03.backends.cudnn as cudnn
    >>> cudnn.benchmark = False  # accepted, and changes nothing here
    >>> cudnn.is_available(), cudnn.version()
    (False, None)
"""

from __future__ import annotations

deterministic = False
"""Ask for deterministic algorithms; every operation here is deterministic anyway."""
benchmark = False
"""Let cuDNN pick the fastest algorithm per shape; nothing to pick here."""
enabled = True
"""Whether cuDNN may be used (PyTorch's default, ``True``)."""
allow_tf32 = True
"""Whether cuDNN may use TensorFloat-32 (PyTorch's default, ``True``)."""


def is_available() -> bool:
    """Whether cuDNN can be used: never, here.

    Examples:
        >>> tg.backends.cudnn.is_available()
        False
    """
    return False


def version() -> int | None:
    """cuDNN's version, or ``None`` when it is not available (always, here).

    Examples:
        >>> tg.backends.cudnn.version() is None
        True
    """
    return None
