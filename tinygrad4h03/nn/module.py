"""``Module`` and ``Parameter``, and the containers ``Sequential`` and ``ModuleList``.

Shaped like PyTorch's ``torch.nn.Module``: assigning a :class:`Parameter` or a :class:`Module`
to an attribute registers it (in ``__setattr__``, into ordered dicts), so that
``named_parameters()`` can list every weight of a model under a dotted name such as
``"0.weight"`` — the same names, in the same order, as the equivalent PyTorch model. That is
what lets a ``state_dict`` move between the two frameworks.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

import numpy as np

from ..tensor import Tensor

M = TypeVar("M", bound="Module")


# --------------------------------------------------------------------------- Parameter


class Parameter(Tensor):
    """A tensor that is a module's weight: a leaf with ``requires_grad=True``.

    ``Parameter(data)`` takes a ``Tensor``, a NumPy array or nested lists. A floating NumPy
    array (or a tensor's array) is *shared*, not copied, as ``torch.nn.Parameter`` shares
    storage; its dtype is kept (``float64`` stays ``float64``). Python floats and lists become
    ``float32``. Only floating data can require gradients.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        array = _parameter_array(data)
        super().__init__(np.empty(0, dtype=array.dtype))
        self.data = array  # share the caller's array, as torch.nn.Parameter shares storage
        self.requires_grad_(requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


def _parameter_array(data: Any) -> np.ndarray:
    if data is None:
        return np.empty(0, dtype=np.float32)
    if isinstance(data, Tensor):
        array = data.data
    elif isinstance(data, np.ndarray):
        array = data
    else:
        array = Tensor(data).data  # Python numbers and lists, with Tensor's dtype rules
    if array.dtype.kind != "f":
        raise TypeError(
            f"Parameter: only floating-point data can require gradients, got dtype {array.dtype}; "
            "convert it first, e.g. with .astype(np.float32)"
        )
    return array if array.flags.writeable else array.copy()


# --------------------------------------------------------------------------- helpers


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it missed and the keys it did not expect."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


def _indent(text: str, spaces: int = 2) -> str:
    """Indent every line of ``text`` but the first (for nested module reprs)."""
    return text.replace("\n", "\n" + " " * spaces)


def _check_name(name: Any, kind: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
    if not name or "." in name:
        raise KeyError(f'{kind} name must be non-empty and contain no ".", got {name!r}')


def _state_array(value: Any, key: str) -> np.ndarray:
    """A state-dict value as an array: NumPy arrays, our tensors, torch tensors (via NumPy)."""
    array = np.asarray(value.data if isinstance(value, Tensor) else value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"load_state_dict: value for {key!r} has non-numeric dtype {array.dtype}")
    return array


# --------------------------------------------------------------------------- Module


class Module:
    """The base class of every layer and model, as ``torch.nn.Module``.

    Subclasses call ``super().__init__()`` first, assign their layers and ``Parameter`` s as
    attributes, and define ``forward``; calling the module calls ``forward``.
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", {})

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------------ registration

    def __setattr__(self, name: str, value: Any) -> None:
        store = self.__dict__
        params, modules, buffers = (store.get(k) for k in ("_parameters", "_modules", "_buffers"))
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, keep="_parameters")
            params[name] = value
        elif isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep="_modules")
            modules[name] = value
        elif params is not None and name in params:
            self._set_registered(params, name, value, Parameter, "parameter")
        elif modules is not None and name in modules:
            self._set_registered(modules, name, value, Module, "child module")
        elif buffers is not None and name in buffers:
            self._set_registered(buffers, name, value, Tensor, "buffer")
        else:
            object.__setattr__(self, name, value)

    @staticmethod
    def _set_registered(store: dict[str, Any], name: str, value: Any, kind: type,
                        what: str) -> None:
        if value is not None and not isinstance(value, kind):
            raise TypeError(
                f"cannot assign '{type(value).__name__}' as {what} '{name}' "
                f"(tg.nn.{kind.__name__} or None expected)"
            )
        store[name] = value

    def _forget(self, name: str, keep: str = "") -> None:
        """Remove ``name`` from every place an attribute can live but ``keep`` (where a
        reassignment then keeps its position, as in PyTorch)."""
        self.__dict__.pop(name, None)
        for key in ("_parameters", "_modules", "_buffers"):
            if key != keep:
                self.__dict__[key].pop(name, None)
        self._non_persistent_buffers.discard(name)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: look in the registries.
        store = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            registry = store.get(key)
            if registry is not None and name in registry:
                return registry[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for key in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(key, ()):
                del self.__dict__[key][name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        registered = [*self._parameters, *self._buffers, *self._modules]
        return sorted(set(super().__dir__()) | set(registered))

    def _check_new_name(self, name: str, kind: str, registry: str) -> None:
        _check_name(name, kind)
        if hasattr(self, name) and name not in self.__dict__[registry]:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or ``None``, a declared but absent parameter) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        self._check_new_name(name, "parameter", "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                            "(tg.nn.Parameter or None required)")
        self._forget(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a tensor that is state but not a parameter (saved in ``state_dict`` if
        ``persistent``)."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        self._check_new_name(name, "buffer", "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            "(tg.Tensor or None required)")
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a child module under ``name`` (the same as assigning the attribute)."""
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_new_name(name, "module", "_modules")
        self._forget(name)
        self._modules[name] = module

    register_module = add_module

    # ------------------------------------------------------------------ traversal

    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """Every module of the tree, this one first (pre-order), with dotted names.

        A module reachable by two paths is listed once, under its first name, unless
        ``remove_duplicate=False``.
        """
        seen = set() if memo is None else memo
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [(f"{name}.{key}" if name else key, child)
                        for key, child in module._modules.items() if child is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct children, each once, in registration order."""
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Tensor]]:
        owners = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else iter([(prefix, self)])
        seen: set[int] = set()
        for owner_name, owner in owners:
            for name, member in owner.__dict__[registry].items():
                if member is None or (remove_duplicate and id(member) in seen):
                    continue
                seen.add(id(member))
                yield (f"{owner_name}.{name}" if owner_name else name), member

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, parameter)`` pairs, in PyTorch's order: a module's own parameters in
        registration order, then each child's, depth first. A shared parameter is listed once."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)  # type: ignore[misc]

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self: M, fn: Callable[[Module], Any]) -> M:
        """Call ``fn`` on every submodule (children first) and then on this module."""
        for module in reversed(list(self.modules())):
            fn(module)
        return self

    # ------------------------------------------------------------------ modes and grads

    def train(self: M, mode: bool = True) -> M:
        """Set ``training`` on this module and every submodule; returns ``self``."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self: M) -> M:
        """The same as ``train(False)``."""
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient: to ``None`` (PyTorch 2's default), or to zeros."""
        for param in self.parameters():
            if set_to_none:
                param.grad = None
            elif param.grad is not None:
                param.grad.data[...] = 0

    def to(self: M, dtype: Any) -> M:
        """Convert every floating parameter and buffer to ``dtype`` (the objects stay the same)."""
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Module.to: only floating dtypes are supported, got {dtype}")
        for tensor in [*self.parameters(), *self.buffers()]:
            if tensor.dtype.kind == "f":
                tensor.data = tensor.data.astype(dtype)
                if tensor.grad is not None:
                    tensor.grad.data = tensor.grad.data.astype(dtype)
        return self

    def float(self: M) -> M:
        return self.to(np.float32)

    def double(self: M) -> M:
        return self.to(np.float64)

    # ------------------------------------------------------------------ state dicts

    def _named_state(self) -> Iterator[tuple[str, Tensor]]:
        """Every saved tensor under its key: each module's parameters, then its persistent
        buffers, then its children's, depth first; shared tensors appear under every name."""
        for owner_name, owner in self.named_modules(remove_duplicate=False):
            dot = f"{owner_name}." if owner_name else ""
            for name, param in owner._parameters.items():
                if param is not None:
                    yield dot + name, param
            for name, buffer in owner._buffers.items():
                if buffer is not None and name not in owner._non_persistent_buffers:
                    yield dot + name, buffer

    def state_dict(self, *, prefix: str = "", keep_vars: bool = False) -> dict[str, Any]:
        """Name → a copy of the array, for every parameter and persistent buffer.

        The keys are PyTorch's (``"0.weight"``, ``"0.bias"``, ...). With ``keep_vars=True``
        the values are the tensors themselves instead of copies of their arrays.
        """
        return {prefix + name: (tensor if keep_vars else tensor.data.copy())
                for name, tensor in self._named_state()}

    def load_state_dict(self, state_dict: Mapping[str, Any],
                        strict: bool = True) -> IncompatibleKeys:
        """Copy the values of ``state_dict`` into the existing arrays, in place.

        Values may be NumPy arrays, tensors, or anything ``np.asarray`` accepts (a CPU
        ``torch.Tensor``). A value of the wrong shape is always an error; a missing or
        unexpected key is one when ``strict``. On an error nothing is copied.
        """
        own = dict(self._named_state())
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        errors = [] if not strict else _key_errors(missing, unexpected)
        arrays = {}
        for key, tensor in own.items():
            if key in state_dict:
                arrays[key] = _state_array(state_dict[key], key)
                if arrays[key].shape != tensor.shape:
                    errors.append(
                        f"size mismatch for {key}: copying a param with shape {arrays[key].shape} "
                        f"from checkpoint, the shape in current model is {tensor.shape}."
                    )
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        for key, array in arrays.items():
            np.copyto(own[key].data, array, casting="unsafe")
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ printing

    def extra_repr(self) -> str:
        """One line describing this module's settings, shown inside its ``repr``."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        lines += [f"({name}): {_indent(repr(module))}" for name, module in self._modules.items()]
        if not self._modules and len(lines) <= 1:
            return f"{type(self).__name__}({extra})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


def _key_errors(missing: list[str], unexpected: list[str]) -> list[str]:
    errors = []
    if missing:
        errors.append(f"Missing key(s) in state_dict: {_quoted(missing)}.")
    if unexpected:
        errors.append(f"Unexpected key(s) in state_dict: {_quoted(unexpected)}.")
    return errors


def _quoted(keys: list[str]) -> str:
    return ", ".join(f'"{key}"' for key in keys)


# --------------------------------------------------------------------------- containers


def _index(index: int, length: int, container: str) -> int:
    index = int(index)
    if not -length <= index < length:
        raise IndexError(f"{container}: index {index} is out of range for length {length}")
    return index % length


class Sequential(Module):
    """Modules applied one after another: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    The children are named ``"0"``, ``"1"``, ... (or by the keys of one ``dict`` given
    instead). Indexing by an int (negative too) gives a module; by a slice, a ``Sequential``
    that keeps the original names, as PyTorch's.
    """

    def __init__(self, *modules: Module | Mapping[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(modules):
                self.add_module(str(i), module)  # type: ignore[arg-type]

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> Sequential: ...

    def __getitem__(self, index: int | slice) -> Module | Sequential:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(dict(items[index]))
        return items[_index(index, len(items), "Sequential")][1]

    def __setitem__(self, index: int, module: Module) -> None:
        key = list(self._modules)[_index(index, len(self), "Sequential")]
        setattr(self, key, module)

    def __delitem__(self, index: int | slice) -> None:
        keys = list(self._modules)
        if isinstance(index, slice):
            doomed = keys[index]
        else:
            doomed = [keys[_index(index, len(keys), "Sequential")]]
        for key in doomed:
            del self._modules[key]
        # renumber, as PyTorch does, so that appending continues the numbering
        self.__dict__["_modules"] = {str(i): m for i, m in enumerate(self._modules.values())}

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())  # type: ignore[arg-type]

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; returns ``self``."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Sequential:
        for module in modules:
            self.append(module)
        return self


class ModuleList(Module):
    """A list of modules that registers them (so their parameters are found), as PyTorch's.

    Children are named ``"0"``, ``"1"``, ...; a slice gives a new ``ModuleList``.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> ModuleList: ...

    def __getitem__(self, index: int | slice) -> Module | ModuleList:
        values = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(values[index])  # type: ignore[arg-type]
        return values[_index(index, len(values), "ModuleList")]  # type: ignore[return-value]

    def __setitem__(self, index: int, module: Module) -> None:
        setattr(self, str(_index(index, len(self), "ModuleList")), module)

    def __delitem__(self, index: int | slice) -> None:
        values = list(self._modules.values())
        if isinstance(index, slice):
            del values[index]
        else:
            del values[_index(index, len(values), "ModuleList")]
        self.__dict__["_modules"] = {str(i): m for i, m in enumerate(values)}

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())  # type: ignore[arg-type]

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def append(self, module: Module) -> ModuleList:
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        if isinstance(modules, Module) and not isinstance(modules, (ModuleList, Sequential)):
            raise TypeError("ModuleList.extend should be called with an iterable of modules, "
                            f"got {type(modules).__name__}")
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        values = list(self._modules.values())
        values.insert(index, module)
        self.__dict__["_modules"] = {}
        for m in values:
            self.append(m)  # type: ignore[arg-type]
