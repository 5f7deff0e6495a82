"""mps.py: ``tg.backends.mps``: Apple's Metal GPU backend is neither built nor available.

Examples:
    >>> tg.backends.mps.is_available()
    False
"""

from __future__ import annotations


def is_available() -> bool:
    """Whether the MPS device can be used: never, here.

    Examples:
        >>> tg.backends.mps.is_available()
        False
    """
    return False


def is_built() -> bool:
    """Whether the package was built with MPS support: no.

    Examples:
        >>> tg.backends.mps.is_built()
        False
    """
    return False
