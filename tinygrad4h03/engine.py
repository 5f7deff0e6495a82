"""engine.py: graph order, the backward sweep and grad mode, shared by ``Value`` and ``Tensor``.

Both node kinds — the scalar ``Value`` (``value.py``) and the ``Tensor`` (``tensor.py``) —
go through the code in this file and nowhere else: ``topological_order`` sorts the graph,
``backward`` sweeps it, and ``no_grad``/``enable_grad``/``set_grad_enabled`` and
``detect_anomaly`` are the per-thread switches, kept in ``state`` (a ``ThreadState``) with
the optional tracer that sees every tensor operation. (``tg.grad`` in ``autograd.py`` is a thin
front end to ``backward``; the derivatives themselves are in ``rules.py`` for tensors and on
each ``Value`` for scalars.) A node offers the engine a small interface (``Node`` below):

- ``_parents``: the nodes it was computed from, a tuple in argument order;
- ``requires_grad``: whether a gradient should flow into it;
- ``_retains_grad``: whether its gradient is kept after the sweep (leaves always keep it);
- ``_backward(grad, create_graph)``: the chain rule for one node — given ∂ℰ/∂(this node)
  return ∂ℰ/∂(parent) for every parent (``None`` for a parent that gets no gradient);
- ``_accumulate(grad)``: add a finished gradient into ``.grad``.

The lecture's chain rule, ∂ℰ/∂w = ∂ℰ/∂y · ∂y/∂v · ∂v/∂w, is applied one factor per node:
the sweep visits the nodes from the output back to the inputs (reverse topological order),
so when a node is reached every path from the output to it has already delivered its share
of ∂ℰ/∂node, and the node hands ∂ℰ/∂node · ∂node/∂parent on to each parent.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from functools import partial, wraps
from typing import Any, Protocol, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


class Node(Protocol):
    """What the engine needs from a node (implemented by ``Value`` and ``Tensor``).

    A typing ``Protocol``, not a base class: the five members are listed in the module
    docstring. ``_backward`` is the chain rule for one node: given g = ∂ℰ/∂node it returns
    g · ∂node/∂parent for each parent.

    Examples:
        >>> x = tg.Value(2.0); y = x * 3
        >>> y._parents == (x,), list(y._backward(1.0, False))
        (True, [3.0])
    """

    # Read-only members (properties), so that a node whose parents are of its own kind
    # (``tuple[Value, ...]``) and whose requires_grad is a checked property still fits
    @property
    def _parents(self) -> tuple[Node, ...]:
        """The nodes this one was computed from."""

    @property
    def requires_grad(self) -> bool:
        """Whether a gradient flows into this node."""

    @property
    def _retains_grad(self) -> bool:
        """Whether the sweep stores this node's gradient in ``.grad``."""

    def _backward(self, grad: Any, create_graph: bool) -> Sequence[Any]: ...

    def _accumulate(self, grad: Any) -> None: ...


# --------------------------------------------------------------------------- grad mode


class Tracer:
    """What a tracer (``tg.compile``'s, in ``compiler/``) is told while it is installed.

    Install one as ``engine.state.tracer`` (per thread). The node kinds and the library call
    these hooks at the few places where a traced function's effects happen; each default
    changes nothing, so a tracer overrides only what it follows. The hooks are the one way a
    tracer sees a computation: nothing patches ``Tensor``, ``Value`` or a module while tracing.
    A plain callable assigned to ``state.tracer`` becomes a tracer of operations only.

    Examples:
        >>> class Names(Tracer):
        ...     def __init__(self): self.seen = []
        ...     def __call__(self, rule, operands, attrs, out): self.seen.append(rule.name)
        >>> state.tracer = names = Names()
        >>> _ = tg.tensor([1.0, 2.0]) * 2
        >>> state.tracer = None
        >>> names.seen
        ['mul']
    """

    def __call__(self, rule: Any, operands: Sequence[Any], attrs: dict[str, Any], out: Any) -> None:
        """A tensor operation ran (``tensor.apply``), recorded or not; or an in-place write,
        then ``rule`` is an in-place rule (``rules.ADD_``...) and ``out is operands[0]``."""

    def backward(
        self,
        sweep: Callable[..., list[Any] | None],
        roots: Sequence[Any],
        seeds: Sequence[Any],
        create_graph: bool,
        inputs: Sequence[Any] | None,
    ) -> list[Any] | None:
        """``engine.backward`` was called: ``sweep(roots, seeds, create_graph, inputs)`` runs
        the eager sweep and returns what ``backward`` returns."""
        return sweep(roots, seeds, create_graph, inputs)

    def value_result(self, out: Any) -> None:
        """A ``Value`` operation made ``out`` (``Value._result``; its caller is the operation)."""

    def made(self, node: Any, data: Any = None) -> None:
        """A leaf was made from data: ``Value(x)``, ``Tensor(x)``, a factory (``tg.zeros``);
        ``data`` is what it was made from (``x``, a fill value), or ``None`` for values that
        library code computed from a tensor's outside the rules (``argsort``'s order)."""

    def grad_read(self, node: Any) -> None:
        """Code read ``node.grad`` (a ``Tensor``'s; the sweep's own accumulation is not told)."""

    def grad_written(self, node: Any, before: Any) -> None:
        """Code assigned ``node.grad`` (now set; ``before`` is what it held)."""

    def converted(self, node: Any, how: str) -> Any:
        """A node becomes plain data: ``how`` is ``"item"``, ``"float"``, ``"int"``,
        ``"bool"``, ``"tolist"``, ``"numpy"`` or ``"__array__"``. May raise; a result other
        than ``None`` is returned instead of the node's array (``numpy``/``__array__``)."""
        return None

    def generator(self, generator: Any, op: str) -> Any:
        """``op`` draws random numbers from ``generator`` (a NumPy generator): return the
        generator to draw from."""
        return generator

    def optimizer_update(
        self,
        update: Callable[..., Any],
        group: dict[str, Any],
        param: Any,
        args: Sequence[Any],
        hyper: dict[str, Any],
    ) -> Any:
        """An optimiser applies ``update(*args, **hyper)`` (its per-parameter update, e.g.
        ``adam_update``, on the arrays of ``param``, a parameter of ``group``; or, with
        ``param`` ``None``, plain SGD on the whole group): return what the call returns."""
        return update(*args, **hyper)


class _FunctionTracer(Tracer):
    """A plain callable as a tracer: it is told of operations, the other hooks do nothing."""

    def __init__(self, fn: Callable[..., None]) -> None:
        self.fn = fn

    def __call__(self, rule: Any, operands: Sequence[Any], attrs: dict[str, Any], out: Any) -> None:
        self.fn(rule, operands, attrs, out)


class ThreadState(threading.local):
    """Per-thread switches: recording the graph, checking results for NaN/inf, and a tracer.

    ``tracer`` is ``None`` (the default: costs one attribute check where a hook sits) or a
    ``Tracer``; ``tensor.apply`` tells it ``(rule, operands, attrs, result)`` after every
    tensor operation, recorded or not, and the in-place helper after every in-place update
    (then ``rule`` is an in-place rule such as ``rules.ADD_`` and ``result`` the updated
    tensor). While a tracer is installed the backward sweep runs the VJPs on tensors
    (without recording a graph unless ``create_graph``), so the tracer sees the backward
    pass too. ``tg.compile`` installs one to capture a step.

    Examples:
        >>> seen = []
        >>> state.tracer = lambda rule, operands, attrs, out: seen.append(rule.name)
        >>> _ = tg.tensor([1.0, 2.0]) * 2
        >>> state.tracer = None
        >>> seen
        ['mul']
    """

    grad_enabled: bool = True
    # ``anomaly or tracer is not None``, kept by their setters: the hot paths of tensor.py
    # read this one flag instead of two (a thread-local read costs ~35 ns; W3: -2 %).
    watched: bool = False
    _anomaly: bool = False
    _tracer: Tracer | None = None

    @property
    def anomaly(self) -> bool:
        """Whether results are checked for NaN/inf (``detect_anomaly``)."""
        return self._anomaly

    @anomaly.setter
    def anomaly(self, on: bool) -> None:
        self._anomaly = on
        self._watch()

    @property
    def tracer(self) -> Tracer | None:
        """The ``Tracer`` told of what runs, or ``None``."""
        return self._tracer

    @tracer.setter
    def tracer(self, tracer: Tracer | Callable[..., None] | None) -> None:
        if tracer is not None and not isinstance(tracer, Tracer):
            tracer = _FunctionTracer(tracer)
        self._tracer = tracer
        self._watch()

    def _watch(self) -> None:
        """Keep ``watched`` and the process-wide set ``watching`` below up to date."""
        self.watched = bool(self._anomaly) or self._tracer is not None
        if self.watched:
            watching.add(threading.get_ident())
        else:
            watching.discard(threading.get_ident())


state = ThreadState()
# The threads (by id) whose ``state.watched`` is on (anomaly checks or a tracer): empty
# outside ``detect_anomaly`` and ``tg.compile``. Hot paths and the tracer hooks test this set
# (~1 ns) before reading their thread's state (a thread-local read, ~25-60 ns):
# ``state.watched if watching else False`` saves W3 119 K and W1 12 K instructions per step,
# and Value operations' hook costs W4 +0.6 % instead of +3.7 %. An id left by a thread that
# ended while watched costs only that read again.
watching: set[int] = set()
_state = state  # the old private name, for code written before ``state`` was public


def is_grad_enabled() -> bool:
    """Whether operations in this thread record the graph (``True`` unless switched off).

    Examples:
        >>> is_grad_enabled()
        True
        >>> with no_grad():
        ...     print(is_grad_enabled())
        False
    """
    return state.grad_enabled


def is_anomaly_enabled() -> bool:
    """Whether every forward and backward result is checked for NaN/inf (``detect_anomaly``).

    Examples:
        >>> is_anomaly_enabled()
        False
        >>> with detect_anomaly():
        ...     print(is_anomaly_enabled())
        True
    """
    return state.anomaly


class _GradModeContext:
    """A context manager (and decorator) that sets grad mode and restores it on exit."""

    _mode: bool

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # ``@tg.no_grad`` without parentheses decorates too, as in PyTorch
        if len(args) == 1 and not kwargs and callable(args[0]):
            return cls()(args[0])
        return super().__new__(cls)

    def __enter__(self) -> None:
        self._previous = state.grad_enabled
        state.grad_enabled = self._mode

    def __exit__(self, *exc_info: object) -> None:
        state.grad_enabled = self._previous

    def __call__(self, fn: F) -> F:
        mode = self._mode

        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous, state.grad_enabled = state.grad_enabled, mode
            try:
                return fn(*args, **kwargs)
            finally:
                state.grad_enabled = previous

        return cast(F, wrapper)  # @wraps keeps fn's signature


class no_grad(_GradModeContext):
    """``with tg.no_grad():`` records nothing inside (this thread only).

    Results computed inside have ``requires_grad=False`` and no ``grad_fn``: use it for
    evaluation and for updating weights by hand. Also a decorator, ``@tg.no_grad()``.
    The previous mode is restored on exit, also after an exception.

    Examples:
        >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
        >>> with no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    _mode = False


class enable_grad(_GradModeContext):
    """``with tg.enable_grad():`` records again inside a ``no_grad`` block (this thread only).

    Also a decorator, ``@tg.enable_grad()``; the previous mode is restored on exit.

    Examples:
        >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
        >>> with no_grad():
        ...     with enable_grad():
        ...         y = x * 2
        >>> y.requires_grad
        True
    """

    _mode = True


class inference_mode(_GradModeContext):
    """``with tg.inference_mode():`` is ``no_grad`` here (PyTorch's faster variant of it).

    Also a decorator (``@tg.inference_mode()``); ``inference_mode(False)`` leaves the mode
    as it is.

    Examples:
        >>> x = tg.tensor([1.0], requires_grad=True)
        >>> with inference_mode():
        ...     print((x * 2).requires_grad)
        False
    """

    def __init__(self, mode: bool = True) -> None:
        self._mode = False  # grad mode inside
        self._keep = not mode

    def __enter__(self) -> None:
        self._previous = state.grad_enabled
        if not self._keep:
            state.grad_enabled = False

    def __call__(self, fn: F) -> F:
        if self._keep:
            return fn
        return super().__call__(fn)


class set_grad_enabled(_GradModeContext):
    """Switch graph recording on or off, as a call, a ``with`` block or a decorator.

    As ``torch.set_grad_enabled``: called on its own it sets the mode for this thread until
    it is set again; as a context manager (``with tg.set_grad_enabled(training):``) the
    previous mode comes back on exit; as a decorator the mode holds inside each call.

    Args:
        mode: ``True`` to record operations (the default state), ``False`` not to.

    Examples:
        >>> x = tg.tensor([1.0], requires_grad=True)
        >>> with set_grad_enabled(False):
        ...     print((x * 2).requires_grad)
        False
        >>> (x * 2).requires_grad
        True
        >>> _ = set_grad_enabled(False); (x * 2).requires_grad
        False
        >>> _ = set_grad_enabled(True); (x * 2).requires_grad
        True
    """

    def __init__(self, mode: bool) -> None:
        self._mode = bool(mode)
        self._previous = state.grad_enabled
        state.grad_enabled = self._mode

    def __enter__(self) -> None:
        pass  # the mode was set by the call itself

    def __call__(self, fn: F) -> F:
        state.grad_enabled = self._previous  # as a decorator it applies inside calls only
        return super().__call__(fn)


class AnomalyError(RuntimeError):
    """Raised under ``tg.detect_anomaly()`` when an operation produces NaN or inf.

    The forward check fires when finite inputs give a non-finite result and names the operation;
    the backward check fires when a derivative rule gives a non-finite gradient and also shows
    where that operation was created.

    Examples:
        >>> with tg.detect_anomaly(), np.errstate(divide="ignore"):
        ...     tg.tensor([0.0]).log()
        Traceback (most recent call last):
        ...
        tinygrad4h03.engine.AnomalyError: detect_anomaly: the forward of 'log' produced NaN/inf ...
    """


class detect_anomaly:
    """``with tg.detect_anomaly():`` checks every forward and backward result for NaN/inf.

    The error, ``tg.AnomalyError``, names the operation that produced the bad value and, for
    a backward result, where in the user's code the operation was created. A debugging aid:
    the checks cost time. A context manager, or a decorator (``@tg.detect_anomaly()``); tensor
    operations are checked, ``Value`` arithmetic is not.

    Examples:
        >>> x = tg.tensor([-1.0], requires_grad=True)
        >>> with detect_anomaly(), np.errstate(invalid="ignore"):  # NumPy would also warn
        ...     x.log()
        Traceback (most recent call last):
        ...
        tinygrad4h03.engine.AnomalyError: detect_anomaly: the forward of 'log' produced NaN/inf...
    """

    def __enter__(self) -> detect_anomaly:
        self._previous = state.anomaly
        state.anomaly = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        state.anomaly = self._previous

    def __call__(self, fn: F) -> F:
        """Use as a decorator: ``@tg.detect_anomaly()`` checks inside every call of ``fn``."""

        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly():
                return fn(*args, **kwargs)

        return cast(F, wrapper)  # @wraps keeps fn's signature


# --------------------------------------------------------------------------- graph order


def topological_order(roots: Iterable[Node]) -> list[Node]:
    """Every node that requires grad and that the roots depend on, parents before children.

    An iterative depth-first search with an explicit stack of (node, its parents still to
    visit): a graph of a million nodes needs no recursion, and a node reached by several
    paths (a diamond) is visited once. Nodes are hashed by identity. ``backward`` walks
    this list in reverse, so each node is finished before any of its parents.

    Args:
        roots: the outputs to start from; a root that does not require grad is skipped.

    Returns:
        The nodes in topological order (leaves first, the roots last).

    Examples:
        >>> a = tg.Value(1.0); b = a * 2; c = b + a
        >>> [node.data for node in topological_order([c])]
        [1.0, 2.0, 3.0]
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
                if parent in visited:
                    continue
                # A node with parents always requires grad, so only a leaf's flag is read
                # (a property on Tensor: W3 saves about 5 µs of ~330 µs per step).
                if parent._parents:
                    visited.add(parent)
                    stack.append((parent, iter(parent._parents)))
                    break
                if parent.requires_grad:  # a leaf is finished at once
                    visited.add(parent)
                    order.append(parent)
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
    """Apply the chain rule from ``roots`` (seeded with ∂ℰ/∂root = ``seeds``) back to the leaves.

    For every node n the roots depend on it computes ∂ℰ/∂n = Σ over n's children c of
    ∂ℰ/∂c · ∂c/∂n, visiting the nodes in reverse ``topological_order``. Gradients live in a
    dict keyed by node while the sweep runs: contributions arriving by several paths are
    added, an entry is popped when its node is processed, and only leaves (and nodes that
    asked to retain their gradient) write ``.grad``, adding to what is there. This is what
    ``Value.backward`` and ``Tensor.backward`` call.

    Args:
        roots: the outputs to differentiate.
        seeds: ∂ℰ/∂root for each root, of the root's shape (``1.0`` for a scalar loss).
        create_graph: run the rules on graph nodes under grad mode, so the gradients are
            themselves differentiable; otherwise they run on plain numbers and arrays,
            recording nothing.
        inputs: with ``inputs`` given (``tg.grad``), nothing is written to ``.grad``; the
            gradients of ``inputs`` are returned instead.

    Returns:
        ``None``; or, with ``inputs``, a list of ∂ℰ/∂input (``None`` for an input the
            roots do not depend on).

    Shapes:
        Each seed has its root's shape; each gradient has its node's shape.

    Examples:
        >>> x = tg.Value(3.0); y = x * x
        >>> backward([y], [1.0], inputs=[x]), x.grad
        ([6.0], 0.0)
        >>> backward([y], [1.0]); x.grad
        6.0
    """
    tracer = state.tracer if watching else None
    if tracer is not None:  # tg.compile: the tracer mirrors the sweep, then runs it
        return tracer.backward(_sweep, roots, seeds, create_graph, inputs)
    return _sweep(roots, seeds, create_graph, inputs)


def _sweep(
    roots: Sequence[Node],
    seeds: Sequence[Any],
    create_graph: bool = False,
    inputs: Sequence[Node] | None = None,
) -> list[Any] | None:
    """The sweep ``backward`` describes (a tracer's ``backward`` hook is handed this)."""
    order = topological_order(roots)
    grads: dict[Node, Any] = {}
    for root, seed in zip(roots, seeds):
        _add_into(grads, root, seed)
    wanted: dict[Node, Any] | None = None if inputs is None else dict.fromkeys(inputs)
    previous_mode = state.grad_enabled
    state.grad_enabled = create_graph
    pop, get = grads.pop, grads.get  # the sweep's hot loop: bound once
    hooked = _GRAD_HOOKS
    try:
        for node in reversed(order):
            grad = pop(node, None)
            if grad is None:
                continue
            if hooked and id(node) in hooked:  # Tensor.register_hook: may replace the gradient
                grad = _run_hooks(node, grad)
            parents = node._parents
            if wanted is not None:
                if node in wanted:
                    wanted[node] = grad
            elif node._retains_grad or not parents:
                node._accumulate(grad)
            if not parents:
                continue
            # One step of the chain rule: ∂E/∂parent += ∂E/∂node · ∂node/∂parent
            # (None for a parent that takes no gradient).
            for parent, parent_grad in zip(parents, node._backward(grad, create_graph)):
                if parent_grad is not None:
                    previous = get(parent)
                    grads[parent] = parent_grad if previous is None else previous + parent_grad
    finally:
        state.grad_enabled = previous_mode
    if wanted is None or inputs is None:  # wanted is set exactly when inputs are given
        return None
    return [wanted[node] for node in inputs]


def _add_into(grads: dict[Node, Any], node: Node, grad: Any) -> None:
    previous = grads.get(node)
    grads[node] = grad if previous is None else previous + grad


# --------------------------------------------------------------------------- gradient hooks
# Tensor.register_hook: a node's hooks run on its finished gradient, in the order they were
# added, before it reaches .grad or the node's rule. Kept beside the graph, by id with a weak
# reference (a hook does not keep its tensor alive; tensors compare elementwise, so they are
# no dict keys); an empty table costs the sweep one truth test per node.

_GRAD_HOOKS: dict[int, tuple[weakref.ref[Any], dict[int, Callable[[Any], Any]]]] = {}
_HOOK_IDS = itertools.count()


def _forget(table: dict[int, Any], key: int, _: object) -> None:
    table.pop(key, None)  # the table itself is bound: safe while the interpreter exits


def _run_hooks(node: Any, grad: Any) -> Any:
    ref, hooks = _GRAD_HOOKS[id(node)]
    if ref() is node:
        for hook in list(hooks.values()):
            grad = hook(grad)
    return grad


class RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` takes the hook off again.

    Examples:
        >>> x = tg.tensor([1.0], requires_grad=True)
        >>> handle = x.register_hook(lambda g: g * 0)
        >>> handle.remove()
        >>> (x * 3).sum().backward(); x.grad
        tensor([3.])
    """

    def __init__(
        self, hooks: dict[int, Callable[..., Any]], key: int, node_key: int | None = None
    ) -> None:
        # hooks: the table the hook sits in (a tensor's, or a module's forward hooks);
        # node_key: the tensor's key in the sweep's table, for a gradient hook
        self._hooks, self.id, self._node_key = hooks, key, node_key

    def remove(self) -> None:
        """Take the hook off (again: nothing happens)."""
        self._hooks.pop(self.id, None)
        key = self._node_key
        entry = None if key is None else _GRAD_HOOKS.get(key)
        if not self._hooks and key is not None and entry is not None and entry[1] is self._hooks:
            del _GRAD_HOOKS[key]  # no hooks left: the sweep's table empties again

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()


def add_grad_hook(node: Any, hook: Callable[[Any], Any]) -> RemovableHandle:
    """Run ``hook(grad) -> grad`` on ``node``'s gradient in every later backward sweep (the
    engine's side of ``Tensor.register_hook``; ``grad`` as the sweep holds it).

    Examples:
        >>> x = tg.tensor([1.0], requires_grad=True)
        >>> handle = add_grad_hook(x, lambda g: g * 2)
        >>> (x * 3).sum().backward(); x.grad
        tensor([6.])
        >>> handle.remove()
    """
    entry = _GRAD_HOOKS.get(id(node))
    if entry is None or entry[0]() is not node:
        key = id(node)
        entry = (weakref.ref(node, partial(_forget, _GRAD_HOOKS, key)), {})
        _GRAD_HOOKS[key] = entry
    hooks, key = entry[1], next(_HOOK_IDS)
    hooks[key] = hook
    return RemovableHandle(hooks, key, id(node))
