"""The one autograd engine: graph order, the backward sweep, and grad mode.

Both node kinds — the scalar :class:`~tinygrad4h03.value.Value` and the
:class:`~tinygrad4h03.tensor.Tensor` — go through the code in this file and nowhere else.
A node offers the engine a small interface (``Node`` below):

* ``_parents``: the nodes it was computed from, a tuple in argument order;
* ``requires_grad``: whether a gradient should flow into it;
* ``_retains_grad``: whether its gradient is kept after the sweep (leaves always keep it);
* ``_backward(grad, create_graph)``: the chain rule for one node — given ∂E/∂(this node)
  return ∂E/∂(parent) for every parent (``None`` for a parent that gets no gradient);
* ``_accumulate(grad, handed_out)``: add a finished gradient into ``.grad``.

The lecture's chain rule, ∂E/∂w = ∂E/∂y · ∂y/∂v · ∂v/∂w, is applied one factor per node:
the sweep visits the nodes from the output back to the inputs (reverse topological order),
so when a node is reached every path from the output to it has already delivered its share
of ∂E/∂node, and the node hands ∂E/∂node · ∂node/∂parent on to each parent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any, Protocol, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Node(Protocol):
    """What the engine needs from a node (implemented by ``Value`` and ``Tensor``)."""

    _parents: tuple[Node, ...]
    requires_grad: bool
    _retains_grad: bool

    def _backward(self, grad: Any, create_graph: bool) -> Sequence[Any]: ...

    def _accumulate(self, grad: Any, handed_out: set[int]) -> None: ...


# --------------------------------------------------------------------------- grad mode


class _ThreadState(threading.local):
    """Per-thread switches: recording the graph, and checking results for NaN/inf."""

    grad_enabled: bool = True
    anomaly: bool = False


_state = _ThreadState()


def is_grad_enabled() -> bool:
    """Whether operations in this thread record the graph."""
    return _state.grad_enabled


def set_grad_enabled(mode: bool) -> None:
    """Switch graph recording on or off in this thread."""
    _state.grad_enabled = bool(mode)


def is_anomaly_enabled() -> bool:
    """Whether every forward and backward result is checked for NaN/inf."""
    return _state.anomaly


class _GradModeContext:
    """A context manager (and decorator) that sets grad mode and restores it on exit."""

    _mode: bool

    def __enter__(self) -> None:
        self._previous = _state.grad_enabled
        _state.grad_enabled = self._mode

    def __exit__(self, *exc_info: object) -> None:
        _state.grad_enabled = self._previous

    def __call__(self, fn: F) -> F:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):
    """``with tg.no_grad():`` records nothing inside (this thread only)."""

    _mode = False


class enable_grad(_GradModeContext):
    """``with tg.enable_grad():`` records again inside a ``no_grad`` block."""

    _mode = True


class detect_anomaly:
    """``with tg.detect_anomaly():`` checks every forward and backward result for NaN/inf.

    The error names the operation that produced the bad value and, for a backward result,
    where in the user's code the operation was created.
    """

    def __enter__(self) -> detect_anomaly:
        self._previous = _state.anomaly
        _state.anomaly = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        _state.anomaly = self._previous


# --------------------------------------------------------------------------- graph order


def topological_order(roots: Iterable[Node]) -> list[Node]:
    """Every node that requires grad and that the roots depend on, parents before children.

    An iterative depth-first search with an explicit stack of (node, its parents still to
    visit): a graph of a million nodes needs no recursion, and a node reached by several
    paths (a diamond) is visited once. Nodes are hashed by identity.
    """
    order: list[Node] = []
    visited: set[Node] = set()
    for root in roots:
        if not root.requires_grad or root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(root._parents))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if parent.requires_grad and parent not in visited:
                    visited.add(parent)
                    if not parent._parents:  # a leaf is finished at once
                        order.append(parent)
                        continue
                    stack.append((parent, iter(parent._parents)))
                    break
            else:  # every parent is in `order` already
                stack.pop()
                order.append(node)
    return order


# --------------------------------------------------------------------------- the sweep


def backward(
    roots: Sequence[Node],
    seeds: Sequence[Any],
    create_graph: bool = False,
    inputs: Sequence[Node] | None = None,
) -> list[Any] | None:
    """Apply the chain rule from ``roots`` (seeded with ∂E/∂root = ``seeds``) back to the leaves.

    Gradients live in a dict keyed by node while the sweep runs: contributions arriving by
    several paths are added, an entry is popped when its node is processed, and only leaves
    (and nodes that asked to retain their gradient) write ``.grad``.

    With ``inputs`` given (``tg.grad``), nothing is written to ``.grad``; the gradients of
    ``inputs`` are returned instead (``None`` for an input the roots do not depend on).
    With ``create_graph`` the rules run on graph nodes under grad mode, so the gradients are
    themselves differentiable; otherwise they run on plain numbers and arrays, recording
    nothing.
    """
    order = topological_order(roots)
    grads: dict[Node, Any] = {}
    for root, seed in zip(roots, seeds):
        _add_into(grads, root, seed)
    wanted: dict[Node, Any] | None = None if inputs is None else dict.fromkeys(inputs)
    handed_out: set[int] = set()
    previous_mode = _state.grad_enabled
    _state.grad_enabled = create_graph
    pop, get = grads.pop, grads.get  # the sweep's hot loop: bound once
    try:
        for node in reversed(order):
            grad = pop(node, None)
            if grad is None:
                continue
            parents = node._parents
            if wanted is not None:
                if node in wanted:
                    wanted[node] = grad
            elif node._retains_grad or not parents:
                node._accumulate(grad, handed_out)
            if not parents:
                continue
            # One step of the chain rule: ∂E/∂parent += ∂E/∂node · ∂node/∂parent
            # (None for a parent that takes no gradient).
            for parent, parent_grad in zip(parents, node._backward(grad, create_graph)):
                if parent_grad is not None:
                    previous = get(parent)
                    grads[parent] = parent_grad if previous is None else previous + parent_grad
    finally:
        _state.grad_enabled = previous_mode
    if wanted is None:
        return None
    return [wanted[node] for node in inputs]  # type: ignore[union-attr]


def _add_into(grads: dict[Node, Any], node: Node, grad: Any) -> None:
    previous = grads.get(node)
    grads[node] = grad if previous is None else previous + grad
