"""``tg.compile``: trace a function once, replay it as straight-line code (API.md §8).

The first call with a new *signature* (the kinds, shapes and dtypes of the arguments, the
values of int and bool arguments, the grad mode) runs the function eagerly while tracers
record what it does; the record becomes the Python source of one function, ``replay``,
compiled once with ``compile()``; later calls with that signature run ``replay`` only.

- ``scalar.py`` traces ``Value`` arithmetic: the replay is float arithmetic;
- ``tensors.py`` traces tensor code (forward, backward, ``.grad``, optimiser steps) on
  the traced arrays of ``arrays.py``: the replay is NumPy calls;
- ``program.py`` holds the statements and prints the source (dead lines dropped);
- ``trees.py`` flattens arguments and results (tuples, lists, dicts).
"""

from __future__ import annotations

import builtins
import functools
import inspect
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import engine
from ..tensor import Tensor
from ..value import Value
from .errors import CompileError
from .program import Program
from .scalar import HELPERS, ScalarTracer, TracedFloat
from .tensors import HELPERS as TENSOR_HELPERS
from .tensors import Retrace, TensorTracer, parameter_names
from .trees import Tree, flatten, unflatten

__all__ = ["CompileError", "Compiled", "compile"]

_VARIANTS = 8  # traces kept per signature (replays that check values may need several)


class _Tracers(engine.Tracer):
    """The one ``engine.state.tracer`` a trace installs: it hands each hook to the scalar
    tracer (``Value`` nodes and roots) or to the tensor tracer (everything else)."""

    def __init__(self, scalar: ScalarTracer, tensors: TensorTracer) -> None:
        self.scalar = scalar
        self.tensors = tensors

    def _side(self, node: Any) -> engine.Tracer:
        return self.scalar if isinstance(node, Value) else self.tensors

    def __call__(self, rule: Any, operands: Any, attrs: dict[str, Any], out: Any) -> None:
        self.tensors(rule, operands, attrs, out)

    def backward(self, sweep: Any, roots: Any, seeds: Any, create_graph: bool, inputs: Any) -> Any:
        side = self._side(roots[0] if roots else None)
        return side.backward(sweep, roots, seeds, create_graph, inputs)

    def value_result(self, out: Any) -> None:
        self.scalar.value_result(out)

    def made(self, node: Any, data: Any = None) -> None:
        self._side(node).made(node, data)

    def grad_read(self, node: Any) -> None:
        self._side(node).grad_read(node)

    def grad_written(self, node: Any, before: Any) -> None:
        self._side(node).grad_written(node, before)

    def converted(self, node: Any, how: str) -> Any:
        return self._side(node).converted(node, how)

    def generator(self, generator: Any, op: str) -> Any:
        return self.tensors.generator(generator, op)

    def optimizer_update(self, update: Any, group: Any, param: Any, args: Any, hyper: Any) -> Any:
        return self.tensors.optimizer_update(update, group, param, args, hyper)


@dataclass
class _Trace:
    """One signature's compiled replay: the source, the function, how to rebuild results."""

    code: str
    replay: Callable[..., list[Any]]
    outputs: Tree


class Compiled:
    """A function compiled by ``tg.compile``: call it as the function; see the module docstring.

    ``.code`` is the source of the latest trace's replay, ``.cache_size`` the number of
    signatures traced so far.

    Examples:
        >>> w = tg.Value(0.5)
        >>> step = tg.compile(lambda x: (w * x).tanh())
        >>> round(step(2.0).data, 6), round(step(-2.0).data, 6), step.cache_size
        (0.761594, -0.761594, 1)
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self._traces: dict[Any, list[_Trace]] = {}
        self._latest: _Trace | None = None
        functools.update_wrapper(self, fn)

    @property
    def code(self) -> str:
        """The Python source that a replay of the latest traced signature runs."""
        if self._latest is None:
            raise CompileError("tg.compile: no code yet; call the compiled function once first")
        return self._latest.code

    @property
    def cache_size(self) -> int:
        """How many traces are kept (one per signature, a few more where values are checked)."""
        return sum(len(variants) for variants in self._traces.values())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        leaves, tree = flatten((args, kwargs))
        key = (tree, engine.state.grad_enabled, tuple(_leaf_key(x) for x in leaves))
        variants = self._traces.get(key)
        if variants:
            inputs = [x for x in leaves if _is_input(x)]
            for found in variants:  # most signatures have one; value checks may add more
                try:
                    return unflatten(found.outputs, found.replay(*inputs))
                except Retrace:  # a captured tensor changed, or a checked value differs
                    continue
        if engine.state.anomaly:  # detect_anomaly checks each eager result: run eagerly
            return self.fn(*args, **kwargs)
        result, found = self._trace(leaves, tree)
        variants = self._traces.setdefault(key, [])
        variants.insert(0, found)
        del variants[_VARIANTS:]
        self._latest = found
        return result

    def _trace(self, leaves: list[Any], tree: Tree) -> tuple[Any, _Trace]:
        program = Program(reserved={*HELPERS, *TENSOR_HELPERS})
        scalar = ScalarTracer(program)
        tensors = TensorTracer(program, parameter_names(self.fn))
        params: list[str] = []
        traced: list[Any] = []
        for x, hint in zip(leaves, _leaf_names(self.fn, tree, len(leaves))):
            if not _is_input(x):
                traced.append(x)
                continue
            label = x.label if isinstance(x, Value) else ""
            params.append(program.name(label or hint, exact=True))
            if isinstance(x, Value):
                scalar.input_value(x, params[-1])
                traced.append(x)
            elif isinstance(x, Tensor):
                array_name = params[-1]
                params[-1] = program.name(array_name + "_t", exact=True)
                tensors.input_tensor(x, params[-1], array_name)
                traced.append(x)
            elif isinstance(x, np.ndarray):
                traced.append(tensors.input_view(x, params[-1]))
            else:
                traced.append(scalar.input_float(x, params[-1]))
        args, kwargs = unflatten(tree, traced)
        scalar.install(self.fn)
        previous, engine.state.tracer = engine.state.tracer, _Tracers(scalar, tensors)
        try:
            result = self.fn(*args, **kwargs)
        finally:
            engine.state.tracer = previous
            scalar.remove()
        scalar.finish()
        tensors.finish()
        out_leaves, out_tree = flatten(result)
        returns: list[str] = []
        deps: list[str] = []
        for x in out_leaves:
            found = scalar.output(x) or tensors.output(x)
            if found is None:
                returns.append(program.constant(x, "result"))
            else:
                returns.append(found[0])
                deps.extend(found[1])
        helpers = {**HELPERS, **TENSOR_HELPERS}
        code = program.source(params, "[" + ", ".join(returns) + "]", tuple(deps), helpers)
        namespace: dict[str, Any] = {**helpers, **program.namespace()}
        exec(builtins.compile(code, "<tg.compile>", "exec"), namespace)
        plain = [float.__float__(x) if isinstance(x, TracedFloat) else x for x in out_leaves]
        return unflatten(out_tree, plain), _Trace(code, namespace["replay"], out_tree)


def compile(fn: Callable[..., Any]) -> Compiled:
    """Compile ``fn`` (a training step, a function of ``Value``s): trace once, replay after.

    Also a decorator (``@tg.compile``). See ``Compiled`` and ``docs/compile.md``.

    Args:
        fn: the function; its arguments may be tensors, NumPy arrays, ``Value``s and Python
            numbers, in tuples, lists and dicts.

    Returns:
        A :class:`Compiled` that is called like ``fn``.

    Examples:
        >>> a = tg.Value(3.0)
        >>> @tg.compile
        ... def f(x):
        ...     y = a * x + 1.0
        ...     y.backward()
        ...     return y
        >>> f(2.0).data, a.grad
        (7.0, 2.0)
        >>> f(4.0).data, a.grad
        (13.0, 6.0)
    """
    return Compiled(fn)


def _leaf_names(fn: Callable[..., Any], tree: Tree, count: int) -> list[str]:
    """A readable name for each argument leaf: the parameter's name (``x``, ``x_0``...)."""
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        names = []
    found: list[str] = []
    positional, keywords = tree[1]
    for i, sub in enumerate(positional[1]):
        found.extend(_names_under(names[i] if i < len(names) else f"arg{i}", sub))
    for key, sub in zip(keywords[1], keywords[2]):
        found.extend(_names_under(str(key), sub))
    return found if len(found) == count else [f"x{i}" for i in range(count)]


def _names_under(name: str, tree: Tree) -> list[str]:
    if tree == ("leaf",):
        return [name]
    return [f"{name}_{i}" for i in range(_leaf_count(tree))]


def _leaf_count(tree: Tree) -> int:
    if tree[0] == "leaf":
        return 1
    return sum(_leaf_count(child) for child in (tree[2] if tree[0] == "dict" else tree[1]))


def _is_input(x: Any) -> bool:
    if isinstance(x, Value | Tensor | np.ndarray):
        return True
    return isinstance(x, numbers.Real) and not isinstance(x, int | bool | np.integer | np.bool_)


def _leaf_key(x: Any) -> Any:
    if isinstance(x, Value):
        return "Value"
    if isinstance(x, Tensor | np.ndarray):
        return (type(x), x.shape, x.dtype)
    if _is_input(x):
        return "float"
    if isinstance(x, bool | int | str | bytes | type(None)):
        return (type(x), x)
    return ("object", id(x))
