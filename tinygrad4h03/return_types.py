"""return_types.py: the named tuples that some tensor methods return (``torch.return_types``).

``t.max(dim)`` and ``t.min(dim)`` return ``(values, indices)`` as a named tuple: unpack it
(``_, predicted = out.max(1)``) or read ``.values`` and ``.indices``.

Examples:
    >>> result = tg.tensor([[1.0, 5.0], [3.0, 2.0]]).max(1)
    >>> result.values, result.indices
    (tensor([5., 3.]), tensor([1, 0]))
"""

from __future__ import annotations

from typing import Any, NamedTuple


class _ValuesIndices(NamedTuple):
    values: Any
    indices: Any

    def __repr__(self) -> str:
        return (
            f"tinygrad4h03.return_types.{type(self).__name__}(\n"
            f"values={self.values!r},\nindices={self.indices!r})"
        )


class max(_ValuesIndices):
    """``(values, indices)`` of ``t.max(dim)``.

    Examples:
        >>> values, indices = tg.tensor([2.0, 7.0, 7.0]).max(0)
        >>> values.item(), indices.item()
        (7.0, 1)
    """

    __slots__ = ()


class min(_ValuesIndices):
    """``(values, indices)`` of ``t.min(dim)``.

    Examples:
        >>> tg.tensor([[4.0, 1.0]]).min(dim=1).indices
        tensor([1])
    """

    __slots__ = ()


class sort(_ValuesIndices):
    """``(values, indices)`` of ``t.sort(dim)``.

    Examples:
        >>> tg.tensor([3.0, 1.0, 2.0]).sort().indices
        tensor([1, 2, 0])
    """

    __slots__ = ()


class topk(_ValuesIndices):
    """``(values, indices)`` of ``t.topk(k)``.

    Examples:
        >>> tg.tensor([3.0, 1.0, 2.0]).topk(2).values
        tensor([3., 2.])
    """

    __slots__ = ()


class median(_ValuesIndices):
    """``(values, indices)`` of ``t.median(dim)``.

    Examples:
        >>> tg.tensor([[3.0, 1.0, 2.0]]).median(1).indices
        tensor([2])
    """

    __slots__ = ()


class nanmedian(_ValuesIndices):
    """``(values, indices)`` of ``t.nanmedian(dim)``.

    Examples:
        >>> tg.tensor([[3.0, float("nan"), 1.0]]).nanmedian(1).values
        tensor([1.])
    """

    __slots__ = ()
