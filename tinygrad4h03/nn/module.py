"""module.py: ``Module`` and ``Parameter``, and the containers ``Sequential`` and ``ModuleList``.

Shaped like PyTorch's ``torch.nn.Module``: assigning a ``Parameter`` or a ``Module`` to an
attribute registers it (in ``__setattr__``, into ordered dicts), so that
``named_parameters()`` can list every weight of a model under a dotted name such as
``"0.weight"`` — the same names, in the same order, as the equivalent PyTorch model. That is
what lets a ``state_dict`` move between the two frameworks.
"""

from __future__ import annotations

import itertools
import operator
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

import numpy as np

from ..autograd import increment_version
from ..devices import available_device, to_arguments
from ..engine import RemovableHandle
from ..tensor import Tensor

M = TypeVar("M", bound="Module")


# --------------------------------------------------------------------------- Parameter


class Parameter(Tensor):
    """A tensor that is a module's weight: a leaf with ``requires_grad=True``.

    Assigning one to a ``Module`` attribute registers it, so that ``parameters()`` and the
    optimisers find it. ``Parameter(data)`` takes a ``Tensor``, a NumPy array or nested lists.
    A floating NumPy array (or a tensor's array) is *shared*, not copied, as
    ``torch.nn.Parameter`` shares storage; its dtype is kept (``float64`` stays ``float64``).
    Python floats and lists become ``float32``. Only floating data can require gradients.

    Args:
        data: the values; ``None`` gives an empty ``float32`` parameter.
        requires_grad: whether autograd accumulates ∂ℰ/∂(this) into ``.grad``.

    Raises:
        TypeError: for integer or boolean data.

    Examples:
        >>> w = nn.Parameter(np.zeros(2, dtype=np.float32))
        >>> w
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
        >>> w.is_leaf, w.dtype
        (True, dtype('float32'))
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
        array = data.numpy()
    elif isinstance(data, np.ndarray):
        array = data
    else:
        array = Tensor(data).numpy()  # Python numbers and lists, with Tensor's dtype rules
    if array.dtype.kind != "f":
        raise TypeError(
            f"Parameter: only floating-point data can require gradients, got dtype {array.dtype}; "
            "convert it first, e.g. with .astype(np.float32)"
        )
    return array if array.flags.writeable else array.copy()


# --------------------------------------------------------------------------- helpers


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it missed and the keys it did not expect.

    A named tuple ``(missing_keys, unexpected_keys)`` of two lists of keys; both are empty when
    every key matched (its repr says so then, as PyTorch's).

    Examples:
        >>> nn.Linear(2, 1).load_state_dict({"weight": np.zeros((1, 2))}, strict=False)
        IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])
    """

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


def _state_array(value: Any, key: str) -> np.ndarray | str:
    """A state-dict value as an array (our tensors, NumPy arrays, torch tensors even when they
    require grad, nested lists), or the reason it cannot be one."""
    if not isinstance(value, Tensor) and callable(getattr(value, "detach", None)):
        value = value.detach()  # a torch tensor that requires grad refuses np.asarray
    try:
        array = np.asarray(value)
    except (ValueError, TypeError, RuntimeError) as error:
        return f'While copying the parameter named "{key}", could not read the value: {error}'
    if array.dtype.kind not in "biuf":
        return (
            f'While copying the parameter named "{key}", expected a tensor or an array of '
            f"numbers from checkpoint but received {type(value).__name__} of dtype "
            f"{array.dtype}"
        )
    return array


# --------------------------------------------------------------------------- Module


_HOOK_IDS = itertools.count()  # keys of forward hooks (a handle removes its own)


class Module:
    """The base class of every layer and model, as ``torch.nn.Module``.

    Subclasses call ``super().__init__()`` first, assign their layers and ``Parameter``s as
    attributes, and define ``forward``; calling the module calls ``forward``. Every assigned
    ``Parameter``, child ``Module`` and registered buffer is found by ``parameters()``,
    ``state_dict()``, ``to()``, ``zero_grad()`` ... under a dotted name, as in PyTorch.

    Attributes:
        training: ``True`` after construction and ``train()``, ``False`` after ``eval()``.

    Examples:
        >>> class TwoLayer(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden, self.out = nn.Linear(3, 4), nn.Linear(4, 2)
        ...     def forward(self, x):
        ...         return self.out(self.hidden(x).sigmoid())
        >>> model = TwoLayer()
        >>> model(tg.ones(5, 3)).shape
        (5, 2)
        >>> [name for name, _ in model.named_parameters()]
        ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", {})

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it. Call the module, not ``forward``.

        ``module(x)`` calls ``module.forward(x)``, between the hooks registered with
        ``register_forward_pre_hook`` and ``register_forward_hook``.

        Raises:
            NotImplementedError: when a subclass does not define it.

        Examples:
            >>> nn.Identity().forward(tg.tensor([1.0, 2.0]))
            tensor([1., 2.])
        """
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        hooks = self.__dict__.get("_forward_hooks")
        if not hooks:
            return self.forward(*args, **kwargs)
        for hook in list(hooks["pre"].values()):
            changed = hook(self, args)
            if changed is not None:
                args = changed if isinstance(changed, tuple) else (changed,)
        result = self.forward(*args, **kwargs)
        for hook in list(hooks["post"].values()):
            changed = hook(self, args, result)
            result = result if changed is None else changed
        return result

    def register_forward_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, args)`` before every ``forward``, as PyTorch; what it
        returns (if not ``None``) replaces the positional arguments.

        Examples:
            >>> layer = nn.Identity()
            >>> handle = layer.register_forward_pre_hook(lambda m, args: args[0] * 10)
            >>> layer(tg.tensor([1.0])), handle.remove(), layer(tg.tensor([1.0]))
            (tensor([10.]), None, tensor([1.]))
        """
        return self._add_forward_hook("pre", hook)

    def register_forward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after every ``forward``, as PyTorch; what it
        returns (if not ``None``) replaces the output. ``handle.remove()`` takes it off.

        Examples:
            >>> seen = []
            >>> layer = nn.Linear(3, 2)
            >>> handle = layer.register_forward_hook(lambda m, args, out: seen.append(out.shape))
            >>> _ = layer(tg.ones(4, 3)); seen
            [(4, 2)]
        """
        return self._add_forward_hook("post", hook)

    def _add_forward_hook(self, when: str, hook: Callable[..., Any]) -> RemovableHandle:
        hooks = self.__dict__.setdefault("_forward_hooks", {"pre": {}, "post": {}})
        key = next(_HOOK_IDS)
        hooks[when][key] = hook
        return RemovableHandle(hooks[when], key)

    # ------------------------------------------------------------------ registration

    def __setattr__(self, name: str, value: Any) -> None:
        store = self.__dict__
        params, modules, buffers = (store.get(k) for k in ("_parameters", "_modules", "_buffers"))
        # PyTorch's order: a name declared as a parameter only takes a Parameter (or None)
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, keep="_parameters")
            params[name] = value
        elif params is not None and name in params:
            self._set_registered(params, name, value, Parameter, "parameter")
        elif isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep="_modules")
            modules[name] = value
        elif modules is not None and name in modules:
            self._set_registered(modules, name, value, Module, "child module")
        elif buffers is not None and name in buffers:
            self._set_registered(buffers, name, value, Tensor, "buffer")
        else:
            object.__setattr__(self, name, value)

    @staticmethod
    def _set_registered(
        store: dict[str, Any], name: str, value: Any, kind: type, what: str
    ) -> None:
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
        """Register ``param`` (or ``None``, a declared but absent parameter) under ``name``.

        The same as assigning ``self.name = param`` for a ``Parameter``; only this form can
        declare an absent one (``None``), as ``Linear(..., bias=False)`` does for ``bias``.

        Raises:
            KeyError: for an empty name, a name with a ``"."`` or one already used otherwise.
            TypeError: when ``param`` is neither a ``Parameter`` nor ``None``.

        Examples:
            >>> m = nn.Module()
            >>> m.register_parameter("scale", nn.Parameter([2.0]))
            >>> [name for name, _ in m.named_parameters()]
            ['scale']
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        self._check_new_name(name, "parameter", "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(tg.nn.Parameter or None required)"
            )
        self._forget(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register ``tensor`` under ``name`` as state that is not a parameter.

        It is saved in ``state_dict`` only if ``persistent``. A buffer is moved by ``to()``
        and listed by ``buffers()`` but not by ``parameters()``, so no optimiser updates it
        (the losses keep their class ``weight`` as one).

        Examples:
            >>> m = nn.Module()
            >>> m.register_buffer("running_mean", tg.zeros(3))
            >>> list(m.state_dict()), list(m.parameters())
            (['running_mean'], [])
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        self._check_new_name(name, "buffer", "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                "(tg.Tensor or None required)"
            )
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a child module under ``name`` (the same as assigning the attribute).

        Useful for names that are not identifiers, such as the ``"0"``, ``"1"``, ... of
        ``Sequential``; ``register_module`` is the same method.

        Examples:
            >>> m = nn.Module()
            >>> m.add_module("0", nn.Linear(2, 1))
            >>> list(m.state_dict())
            ['0.weight', '0.bias']
        """
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_new_name(name, "module", "_modules")
        self._forget(name)
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        """The submodule at the dotted path ``target`` (``""`` is this module), as PyTorch's.

        Raises:
            AttributeError: naming the missing name, or a name that is not a module.

        Examples:
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU()))
            >>> net.get_submodule("1.0")
            ReLU()
        """
        module: Module = self
        for name in target.split(".") if target else []:
            if name not in module._modules or module._modules[name] is None:
                if hasattr(module, name):
                    raise AttributeError(f"`{name}` is not an nn.Module")
                raise AttributeError(f"{type(module).__name__} has no attribute `{name}`")
            module = module._modules[name]
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at the dotted path ``target`` (``"0.weight"``), as PyTorch's.

        Raises:
            AttributeError: when the path does not lead to a parameter.

        Examples:
            >>> nn.Sequential(nn.Linear(2, 3)).get_parameter("0.bias").shape
            (3,)
        """
        return self._get_member(target, "_parameters", "nn.Parameter")

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at the dotted path ``target``, as PyTorch's.

        Raises:
            AttributeError: when the path does not lead to a buffer.

        Examples:
            >>> nn.Sequential(nn.BatchNorm1d(3)).get_buffer("0.running_mean").shape
            (3,)
        """
        return self._get_member(target, "_buffers", "buffer")

    def _get_member(self, target: str, registry: str, kind: str) -> Any:
        path, _, name = target.rpartition(".")
        owner = self.get_submodule(path)
        if name not in owner.__dict__[registry]:
            raise AttributeError(f"`{name}` is not a {kind} of {type(owner).__name__}")
        return owner.__dict__[registry][name]

    # ------------------------------------------------------------------ traversal

    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """Every module of the tree, this one first (pre-order), with dotted names.

        A module reachable by two paths is listed once, under its first name, unless
        ``remove_duplicate=False``. This module's own name is ``prefix`` (``""`` by default).

        Args:
            memo: ids of modules to skip (and to add the listed ones to).
            prefix: prepended to every name.
            remove_duplicate: list a shared module only once.

        Examples:
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
            >>> [name for name, _ in net.named_modules()]
            ['', '0', '1']
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
            children = [
                (f"{name}.{key}" if name else key, child)
                for key, child in module._modules.items()
                if child is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """Every module of the tree, this one first; ``named_modules()`` without the names.

        Examples:
            >>> [type(m).__name__ for m in nn.Sequential(nn.Linear(2, 3), nn.ReLU()).modules()]
            ['Sequential', 'Linear', 'ReLU']
        """
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct children as ``(name, module)`` pairs, each once, in registration order.

        Examples:
            >>> [name for name, _ in nn.Sequential(nn.Linear(2, 3), nn.ReLU()).named_children()]
            ['0', '1']
        """
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct children (not grandchildren), each once, in registration order.

        Examples:
            >>> [type(m).__name__ for m in nn.Sequential(nn.Linear(2, 3), nn.ReLU()).children()]
            ['Linear', 'ReLU']
        """
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:  # Parameters or buffers, by registry
        owners = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else iter([(prefix, self)])
        )
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
        """``(dotted name, parameter)`` pairs, in PyTorch's order.

        A module's own parameters come in registration order, then each child's, depth first.
        A shared parameter is listed once.

        Args:
            prefix: prepended to every name (with a ``"."``).
            recurse: include the submodules' parameters; ``False`` lists only this module's.
            remove_duplicate: list a shared parameter only once.

        Examples:
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> [(name, p.shape) for name, p in net.named_parameters()]
            [('0.weight', (3, 2)), ('0.bias', (3,)), ('2.weight', (1, 3)), ('2.bias', (1,))]
        """
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every ``Parameter`` of the tree, in ``named_parameters()`` order (an optimiser's input).

        Examples:
            >>> sum(p.numel() for p in nn.Linear(25, 20).parameters())  # 20·25 + 20
            520
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """``(dotted name, buffer)`` pairs, in the order of ``named_parameters()``.

        Buffers are tensors registered with ``register_buffer``: state that no optimiser
        changes (a loss's class weights, for instance).

        Examples:
            >>> loss_fn = nn.CrossEntropyLoss(weight=[1.0, 2.0])
            >>> [(name, b.tolist()) for name, b in loss_fn.named_buffers()]
            [('weight', [1.0, 2.0])]
        """
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer of the tree; ``named_buffers()`` without the names.

        Examples:
            >>> list(nn.Linear(2, 1).buffers())
            []
        """
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self: M, fn: Callable[[Module], Any]) -> M:
        """Call ``fn`` on every submodule, children first, then on this module; returns ``self``.

        The usual way to re-initialise a model's weights. The order is PyTorch's: each child's
        whole subtree in registration order (depth first), then the module itself; a module
        registered under two parents is visited once per parent, as in PyTorch.

        Examples:
            >>> def init_weights(m):
            ...     if isinstance(m, nn.Linear):
            ...         nn.init.zeros_(m.weight)
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.Tanh()).apply(init_weights)
            >>> float(net[0].weight.abs().sum())
            0.0
        """
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ modes and grads

    def train(self: M, mode: bool = True) -> M:
        """Set ``training`` on this module and every submodule; returns ``self``.

        No layer here behaves differently in training (there is no dropout or batch norm); the
        flag is kept for PyTorch-style code and for user modules that read it.

        Raises:
            ValueError: when ``mode`` is not a ``bool``.

        Examples:
            >>> net = nn.Sequential(nn.Linear(2, 1)).train(False)
            >>> net.training, net[0].training
            (False, False)
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self: M) -> M:
        """The same as ``train(False)``; returns ``self``.

        Examples:
            >>> nn.Linear(2, 1).eval().training
            False
        """
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        """Set ``requires_grad`` on every parameter, to freeze or unfreeze them; returns ``self``.

        Examples:
            >>> layer = nn.Linear(2, 1).requires_grad_(False)
            >>> [p.requires_grad for p in layer.parameters()]
            [False, False]
        """
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient: to ``None`` (PyTorch 2's default), or to zeros.

        Gradients accumulate (``.grad += ∂ℰ/∂W`` on each ``backward``), so a training loop
        calls this before each backward pass. With ``set_to_none=False`` an existing ``.grad``
        is zeroed in place and a missing one stays ``None``.

        Examples:
            >>> layer = nn.Linear(2, 1)
            >>> layer(tg.ones(1, 2)).sum().backward()
            >>> layer.weight.grad
            tensor([[1., 1.]])
            >>> layer.zero_grad()
            >>> layer.weight.grad is None
            True
        """
        for param in self.parameters():
            if set_to_none:
                param.grad = None
            elif param.grad is not None:
                param.grad.numpy()[...] = 0

    def to(self: M, *args: Any, **kwargs: Any) -> M:
        """Move and/or cast every parameter and buffer, in place; returns ``self``.

        As ``torch.nn.Module.to``: ``to(device)``, ``to(dtype)``, ``to(device, dtype)``,
        ``to(tensor)`` (its dtype) and the keywords ``device=``, ``dtype=``, ``non_blocking=``.
        The only device is the CPU. A dtype applies to floating parameters and buffers (integer
        buffers such as ``num_batches_tracked`` stay); the ``Parameter`` objects stay the same
        and existing gradients are cast too.

        Raises:
            TypeError: for a non-floating dtype.
            DeviceUnavailableError: for any device but the CPU.

        Examples:
            >>> nn.Linear(2, 1).to(np.float64).weight.dtype
            dtype('float64')
            >>> nn.Linear(2, 1).to("cpu", dtype=tg.float16).bias.dtype
            dtype('float16')
        """
        dtype, _ = to_arguments(args, kwargs, Tensor, "Module.to")
        if dtype is None:
            return self
        if dtype.kind != "f":
            raise TypeError(
                f"Module.to only accepts floating point dtypes, but got desired dtype={dtype}"
            )
        for tensor in [*self.parameters(), *self.buffers()]:
            if tensor.dtype.kind == "f" and tensor.dtype != dtype:
                tensor.data = tensor.numpy().astype(dtype)
                if tensor.grad is not None:
                    tensor.grad = Tensor(tensor.grad.numpy().astype(dtype))
        return self

    def cpu(self: M) -> M:
        """Move every parameter and buffer to the CPU, where they already are; returns ``self``.

        Examples:
            >>> layer = nn.Linear(2, 1)
            >>> layer.cpu() is layer
            True
        """
        return self

    def cuda(self: M, device: Any = None) -> M:
        """Move to a CUDA GPU: raises ``DeviceUnavailableError`` (this package is CPU-only).

        Examples:
            >>> nn.Linear(2, 1).cuda()
            Traceback (most recent call last):
            ...
            tinygrad4h03.devices.DeviceUnavailableError: cuda: device 'cuda' is not available...
        """
        available_device("cuda" if device is None else f"cuda:{int(device)}", "cuda")
        return self

    def half(self: M) -> M:
        """``to(tg.float16)``: every floating parameter and buffer to half precision.

        Examples:
            >>> nn.Linear(2, 1).half().weight.dtype
            dtype('float16')
        """
        return self.to(np.float16)

    def float(self: M) -> M:
        """``to(np.float32)``: every floating parameter and buffer to single precision.

        Examples:
            >>> nn.Linear(2, 1, dtype=np.float64).float().weight.dtype
            dtype('float32')
        """
        return self.to(np.float32)

    def double(self: M) -> M:
        """``to(np.float64)``: every floating parameter and buffer to double precision.

        Gradient checks want it: finite differences in ``float32`` are too coarse.

        Examples:
            >>> nn.Linear(2, 1).double().bias.dtype
            dtype('float64')
        """
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

    def state_dict(
        self,
        *,
        destination: dict[str, Any] | None = None,
        prefix: str = "",
        keep_vars: bool = False,
    ) -> dict[str, Any]:
        """Name → tensor, for every parameter and persistent buffer, as PyTorch's.

        The keys are PyTorch's (``"0.weight"``, ``"0.bias"``, ...) in PyTorch's order and the
        values have PyTorch's shapes, so weights move both ways. Each value is a detached
        tensor *sharing memory* with the parameter (as in PyTorch): it does not require grad,
        and it changes when the model trains — copy it (``{k: v.clone() ...}`` or
        ``copy.deepcopy``) to keep a snapshot. ``np.asarray(value)`` gives the array.

        Args:
            destination: a dict to fill and return instead of a new ``OrderedDict``.
            prefix: prepended to every key.
            keep_vars: give the parameters themselves (in the graph) instead of detached views.

        Examples:
            >>> sd = nn.Sequential(nn.Linear(25, 20), nn.ReLU(), nn.Linear(20, 5)).state_dict()
            >>> [(key, value.shape) for key, value in sd.items()]
            [('0.weight', (20, 25)), ('0.bias', (20,)), ('2.weight', (5, 20)), ('2.bias', (5,))]
            >>> sd["0.bias"].requires_grad
            False
        """
        out: dict[str, Any] = OrderedDict() if destination is None else destination
        for name, tensor in self._named_state():
            out[prefix + name] = tensor if keep_vars else tensor.detach()
        return out

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> IncompatibleKeys:
        """Copy the values of ``state_dict`` into the parameters and buffers, in place.

        Values may be our tensors, NumPy arrays, nested lists, or PyTorch tensors (also ones
        that require grad); they are cast to each parameter's dtype. A value of the wrong shape
        or one that is not numeric is always an error naming its key; a missing or unexpected
        key is one when ``strict``. On an error nothing is copied. With ``assign=True`` each
        parameter takes the loaded values' memory and dtype instead of a copy.

        Returns:
            An ``IncompatibleKeys`` named tuple ``(missing_keys, unexpected_keys)``.

        Raises:
            TypeError: when ``state_dict`` is not a mapping (a dict, an ``OrderedDict``...).
            RuntimeError: for a bad value or shape, or for missing or unexpected keys if
                ``strict``; the message lists every problem.

        Examples:
            >>> a, b = nn.Linear(3, 2), nn.Linear(3, 2)
            >>> a.load_state_dict(b.state_dict())
            <All keys matched successfully>
            >>> np.array_equal(a.weight, b.weight)
            True
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"Expected state_dict to be dict-like, got {type(state_dict).__name__}."
            )
        own = dict(self._named_state())
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        errors = _key_errors(missing, unexpected) if strict else []
        arrays = _checked_arrays(own, state_dict, errors)
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        for key, array in arrays.items():
            _load_into(own[key], array, assign)
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ printing

    def extra_repr(self) -> str:
        """One line describing this module's settings, shown inside its ``repr``.

        Subclasses override it (``Linear`` gives its sizes); the base class returns ``""``.

        Examples:
            >>> nn.Linear(3, 2).extra_repr()
            'in_features=3, out_features=2, bias=True'
        """
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


def _checked_arrays(
    own: dict[str, Tensor], state_dict: Mapping[str, Any], errors: list[str]
) -> dict[str, np.ndarray]:
    """The loadable value of every known key; the problems are appended to ``errors``."""
    arrays = {}
    for key, tensor in own.items():
        if key not in state_dict:
            continue
        array = _state_array(state_dict[key], key)
        if isinstance(array, str):
            errors.append(array)
        elif array.shape != tensor.shape:
            errors.append(
                f"size mismatch for {key}: copying a param with shape {array.shape} "
                f"from checkpoint, the shape in current model is {tensor.shape}."
            )
        else:
            arrays[key] = array
    return arrays


def _load_into(tensor: Tensor, array: np.ndarray, assign: bool) -> None:
    if assign:
        tensor.data = np.array(array, copy=True)
    else:
        np.copyto(tensor.numpy(), array, casting="unsafe")
        increment_version(tensor)


# --------------------------------------------------------------------------- containers


def _index(index: Any, length: int, container: str) -> int:
    index = operator.index(index)
    if not -length <= index < length:
        raise IndexError(f"{container}: index {index} is out of range for length {length}")
    return index % length


class _ModuleSequence(Module):
    """What ``Sequential`` and ``ModuleList`` share: children named ``"0"``, ``"1"``, ...,
    indexing (an int or a slice), deleting (which renumbers), ``append``, ``extend``,
    ``insert``, ``pop``, ``+`` and ``len``/``iter``."""

    def _from_items(self, items: list[tuple[str, Module]]) -> _ModuleSequence:
        raise NotImplementedError  # a slice's result: each container builds its own

    def _renumber(self, modules: Iterable[Module]) -> None:
        self.__dict__["_modules"] = {str(i): m for i, m in enumerate(modules)}

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> _ModuleSequence: ...

    def __getitem__(self, index: int | slice) -> Module | _ModuleSequence:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return self._from_items(items[index])
        return items[_index(index, len(items), type(self).__name__)][1]

    def __setitem__(self, index: int, module: Module) -> None:
        key = list(self._modules)[_index(index, len(self), type(self).__name__)]
        setattr(self, key, module)

    def __delitem__(self, index: int | slice) -> None:
        modules = list(self._modules.values())
        if isinstance(index, slice):
            del modules[index]
        else:
            del modules[_index(index, len(modules), type(self).__name__)]
        self._renumber(modules)  # as PyTorch, so that appending continues the numbering

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __add__(self, other: Any) -> _ModuleSequence:
        if not isinstance(other, type(self)):
            raise TypeError(
                f"add operator supports only objects of {type(self).__name__} "
                f"class, but {type(other).__name__} is given."
            )
        combined = self._from_items([])
        return combined.extend([*self, *other])

    def __iadd__(self, modules: Any) -> _ModuleSequence:
        return self.extend(modules)

    def append(self, module: Module) -> _ModuleSequence:
        """Add ``module`` at the end (named ``str(len(self))``); returns ``self``.

        Raises:
            TypeError: when ``module`` is not a ``Module``.
        """
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> _ModuleSequence:
        """``append`` each module of the iterable ``modules`` in turn; returns ``self``.

        Raises:
            TypeError: for a single module that is not a container.
        """
        if isinstance(modules, Module) and not isinstance(modules, _ModuleSequence):
            raise TypeError(
                f"{type(self).__name__}.extend should be called with an iterable "
                f"of modules, got {type(modules).__name__}"
            )
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> Any:
        """Insert ``module`` before position ``index`` (negative counts from the end), renumbering.

        Returns ``self`` for a ``Sequential`` and ``None`` for a ``ModuleList``, as PyTorch.

        Raises:
            IndexError: for an index outside ``[-len, len]``.
            TypeError: when ``module`` is not a ``Module``.
        """
        if not isinstance(module, Module):
            raise TypeError(
                f"{type(self).__name__}.insert: {type(module).__name__} is not a Module subclass"
            )
        length = len(self)
        if not -length <= operator.index(index) <= length:
            raise IndexError(
                f"{type(self).__name__}.insert: index {index} is out of range for length {length}"
            )
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._renumber(modules)
        return self if isinstance(self, Sequential) else None

    def pop(self, index: int) -> Module:
        """Remove the module at ``index``, renumber the rest, and return it."""
        module = self[index]
        del self[index]
        return module


class Sequential(_ModuleSequence):
    """Modules applied one after another: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    The children are named ``"0"``, ``"1"``, ... (or by the keys of one ``dict`` given
    instead). Indexing by an int (negative too) gives a module; by a slice, a ``Sequential``
    that keeps the original names, as PyTorch's. ``append``, ``extend``, ``insert``, ``pop``,
    ``del`` and ``+`` work as on PyTorch's (deleting and inserting renumber). With ``Linear``
    and activation layers it is the lecture's network: each layer computes v = W y + b and
    then y = φ(v).

    Examples:
        >>> net = nn.Sequential(nn.Linear(25, 20), nn.Sigmoid(), nn.Linear(20, 5))
        >>> net(tg.ones(4, 25)).shape
        (4, 5)
        >>> len(net), type(net[-1]).__name__, len(net[:2])
        (3, 'Linear', 2)
        >>> _ = net.insert(1, nn.Dropout(0.1)); [type(m).__name__ for m in net]
        ['Linear', 'Dropout', 'Sigmoid', 'Linear']
    """

    def __init__(self, *modules: Module | Mapping[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, child in modules[0].items():
                self.add_module(name, child)
        else:
            for i, layer in enumerate(modules):
                self.add_module(str(i), layer)  # type: ignore[arg-type]  # add_module rejects a Mapping

    def _from_items(self, items: list[tuple[str, Module]]) -> Sequential:
        return Sequential(dict(items))

    def forward(self, x: Any) -> Any:
        """Apply the children in order, each to the previous one's output.

        Examples:
            >>> nn.Sequential(nn.ReLU(), nn.Tanh())(tg.tensor([-1.0, 0.0])).tolist()
            [0.0, 0.0]
        """
        for module in self._modules.values():
            x = module(x)
        return x


class ModuleList(_ModuleSequence):
    """A list of modules that registers them (so their parameters are found), as PyTorch's.

    Children are named ``"0"``, ``"1"``, ...; a slice gives a new, renumbered ``ModuleList``.
    Unlike ``Sequential`` it has no ``forward``: the owner decides how to use the layers. A
    plain Python list would hide the layers' parameters from ``parameters()`` and
    ``state_dict()``. Its repr groups repeated identical layers, as PyTorch's.

    Args:
        modules: the initial modules (none by default).

    Examples:
        >>> layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
        >>> len(layers), len(list(layers.parameters()))
        (3, 6)
        >>> list(layers.state_dict())[:2]
        ['0.weight', '0.bias']
        >>> layers
        ModuleList(
          (0-2): 3 x Linear(in_features=4, out_features=4, bias=True)
        )
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _from_items(self, items: list[tuple[str, Module]]) -> ModuleList:
        return ModuleList(module for _, module in items)

    def __repr__(self) -> str:
        lines, names = [], list(self._modules)
        for start, stop in _runs([repr(m) for m in self._modules.values()]):
            label = names[start] if stop - start == 1 else f"{names[start]}-{names[stop - 1]}"
            count = "" if stop - start == 1 else f"{stop - start} x "
            lines.append(f"({label}): {count}{_indent(repr(self._modules[names[start]]))}")
        if not lines:
            return "ModuleList()"
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"


def _runs(texts: list[str]) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of each run of equal consecutive texts."""
    start = 0
    for i in range(1, len(texts) + 1):
        if i == len(texts) or texts[i] != texts[start]:
            yield start, i
            start = i


class ModuleDict(Module):
    """A dict of modules that registers them under their keys, as PyTorch's ``nn.ModuleDict``.

    Keys are strings without ``"."`` that are not attribute names of the dict (``"keys"`` is
    refused, as in PyTorch); the order is the insertion order. ``d[key]``, ``d[key] = m``,
    ``del d[key]``, ``in``, ``len``, iteration over the keys, ``keys()``, ``values()``,
    ``items()``, ``update()``, ``pop()`` and ``clear()`` work as on a dict.

    Args:
        modules: a mapping or an iterable of ``(key, module)`` pairs.

    Examples:
        >>> heads = nn.ModuleDict({"digit": nn.Linear(8, 10), "parity": nn.Linear(8, 2)})
        >>> heads["parity"](tg.ones(1, 8)).shape
        (1, 2)
        >>> list(heads.state_dict())
        ['digit.weight', 'digit.bias', 'parity.weight', 'parity.bias']
    """

    def __init__(
        self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
    ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        """The keys, in insertion order."""
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        """The ``(key, module)`` pairs, in insertion order."""
        return self._modules.items()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace modules from a mapping or from ``(key, module)`` pairs.

        Raises:
            TypeError: for anything else; ValueError: for a pair that is not of length 2.
        """
        if isinstance(modules, Module) and not isinstance(modules, ModuleDict):
            raise TypeError(
                "ModuleDict.update should be called with a mapping or an iterable "
                f"of key/module pairs, but got {type(modules).__name__}"
            )
        pairs = modules.items() if isinstance(modules, (Mapping, ModuleDict)) else modules
        for number, pair in enumerate(pairs):
            if not isinstance(pair, (tuple, list)):
                raise TypeError(
                    f"ModuleDict.update: element #{number} should be a (key, module) "
                    f"pair, got {type(pair).__name__}"
                )
            if len(pair) != 2:
                raise ValueError(
                    f"ModuleDict.update: element #{number} has length {len(pair)}; 2 is required"
                )
            self[pair[0]] = pair[1]

    def pop(self, key: str) -> Module:
        """Remove the module under ``key`` and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every module."""
        self._modules.clear()
