"""size.py: ``tg.Size``, the type of a tensor's shape (PyTorch's ``torch.Size``).

A ``Size`` is a tuple of ints: it compares, indexes, unpacks and prints as one (``(2, 3)``;
PyTorch prints ``torch.Size([2, 3])``). Slicing gives a ``Size`` again, and ``numel()`` is the
number of elements of a tensor of that shape. This module imports nothing from the package.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from typing import Any, SupportsIndex, overload


class Size(tuple[int, ...]):
    """A shape: a tuple of non-negative ints, as ``torch.Size``.

    Built from an iterable of ints (``Size([2, 3])``); ``Size()`` is the 0-d shape ``()``.

    Raises:
        TypeError: for an element that is not an int.

    Examples:
        >>> s = tg.Size([2, 3])
        >>> s == (2, 3), s.numel(), s[1:]
        (True, 6, (3,))
        >>> isinstance(s[1:], tg.Size)
        True
    """

    __slots__ = ()

    def __new__(cls, sizes: Iterable[Any] = ()) -> Size:
        if type(sizes) is tuple and all(type(n) is int for n in sizes):
            return super().__new__(cls, sizes)  # a NumPy shape: nothing to convert (5x faster)
        return super().__new__(cls, [_as_int(n) for n in sizes])

    def numel(self) -> int:
        """The number of elements of a tensor of this shape (1 for ``()``).

        Examples:
            >>> tg.Size([2, 3, 4]).numel()
            24
        """
        return math.prod(self)

    @overload
    def __getitem__(self, index: SupportsIndex) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> Size: ...

    def __getitem__(self, index: SupportsIndex | slice) -> int | Size:
        if isinstance(index, slice):
            return Size(super().__getitem__(index))
        return super().__getitem__(index)

    def __add__(self, other: Any) -> Size:
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other: Any) -> Size:
        return Size(tuple(other) + tuple(self))


def _as_int(n: Any) -> int:
    if isinstance(n, bool):
        raise TypeError(f"Size: expected ints, got bool {n!r}")
    try:
        return operator.index(n)
    except TypeError:
        raise TypeError(f"Size: expected ints, got {type(n).__name__} {n!r}") from None
