"""devices.py: ``tg.device`` and the default device, so that device-generic PyTorch code runs.

There is one device, the CPU (NumPy). ``tg.device("cuda")`` can be *named*, as in PyTorch,
but asking for memory there — ``tg.zeros(2, device="cuda")``, ``t.to("cuda")``,
``t.cuda()`` — raises ``DeviceUnavailableError`` naming the device. ``tg.cuda``,
``tg.backends.mps`` and ``tg.accelerator`` answer the usual availability questions with
"no", so the idiom ``device = "cuda" if tg.cuda.is_available() else "cpu"`` picks the CPU.
"""

from __future__ import annotations

from typing import Any

import numpy as np

DeviceLike = Any  # a tg.device, a string such as "cpu" or "cuda:0", or None

# the device types PyTorch knows; only "cpu" is available here
_KNOWN_TYPES = [
    "cpu",
    "cuda",
    "ipu",
    "xpu",
    "mkldnn",
    "opengl",
    "opencl",
    "ideep",
    "hip",
    "ve",
    "fpga",
    "maia",
    "xla",
    "lazy",
    "vulkan",
    "mps",
    "meta",
    "hpu",
    "mtia",
    "privateuseone",
]


class DeviceUnavailableError(RuntimeError, AssertionError):
    """Asking for memory on a device that this CPU-only package does not have.

    A ``RuntimeError``, and also an ``AssertionError`` (what PyTorch built without CUDA raises).

    Examples:
        >>> tg.zeros(2, device="cuda")
        Traceback (most recent call last):
        ...
        tinygrad4h03.devices.DeviceUnavailableError: zeros: device 'cuda' is not available ...
    """


class device:
    """A device name, as ``torch.device``: a ``type`` (``"cpu"``, ``"cuda"``...) and an ``index``.

    ``device("cuda:1")``, ``device("cuda", 1)`` and ``device(other_device)`` work; naming a
    device is always allowed, only putting tensors there fails (on anything but the CPU).

    Args:
        type: a device type, optionally with ``":index"``; or a ``device``.
        index: the device's number, or ``None``.

    Raises:
        RuntimeError: for an unknown type, a malformed string or a negative index.

    Examples:
        >>> tg.device("cpu")
        device(type='cpu')
        >>> d = tg.device("cuda:1")
        >>> d.type, d.index, str(d)
        ('cuda', 1, 'cuda:1')
    """

    __slots__ = ("_index", "_type")
    _type: str
    _index: int | None

    def __init__(self, type: Any, index: int | None = None) -> None:
        if isinstance(type, device):
            if index is not None:
                raise RuntimeError("device: a device object takes no separate index")
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            # PyTorch reads a bare number as an accelerator's index; there is no accelerator
            raise RuntimeError(
                f"device({type}): cannot access accelerator device when none is "
                "available; use tg.device('cpu')"
            )
        elif not isinstance(type, str):
            raise TypeError(f"device: expected a string or a device, got {type!r}")
        else:
            type, index = _parse(type, index)
        object.__setattr__(self, "_type", type)
        object.__setattr__(self, "_index", index)

    @property
    def type(self) -> str:
        """The device type, e.g. ``"cpu"``."""
        return self._type

    @property
    def index(self) -> int | None:
        """The device number, or ``None`` when not given."""
        return self._index

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"device: attribute '{name}' is read-only")

    def __repr__(self) -> str:
        if self._index is None:
            return f"device(type='{self._type}')"
        return f"device(type='{self._type}', index={self._index})"

    def __str__(self) -> str:
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __eq__(self, other: object) -> bool:
        # as PyTorch: equal only to a device of the same type and index (never to a string)
        if not isinstance(other, device):
            return False
        return (self._type, self._index) == (other._type, other._index)

    def __hash__(self) -> int:
        return hash((self._type, self._index))

    def __reduce__(self) -> tuple[Any, ...]:
        return (device, (self._type, self._index))


def _parse(text: str, index: int | None) -> tuple[str, int | None]:
    name, colon, number = text.partition(":")
    if name not in _KNOWN_TYPES:
        raise RuntimeError(
            f"Expected one of {', '.join(_KNOWN_TYPES)} device type at start of device string: "
            f"{text}"
        )
    if colon:
        if index is not None:
            raise RuntimeError(
                f"device: type (string) must not include an index because index "
                f"was passed explicitly: {text}"
            )
        if not number.isdigit():
            raise RuntimeError(f"Invalid device string: '{text}'")
        index = int(number)
    if index is not None and index < 0:
        raise RuntimeError(f"Device index must not be negative, got {index}")
    return name, index


CPU = device("cpu")
_default_device = CPU


def available_device(where: DeviceLike, op: str) -> device:
    """The CPU device, after checking that ``where`` names it (``None`` means the default).

    Raises:
        DeviceUnavailableError: naming ``op`` and the device, for any device but the CPU.
        RuntimeError: for a malformed device name.

    Examples:
        >>> available_device("cpu", "zeros")
        device(type='cpu')
    """
    if where is None:
        return _default_device
    named = where if isinstance(where, device) else device(where)
    if named.type != "cpu":
        raise DeviceUnavailableError(
            f"{op}: device '{named}' is not available: tinygrad4h03 computes on the CPU only "
            f"(with NumPy). Use device='cpu', or pick the device with "
            f"'cuda' if tg.cuda.is_available() else 'cpu'"
        )
    return CPU


def set_default_device(where: DeviceLike) -> None:
    """Set the device of tensors made without ``device=``: only the CPU (or ``None``) works.

    Raises:
        DeviceUnavailableError: for any other device.

    Examples:
        >>> tg.set_default_device("cpu")
        >>> tg.get_default_device()
        device(type='cpu')
    """
    available_device(where, "set_default_device")


def get_default_device() -> device:
    """The device of tensors made without ``device=``: always the CPU.

    Examples:
        >>> tg.get_default_device()
        device(type='cpu')
    """
    return _default_device


def to_arguments(
    args: tuple[Any, ...], kwargs: dict[str, Any], tensor_type: type, op: str = "to"
) -> tuple[np.dtype | None, bool]:
    """The dtype (or ``None``) and the ``copy`` flag of a PyTorch-style ``to(...)`` call.

    Reads ``to(device)``, ``to(dtype)``, ``to(device, dtype)``, ``to(tensor)`` (its dtype) and
    the keywords ``device=``, ``dtype=``, ``non_blocking=``, ``copy=``, and checks that the
    device is available.

    Raises:
        DeviceUnavailableError: for any device but the CPU.
        TypeError: for an unknown keyword.

    Examples:
        >>> to_arguments(("cpu", tg.float64), {}, tg.Tensor)
        (dtype('float64'), False)
    """
    kwargs = dict(kwargs)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    copy, device, dtype = (
        kwargs.pop(k, d) for k, d in (("copy", False), ("device", None), ("dtype", None))
    )
    if kwargs:
        raise TypeError(f"{op}() got unexpected keyword argument(s) {sorted(kwargs)}")
    positional = [a for a in args if not isinstance(a, bool)]  # to(dtype, non_blocking, copy)
    if len(positional) > 2:
        raise TypeError(f"{op}() received an invalid combination of arguments: {args!r}")
    for arg in positional:
        if isinstance(arg, tensor_type):
            dtype = arg.dtype  # type: ignore[attr-defined]  # tensor_type is Tensor
        elif _names_dtype(arg):
            dtype = arg
        else:
            device = arg
    available_device(device, op)
    return (None if dtype is None else np.dtype(dtype)), bool(copy)


def _names_dtype(arg: Any) -> bool:
    if isinstance(arg, str):
        return arg.partition(":")[0] not in _KNOWN_TYPES
    return isinstance(arg, (np.dtype, type))
