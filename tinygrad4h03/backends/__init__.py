"""backends: ``tg.backends.mps`` and ``tg.backends.cudnn``, as PyTorch's, for a CPU-only package.

Tutorials query them (``tg.backends.mps.is_available()`` is ``False``) and set flags
(``tg.backends.cudnn.deterministic = True``, ``tg.backends.cudnn.benchmark = False``); the
flags are kept and change nothing, since NumPy on the CPU is deterministic already.

Examples:
    >>> tg.backends.mps.is_available(), tg.backends.cudnn.is_available()
    (False, False)
"""

from . import cudnn, mps

__all__ = ["cudnn", "mps"]
