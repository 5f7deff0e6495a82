"""Arguments and results as trees: tuples, lists and dicts around leaves, flattened and rebuilt."""

from __future__ import annotations

from typing import Any

__all__: list[str] = []  # the compiler's machinery; the API is tg.compile

Tree = Any  # a hashable description of the containers: ("leaf",), ("tuple", children), ...


def flatten(obj: Any) -> tuple[list[Any], Tree]:
    """The leaves of ``obj`` (depth first, left to right) and a description to rebuild it."""
    leaves: list[Any] = []
    return leaves, _flatten(obj, leaves)


def _flatten(obj: Any, leaves: list[Any]) -> Tree:
    if type(obj) in (tuple, list):
        return (type(obj).__name__, tuple(_flatten(x, leaves) for x in obj))
    if type(obj) is dict:
        return ("dict", tuple(obj), tuple(_flatten(x, leaves) for x in obj.values()))
    leaves.append(obj)
    return ("leaf",)


def unflatten(tree: Tree, leaves: list[Any]) -> Any:
    """The inverse of :func:`flatten`: ``unflatten(t, leaves)`` with ``leaves, t = flatten(x)``."""
    return _unflatten(tree, iter(leaves))


def _unflatten(tree: Tree, leaves: Any) -> Any:
    kind = tree[0]
    if kind == "leaf":
        return next(leaves)
    if kind == "dict":
        return {k: _unflatten(t, leaves) for k, t in zip(tree[1], tree[2])}
    children = [_unflatten(t, leaves) for t in tree[1]]
    return tuple(children) if kind == "tuple" else children
