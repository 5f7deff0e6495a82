"""Tracing tensor code: forward operations, the backward sweep, ``.grad`` and optimiser steps.

While a trace runs the function eagerly, :class:`TensorTracer` *mirrors* it on traced arrays
(``arrays.py``):

- **forward**: every rule applied to tensors is run again, its NumPy forward on the traced
  arrays of its operands, so each NumPy call becomes a line;
- **backward**: ``engine.backward`` on tensors is mirrored by the same sweep over the same
  topological order, each rule's VJPs run on traced arrays, contributions summed in the
  eager order, gradients cast and accumulated into ``.grad`` as ``Tensor._accumulate`` does;
- **``.grad``**: assignments (``zero_grad``) and the sweep's results are followed per tensor
  and written back at the end of each replay;
- **optimisers**: each optimiser's per-parameter update function (``sgd_update``,
  ``adam_update``...) becomes one line that calls it on the live arrays and state, with the
  settings read from ``param_groups`` at every replay; plain SGD becomes ``W -= lr * dW``;
- **random numbers**: draws from the package's generator become lines that draw again;
- **conversions**: ``.item()``, ``float()``, ``bool()``, ``.tolist()``, ``.numpy()`` of a
  traced tensor raise ``CompileError``.

Every mirrored result is compared with the eager result (bit for bit), so a mirror that
drifted from the engine fails the trace instead of replaying something else.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .. import engine, rules
from .. import tensor as tensor_module
from ..tensor import Tensor
from .arrays import ArrayRecorder, TracedArray
from .errors import CompileError, refusal
from .program import Program

_GRAD = Tensor.__dict__["grad"]
_ACTIVATIONS = {"relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "leaky_relu"}
_LAYERS = {"linear", "matmul", "conv2d"}


class Retrace(Exception):
    """Raised by a replay whose guards failed: a captured tensor changed shape or dtype."""


def _tensor_of(array: np.ndarray) -> Tensor:
    """A tensor around ``array`` without a copy (the replay's results and ``.grad``)."""
    return Tensor._wrap(array)


def _result(array: Any) -> Tensor:
    """A returned tensor: a copy of the replay's buffer, so later replays do not change it."""
    return Tensor._wrap(np.array(array))


HELPERS: dict[str, Any] = {"np": np, "Retrace": Retrace, "_result": _result}


class TensorTracer:
    """Mirrors one eager run of a function on traced arrays (see the module docstring)."""

    def __init__(self, program: Program, names: dict[int, str]) -> None:
        self.program = program
        self.arrays = ArrayRecorder(program)
        self.names = names  # id(parameter tensor) -> its dotted module path
        self.inside = 0  # > 0 while library code runs eagerly under a recorded step
        self.keep: list[Any] = []
        self.loaded: dict[int, tuple[Tensor, str]] = {}  # id(tensor) -> (tensor, variable)
        self.grads: dict[int, tuple[Tensor, TracedArray | None]] = {}  # current .grad
        self.first_grad: dict[int, Any] = {}  # .grad at the start: None or its tensor
        self.initial: set[int] = set()  # tensors whose .grad is still the one at the start
        self.initial_read: set[int] = set()  # ... and whose starting .grad the trace used
        self.layer = 0
        self.optimizer: Any = None
        self.current_group: dict[str, Any] | None = None
        self._saved: list[tuple[Any, str, Any]] = []

    # ---------------------------------------------------------------- operands

    def input_array(self, array: np.ndarray, name: str) -> TracedArray:
        """An argument array (or a tensor's array) that the replay receives as ``name``."""
        self.keep.append(array)
        return self.arrays.traced(array, name)

    def traced(self, t: Tensor) -> TracedArray:
        """The traced array of tensor ``t``: known, or read live from ``t`` at every replay."""
        array = t._data
        found = self.arrays.named.get(id(array))
        if found is not None:
            return found
        return self._load(t, self.names.get(id(t), "c"))

    def _load(self, t: Tensor, hint: str) -> TracedArray:
        ref = self.program.constant(t, hint + "_t")
        name = self.program.load(f"{ref}.numpy()", (ref,), hint)
        array = t._data
        self.program.prologue.append(_guard(name, array.shape, array.dtype, self.program.section))
        self.program.external.add(name)
        self.loaded[id(t)] = (t, name)
        self.keep.append(t)
        return self.input_array(array, name)

    def operand(self, x: Any) -> Any:
        """A rule's operand or attribute on the traced side (numbers and constants as they are)."""
        if isinstance(x, Tensor):
            return self.traced(x)
        if isinstance(x, np.ndarray):
            found = self.arrays.named.get(id(x))
            return x if found is None else found
        if isinstance(x, tuple | list):
            return type(x)(self.operand(v) for v in x)
        return x

    # ---------------------------------------------------------------- forward

    def applied(
        self, rule: rules.Rule, operands: Sequence[Any], attrs: dict[str, Any], out: Tensor
    ) -> None:
        """Mirror one rule applied eagerly: ``out`` = ``rule`` of ``operands``."""
        traced = [self.operand(x) for x in operands]
        given = {k: self.operand(v) for k, v in attrs.items() if k != "saved"}
        hint = self._hint(rule)
        self.arrays.hint = rule.name
        self.program.section = "forward"
        value = rule.forward(*traced, **given)
        if rule.saves:
            value, saved = value
            self._same(saved, out._attrs["saved"], rule.name)
            self.arrays.named[id(out._attrs["saved"])] = saved
            self.keep.append(out._attrs["saved"])
        if not isinstance(value, TracedArray):
            raise CompileError(f"tg.compile: the forward of '{rule.name}' escaped the trace")
        if value.dtype != out._data.dtype:
            value = value.astype(out._data.dtype)
        self._same(value, out._data, rule.name)
        if hint != rule.name:
            self._rename(value, hint)
        self.keep.append(out._data)
        self.arrays.named[id(out._data)] = value

    def _hint(self, rule: rules.Rule) -> str:
        if rule.name in _LAYERS:
            self.layer += 1
            return f"v{self.layer}"
        if rule.name in _ACTIVATIONS:
            return f"y{self.layer}"
        return rule.name

    @staticmethod
    def _same(traced: Any, eager: Any, what: str) -> None:
        value = traced.value if isinstance(traced, TracedArray) else traced
        if not np.array_equal(value, eager, equal_nan=True) or np.shape(value) != np.shape(eager):
            raise CompileError(
                f"tg.compile: the trace of '{what}' does not reproduce the eager result; "
                "please report this (the function runs eagerly without tg.compile)"
            )

    # ---------------------------------------------------------------- backward

    def backward(self, roots: Sequence[Tensor], seeds: Sequence[Any], inputs: Any) -> list[Any]:
        """Mirror ``engine.backward``; returns the traced gradients of ``inputs`` (if given)."""
        self.program.section = "backward"
        grads: dict[Tensor, TracedArray] = {}
        for root, seed in zip(roots, seeds):
            self.arrays.hint = "seed"
            seed_traced = self.operand(seed)
            if not isinstance(seed_traced, TracedArray):
                seed_traced = self.arrays.traced(np.asarray(seed), self.arrays.code_of(seed))
            grads[root] = seed_traced if root not in grads else grads[root] + seed_traced
        wanted: dict[Tensor, Any] = {} if inputs is None else dict.fromkeys(inputs)
        for node in reversed(engine.topological_order(roots)):
            g = grads.pop(node, None)
            if g is None:
                continue
            self._rename(g, "d" + self._name_of(node))  # dv3 = ∂E/∂v3, the lecture's −δ3
            parents = node._parents
            if inputs is not None:
                if node in wanted:
                    wanted[node] = g
            elif node._retains_grad or not parents:
                self._accumulate(node, g)
            if not parents:
                continue
            for parent, parent_grad in zip(parents, self._vjps(node, g)):
                if parent_grad is not None:
                    previous = grads.get(parent)
                    self.arrays.hint = "d" + self._name_of(parent) + "_"
                    grads[parent] = parent_grad if previous is None else previous + parent_grad
        return [] if inputs is None else [wanted[t] for t in inputs]

    def _name_of(self, t: Tensor) -> str:
        found = self.arrays.named.get(id(t._data))
        if found is None:
            return "t"
        return self.program.renamed.get(found.name, found.name)

    def _rename(self, x: TracedArray, hint: str) -> None:
        """Call ``x`` by ``hint`` in the source (a result's own variable or buffer only)."""
        program = self.program
        if x.name not in program.renamed and x.name not in program.external and self.arrays.owns(x):
            program.rename(x.name, hint)

    def _vjps(self, node: Tensor, g: TracedArray) -> list[Any]:
        """``Tensor._parent_grads`` on traced arrays: one VJP per parent, summed to shape."""
        rule = node._rule
        attrs = {k: self.operand(v) for k, v in node._attrs.items()}
        out = self.traced(node)
        inputs = [self.operand(x) for x in node._operands]
        found: list[Any] = []
        for position, x in enumerate(node._operands):
            if not isinstance(x, Tensor):
                continue
            if not x.requires_grad:
                found.append(None)
                continue
            self.arrays.hint = "d" + self._name_of(x) + "_"
            if rule.variadic:
                parent_grad = rule.vjps[0](g, out, *inputs, position=position, **attrs)
            else:
                parent_grad = rule.vjps[position](g, out, *inputs, **attrs)
            if not isinstance(parent_grad, TracedArray):
                raise CompileError(f"tg.compile: the VJP of '{rule.name}' escaped the trace")
            if parent_grad.shape != x._data.shape:
                parent_grad = rules.sum_to_shape(parent_grad, x._data.shape)
            found.append(parent_grad)
        return found

    def _accumulate(self, t: Tensor, g: TracedArray) -> None:
        """``Tensor._accumulate``: cast to the tensor's dtype, add to what ``.grad`` holds."""
        dtype = t._data.dtype
        if g.dtype != dtype:
            g = g.astype(dtype)
        _, previous = self._grad_state(t)
        self.initial.discard(id(t))
        self.arrays.hint = "d" + self._name_of(t) + "_"
        self.grads[id(t)] = (t, g if previous is None else previous + g)

    def _grad_state(self, t: Tensor, reading: bool = True) -> tuple[Tensor, TracedArray | None]:
        """What ``t.grad`` holds now in the trace; ``reading``: the value is used."""
        key = id(t)
        found = self.grads.get(key)
        if found is None:  # first sight: whatever .grad holds when the replay starts
            grad = _GRAD.__get__(t)
            self.first_grad[key] = grad
            self.keep.append(t)
            found = self.grads[key] = (t, None if grad is None else self._load_grad(t, grad))
            self.initial.add(key)
        if reading and key in self.initial:
            self.initial_read.add(key)
        return found

    def _load_grad(self, t: Tensor, grad: Tensor) -> TracedArray:
        return self._load(grad, self.names.get(id(t), "c") + "_grad")

    def finish(self) -> list[Tensor]:
        """Write every changed ``.grad`` back; returns the tensors whose gradient is read."""
        self.program.section = "update"
        owners: set[str] = set()
        for key, (t, state) in self.grads.items():
            ref = self.program.constant(t, self.names.get(key, "c") + "_t")
            if key in self.initial_read:  # the replay relies on .grad being None, or not
                self.program.prologue.append(_grad_guard(ref, self.first_grad[key] is None))
            if state is None:
                self.program.effect(f"{ref}.grad = None", (ref,))
                continue
            name = state.name
            if name not in self.program.buffers or name in owners:  # own memory, as eager
                buffer = self.program.constant(np.empty_like(state.value), "d" + name, buffer=True)
                self.program.effect(f"np.copyto({buffer}, {name})", (name,), (buffer,))
                self.program.external.add(buffer)
                name = buffer
            owners.add(name)
            array = self.program.constants[name]
            holder = self.program.constant(
                _tensor_of(array), self.program.renamed.get(name, name) + "_t"
            )
            self.program.effect(f"{ref}.grad = {holder}", (ref, holder, name))
        return []

    def output(self, x: Any) -> tuple[str, tuple[str, ...]] | None:
        """The replay's expression for a returned tensor (``None``: not a traced tensor)."""
        if not isinstance(x, Tensor):
            return None
        found = self.arrays.named.get(id(x._data))
        if found is None or id(x) in self.loaded:
            return None  # a captured tensor is returned as itself
        return f"_result({found.name})", (found.name,)

    # ---------------------------------------------------------------- optimisers

    def update(
        self, fn: Callable[..., Any], name: str, args: tuple[Any, ...], hyper: dict[str, Any]
    ) -> None:
        """One optimiser update ``fn(param, grad, state, work, **hyper)``: one line, live."""
        param, grad, state, work = args
        codes = [self._array_code(param), self._array_code(grad)]
        codes.append(self.program.constant(state, "state"))
        codes.append(self.program.constant(work, "work"))
        group = self._group()
        settings = [f"{k}={self._setting(group, k, v)}" for k, v in hyper.items()]
        fn_name = self.program.constant(fn, name, exact=True)
        deps = (*codes, fn_name, *([group] if isinstance(group, str) else []))
        self.program.section = "update"
        self.program.effect(f"{fn_name}({', '.join(codes + settings)})", deps)

    def plain_sgd(self, params: list[Tensor], lr: float) -> None:
        """``_plain_sgd``: θ ← θ − γ ∂ℰ/∂θ for each parameter with a gradient."""
        group = self._group(params)
        lr_code = self._setting(group, "lr", lr)
        self.program.section = "update"
        for param in params:
            _, grad = self._grad_state(param)
            if grad is None:
                continue
            weight = self.traced(param)
            self.program.effect(
                f"{weight.name} -= {lr_code} * {grad.name}",
                (weight.name, grad.name, *([group] if isinstance(group, str) else [])),
                (weight.name,),
            )

    def _array_code(self, array: np.ndarray) -> str:
        found = self.arrays.named.get(id(array))
        if found is None:
            raise CompileError("tg.compile: an optimiser received an array outside the trace")
        return found.name

    def _group(self, params: list[Tensor] | None = None) -> str | None:
        optimizer = self.optimizer
        if optimizer is None:
            return None
        for i, group in enumerate(optimizer.param_groups):
            if params is None or group["params"] is params:
                if params is None and self.current_group is not group:
                    continue
                return self.program.constant(group, f"group{i}", exact=True)
        return None

    def _setting(self, group: str | None, key: str, value: Any) -> str:
        if group is not None:
            live = self.program.constants[group].get(key, _MISSING)
            if live is value or (live == value and type(live) is type(value)):
                return f'{group}["{key}"]'
        return self.arrays.code_of(value)

    # ---------------------------------------------------------------- install / remove

    def install(self) -> None:
        """Put the mirrors in place (undone by :meth:`remove`)."""
        tracer = self
        self._patch(tensor_module, "_apply", self._wrap_apply(tensor_module._apply, "attrs"))
        self._patch(tensor_module, "_binary", self._wrap_apply(tensor_module._binary, "binary"))
        self._patch(tensor_module, "_unary", self._wrap_apply(tensor_module._unary, "unary"))
        self._patch(Tensor, "_apply", staticmethod(tensor_module._apply))
        # the rules tell arrays (compute) from tensors (record): traced arrays compute
        self._patch(rules, "_is_array", _is_array)
        self._patch(rules, "_is_plain", _is_plain)
        original_backward = engine.backward

        def traced_backward(
            roots: Any, seeds: Any, create_graph: bool = False, inputs: Any = None
        ) -> Any:
            if tracer.inside or not roots or not isinstance(roots[0], Tensor):
                return original_backward(roots, seeds, create_graph, inputs)
            if create_graph:
                raise CompileError("tg.compile: backward(create_graph=True) cannot be compiled yet")
            mirrored = tracer.backward(list(roots), list(seeds), inputs)
            found = tracer._call(original_backward, roots, seeds, create_graph, inputs)
            if inputs is None:
                tracer._check_grads()
                return found
            for traced, eager in zip(mirrored, found):
                if eager is not None:
                    tracer._same(traced, eager, "backward")
                    tracer.arrays.named[id(eager)] = traced
                    tracer.keep.append(eager)
            return found

        self._patch(engine, "backward", traced_backward)
        self._patch(Tensor, "grad", property(self._get_grad, self._set_grad))
        for name in ("item", "tolist", "__float__", "__bool__", "__int__", "numpy"):
            self._patch(Tensor, name, self._refusing(name))
        self._patch_optimizers()
        self._patch_random()

    def _patch_random(self) -> None:
        from .. import creation, random

        tracer = self
        original_resolve, original_to_array = random.resolve, tensor_module._to_array

        def resolve(generator: Any, op: str) -> Any:
            return _RecordedDraws(original_resolve(generator, op), tracer)

        def to_array(data: Any, dtype: Any) -> np.ndarray:
            if not isinstance(data, TracedArray):
                return original_to_array(data, dtype)
            array = original_to_array(data.value, dtype)
            traced = data if array.dtype == data.dtype else data.astype(array.dtype)
            tracer.keep.append(array)
            tracer.arrays.named[id(array)] = traced
            return array

        self._patch(random, "resolve", resolve)
        self._patch(creation, "generator", lambda: resolve(None, "generator"))
        self._patch(tensor_module, "_to_array", to_array)

    def _patch(self, owner: Any, name: str, new: Any) -> None:
        self._saved.append((owner, name, owner.__dict__[name]))
        setattr(owner, name, new)

    def remove(self) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self.inside += 1
        try:
            return fn(*args, **kwargs)
        finally:
            self.inside -= 1

    def _wrap_apply(self, original: Callable[..., Tensor], kind: str) -> Callable[..., Tensor]:
        tracer = self

        def apply(rule: rules.Rule, *operands: Any, **attrs: Any) -> Tensor:
            if tracer.inside:
                return original(rule, *operands, **attrs)
            out = tracer._call(original, rule, *operands, **attrs)
            tracer.applied(rule, operands, attrs, out)
            return out

        return apply

    def _check_grads(self) -> None:
        for t, state in self.grads.values():
            eager = _GRAD.__get__(t)
            if state is not None and eager is not None:
                self._same(state, eager._data, "the gradient")
                self.arrays.named[id(eager._data)] = state
                self.keep.append(eager._data)

    def _get_grad(self, t: Tensor) -> Any:
        if not self.inside:
            self._grad_state(t)
        return _GRAD.__get__(t)

    def _set_grad(self, t: Tensor, value: Any) -> None:
        try:
            before = _GRAD.__get__(t)
        except AttributeError:  # a tensor being built (its grad starts as None): no change
            _GRAD.__set__(t, value)
            return
        _GRAD.__set__(t, value)
        if self.inside:
            return
        if id(t) not in self.grads:  # its starting .grad is overwritten, never read
            self.first_grad[id(t)] = before
            self.keep.append(t)
        self.initial.discard(id(t))
        self.grads[id(t)] = (t, None if value is None else self.traced(value))

    def _refusing(self, name: str) -> Callable[..., Any]:
        original = Tensor.__dict__[name]
        tracer = self
        call = {"__float__": "float()", "__bool__": "bool()", "__int__": "int()"}.get(
            name, f".{name}()"
        )

        def method(t: Tensor, *args: Any, **kwargs: Any) -> Any:
            if tracer.inside or id(t._data) not in tracer.arrays.named:
                return original(t, *args, **kwargs)
            if name == "numpy" and _called_from_package():
                return tracer.traced(t)
            raise refusal(call, "tensor")

        return method

    def _patch_optimizers(self) -> None:
        from .. import optim
        from ..optim import optimizer as base
        from ..optim import sgd

        tracer = self
        for cls in _subclasses(base.Optimizer):
            if "step" in cls.__dict__:
                self._patch(cls, "step", self._wrap_step(cls.__dict__["step"]))
        original_with_grads = base.Optimizer._with_grads

        def with_grads(optimizer: Any, group: dict[str, Any], *args: Any) -> Iterator[Any]:
            tracer.current_group = group
            for p in group["params"]:
                if _GRAD.__get__(p) is not None:
                    tracer.traced(p)
                    tracer._grad_state(p)
            yield from original_with_grads(optimizer, group, *args)

        self._patch(base.Optimizer, "_with_grads", with_grads)
        for module in _optimiser_modules(optim):
            for name, fn in list(vars(module).items()):
                if name.endswith("_update") and callable(fn):
                    self._patch(module, name, self._wrap_update(fn, name))
        original_plain = sgd._plain_sgd

        def plain(params: list[Tensor], lr: float) -> None:
            tracer.plain_sgd(params, lr)
            tracer._call(original_plain, params, lr)

        self._patch(sgd, "_plain_sgd", plain)

    def _wrap_step(self, original: Callable[..., Any]) -> Callable[..., Any]:
        tracer = self

        def step(optimizer: Any, closure: Any = None) -> Any:
            if closure is not None:
                raise CompileError("tg.compile: optimizer.step(closure) cannot be compiled")
            previous, tracer.optimizer = tracer.optimizer, optimizer
            tracer.inside += 1  # the step runs on plain arrays; its updates are recorded
            try:
                return original(optimizer)
            finally:
                tracer.inside -= 1
                tracer.optimizer = previous

        return step

    def _wrap_update(self, original: Callable[..., Any], name: str) -> Callable[..., Any]:
        tracer = self

        def update(*args: Any, **hyper: Any) -> Any:
            if tracer.optimizer is None:  # called by hand, outside an optimiser's step
                raise CompileError(f"tg.compile: call {name} through an optimiser's step()")
            tracer.update(original, name, args, hyper)
            return tracer._call(original, *args, **hyper)

        return update


_MISSING = object()


class _RecordedDraws:
    """A generator whose draws are recorded: each replay draws afresh from the same stream."""

    def __init__(self, generator: np.random.Generator, tracer: TensorTracer) -> None:
        self._generator = generator
        self._tracer = tracer

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._generator, name)
        if not callable(method) or name.startswith("_") or name in _NOT_DRAWS:
            return method
        tracer, generator = self._tracer, self._generator

        def draw(*args: Any, **kwargs: Any) -> Any:
            value = method(*args, **kwargs)
            if not isinstance(value, np.ndarray):
                raise CompileError(
                    f"tg.compile: a single random number ({name}() without a size) would be "
                    "the same at every replay; draw a tensor (tg.rand(1)) instead"
                )
            ref = tracer.program.constant(generator, "generator", exact=True)
            recorder = tracer.arrays
            code_args = [recorder.code_of(a) for a in args]
            code_args += [f"{k}={recorder.code_of(v)}" for k, v in kwargs.items()]
            recorder.hint = "noise"
            tracer.program.section = "forward"
            return recorder._emit(value, f"{ref}.{name}({', '.join(code_args)})", (ref,))

        return draw


_NOT_DRAWS = {"manual_seed", "seed", "initial_seed", "get_state", "set_state", "spawn"}


def _is_array(x: Any) -> bool:
    return isinstance(x, np.ndarray | np.generic | TracedArray)


def _is_plain(x: Any) -> bool:
    return isinstance(x, np.ndarray | np.generic | int | float | TracedArray)


def _guard(name: str, shape: tuple[int, ...], dtype: np.dtype, section: str) -> Any:
    from .program import Statement

    code = f"if {name}.shape != {shape!r} or {name}.dtype != np.{dtype.name}: raise Retrace"
    return Statement("load", (), code, (name,), effect=True, assign=False)


def _grad_guard(ref: str, none: bool) -> Any:
    from .program import Statement

    test = "is not None" if none else "is None"
    code = f"if {ref}.grad {test}: raise Retrace"
    return Statement("load", (), code, (ref,), effect=True, assign=False)


def parameter_names(fn: Callable[..., Any]) -> dict[int, str]:
    """Readable names for the parameters of the modules ``fn`` refers to (closure, globals).

    ``0.weight`` becomes ``weight0``, ``fc1.bias`` becomes ``fc1_bias``.
    """
    from ..nn import Module

    found: dict[int, str] = {}
    seen = [c.cell_contents for c in (getattr(fn, "__closure__", None) or ()) if _filled(c)]
    code = getattr(fn, "__code__", None)
    if code is not None:
        seen += [fn.__globals__[n] for n in code.co_names if n in getattr(fn, "__globals__", {})]
    for obj in seen:
        if isinstance(obj, Module):
            for path, p in obj.named_parameters():
                found.setdefault(id(p), _identifier(path))
    return found


def _filled(cell: Any) -> bool:
    try:
        return cell.cell_contents is not None
    except ValueError:  # a closure variable not yet assigned
        return False


def _identifier(path: str) -> str:
    parts = path.split(".")
    words = [p for p in parts[:-1] if not p.isdigit()]
    digits = "".join(p for p in parts[:-1] if p.isdigit())
    return "_".join([*words, parts[-1] + digits])


def _subclasses(cls: type) -> list[type]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_subclasses(sub))
    return found


def _optimiser_modules(package: Any) -> list[Any]:
    prefix = package.__name__ + "."
    return [m for name, m in sys.modules.items() if name.startswith(prefix) and m is not None]


def _called_from_package() -> bool:
    """Whether the caller's caller is code of this package (not the user's function)."""
    frame = sys._getframe(2)
    name = frame.f_globals.get("__name__", "")
    return name.startswith("tinygrad4h03.") and not name.startswith("tinygrad4h03.compiler")
