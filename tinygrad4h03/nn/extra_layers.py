"""extra_layers.py: more of ``torch.nn``'s layers — activations, 1-D convolution and pooling,
``GroupNorm``, ``Unflatten``, ``Upsample``, ``ParameterList``/``ParameterDict`` and
``MultiheadAttention``.

As in ``layers.py``, each module holds parameters and settings and calls the function of the
same name (``functional_more.py``, re-exported as ``tg.nn.functional``); parameter names,
shapes, initialisation and reprs are PyTorch's, so ``load_state_dict`` moves weights both ways.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import functional as F
from . import functional_more as FM
from . import init
from .layers import Linear, _check_groups, _float_dtype, _MaxPoolNd
from .module import Module, Parameter

__all__ = [
    "SELU",
    "AdaptiveMaxPool2d",
    "AvgPool1d",
    "Conv1d",
    "GroupNorm",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "LogSigmoid",
    "MaxPool1d",
    "Mish",
    "MultiheadAttention",
    "NonDynamicallyQuantizableLinear",
    "PReLU",
    "ParameterDict",
    "ParameterList",
    "ReLU6",
    "SiLU",
    "Softmin",
    "Softsign",
    "Tanhshrink",
    "Unflatten",
    "Upsample",
]


# --------------------------------------------------------------------------- activations


class _Elementwise(Module):
    """An activation without settings (``inplace`` only); a subclass names its function."""

    _function: Any = None

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        """The activation, elementwise."""
        return type(self)._function(x)

    def extra_repr(self) -> str:
        """``"inplace=True"`` when set, as PyTorch."""
        return "inplace=True" if self.inplace else ""


class SiLU(_Elementwise):
    """``x σ(x)`` (``F.silu``).

    Examples:
        >>> nn.SiLU()(tg.tensor([0.0, 1.0]))
        tensor([0.    , 0.7311])
    """

    _function = staticmethod(FM.silu)


class Mish(_Elementwise):
    """``x tanh(softplus(x))`` (``F.mish``).

    Examples:
        >>> nn.Mish()(tg.tensor([1.0]))
        tensor([0.8651])
    """

    _function = staticmethod(FM.mish)


class Hardswish(_Elementwise):
    """``x · relu6(x + 3) / 6`` (``F.hardswish``).

    Examples:
        >>> nn.Hardswish()(tg.tensor([1.0]))
        tensor([0.6667])
    """

    _function = staticmethod(FM.hardswish)

    def extra_repr(self) -> str:
        """Nothing (PyTorch prints ``Hardswish()`` even with ``inplace=True``)."""
        return ""


class Hardsigmoid(_Elementwise):
    """``relu6(x + 3) / 6`` (``F.hardsigmoid``).

    Examples:
        >>> nn.Hardsigmoid()(tg.tensor([0.0]))
        tensor([0.5])
    """

    _function = staticmethod(FM.hardsigmoid)

    def extra_repr(self) -> str:
        """Nothing (PyTorch prints ``Hardsigmoid()`` even with ``inplace=True``)."""
        return ""


class SELU(_Elementwise):
    """Scaled ELU with Klambauer et al.'s constants (``F.selu``).

    Examples:
        >>> nn.SELU()(tg.tensor([1.0]))
        tensor([1.0507])
    """

    _function = staticmethod(FM.selu)


class _Plain(Module):
    """An activation without any setting."""

    _function: Any = None

    def forward(self, x: Tensor) -> Tensor:
        """The activation, elementwise."""
        return type(self)._function(x)


class Softsign(_Plain):
    """``x / (1 + |x|)`` (``F.softsign``).

    Examples:
        >>> nn.Softsign()(tg.tensor([1.0]))
        tensor([0.5])
    """

    _function = staticmethod(FM.softsign)


class Tanhshrink(_Plain):
    """``x − tanh(x)`` (``F.tanhshrink``).

    Examples:
        >>> nn.Tanhshrink()(tg.tensor([0.0]))
        tensor([0.])
    """

    _function = staticmethod(FM.tanhshrink)


class LogSigmoid(_Plain):
    """``log σ(x)`` (``F.logsigmoid``).

    Examples:
        >>> nn.LogSigmoid()(tg.tensor([0.0]))
        tensor([-0.6931])
    """

    _function = staticmethod(FM.logsigmoid)


class Hardtanh(Module):
    """``x`` clipped to ``[min_val, max_val]`` (``F.hardtanh``).

    Examples:
        >>> nn.Hardtanh(-2.0, 2.0)
        Hardtanh(min_val=-2.0, max_val=2.0)
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val ({min_val}) is greater than max_val ({max_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, x: Tensor) -> Tensor:
        """``F.hardtanh(x, min_val, max_val)``."""
        return FM.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        """``"min_val=…, max_val=…"``, as PyTorch."""
        text = f"min_val={self.min_val}, max_val={self.max_val}"
        return text + (", inplace=True" if self.inplace else "")


class ReLU6(Hardtanh):
    """``min(max(0, x), 6)`` (``F.relu6``).

    Examples:
        >>> nn.ReLU6()(tg.tensor([-1.0, 7.0]))
        tensor([0., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        """``"inplace=True"`` when set, as PyTorch."""
        return "inplace=True" if self.inplace else ""


class Softmin(Module):
    """``softmax(−x, dim)`` (``F.softmin``).

    Examples:
        >>> nn.Softmin(dim=0)(tg.tensor([1.0, 2.0]))
        tensor([0.7311, 0.2689])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        """``F.softmin(x, dim)``."""
        return FM.softmin(x, self.dim)

    def extra_repr(self) -> str:
        """``"dim=…"``, as PyTorch."""
        return f"dim={self.dim}"


class PReLU(Module):
    """Parametric ReLU (``F.prelu``): ``x`` for x > 0, else ``a x`` with a learnable ``a``.

    Args:
        num_parameters: 1 (one slope) or the number of input channels (dim 1).
        init: the slopes' starting value.

    Examples:
        >>> act = nn.PReLU()
        >>> act, act.weight.shape
        (PReLU(num_parameters=1), (1,))
        >>> act(tg.tensor([-4.0, 2.0])).tolist()
        [-1.0, 2.0]
    """

    def __init__(
        self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        self.num_parameters, self.init = int(num_parameters), init
        dtype = _float_dtype(dtype, device, "PReLU")
        self.weight = Parameter(np.full(self.num_parameters, init, dtype=dtype))

    def reset_parameters(self) -> None:
        """Every slope back to ``init``."""
        init.constant_(self.weight, self.init)

    def forward(self, x: Tensor) -> Tensor:
        """``F.prelu(x, weight)``."""
        return FM.prelu(x, self.weight)

    def extra_repr(self) -> str:
        """``"num_parameters=…"``, as PyTorch."""
        return f"num_parameters={self.num_parameters}"


# ------------------------------------------------------------------------- 1-D convolution, pooling


class Conv1d(Module):
    """A 1-D convolution layer (``F.conv1d``): ``O`` filters of shape ``(C, K)``.

    ``weight`` ``(out_channels, in_channels / groups, kernel_size)`` and ``bias``
    ``(out_channels,)`` are initialised as PyTorch's: U(−1/√fan_in, 1/√fan_in),
    fan_in = in_channels / groups · K.

    Shapes:
        ``(N, C, L)`` → ``(N, O, OL)``, OL = ⌊(L + 2p − d (K − 1) − 1) / s⌋ + 1.

    Examples:
        >>> conv = nn.Conv1d(2, 4, 3, padding=1)
        >>> conv, conv(tg.zeros(5, 2, 10)).shape
        (Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=(1,)), (5, 4, 10))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        _check_conv1d(in_channels, out_channels, groups, padding_mode)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = (FM._single(kernel_size, "kernel_size", "Conv1d"),)
        self.stride = (FM._single(stride, "stride", "Conv1d"),)
        self.dilation = (FM._single(dilation, "dilation", "Conv1d"),)
        if isinstance(padding, str):
            F._conv_padding(
                padding, (1, self.kernel_size[0]), (1, self.stride[0]), (1, self.dilation[0])
            )
            self.padding: Any = padding
        else:
            self.padding = (FM._single(padding, "padding", "Conv1d"),)
        self.groups, self.padding_mode = groups, padding_mode
        dtype = _float_dtype(dtype, device, "Conv1d")
        self.weight = Parameter(
            np.empty((self.out_channels, self.in_channels // groups, *self.kernel_size), dtype)
        )
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: W by ``kaiming_uniform_(a=√5)``, b ~ U(−1/√fan_in, 1/√fan_in)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * self.kernel_size[0]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        """``F.conv1d`` with this layer's filters and settings."""
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return FM.conv1d(
            x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        """The settings that differ from the defaults, as PyTorch prints them."""
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,):
            text += f", padding={self.padding}"
        if self.dilation != (1,):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


def _check_conv1d(in_channels: int, out_channels: int, groups: int, padding_mode: str) -> None:
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"Conv1d: {name} must be a positive int, got {value!r}")
    if padding_mode != "zeros":
        raise NotImplementedError(
            f"Conv1d: only padding_mode='zeros' is implemented, got {padding_mode!r}"
        )
    _check_groups(in_channels, out_channels, groups, "Conv1d")


class MaxPool1d(_MaxPoolNd):
    """1-D max pooling (``F.max_pool1d``).

    Examples:
        >>> pool = nn.MaxPool1d(2)
        >>> pool
        MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
        >>> pool(tg.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
        tensor([[[3., 2.]]])
    """

    _pool = staticmethod(FM.max_pool1d)


class AvgPool1d(Module):
    """1-D average pooling (``F.avg_pool1d``).

    Examples:
        >>> pool = nn.AvgPool1d(2)
        >>> pool
        AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))
        >>> pool(tg.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
        tensor([[[2., 1.]]])
    """

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        self.kernel_size = (FM._single(kernel_size, "kernel_size", "AvgPool1d"),)
        step = kernel_size if stride is None else stride
        self.stride = (FM._single(step, "stride", "AvgPool1d"),)
        self.padding = (FM._single(padding, "padding", "AvgPool1d"),)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x: Tensor) -> Tensor:
        """``F.avg_pool1d`` with this layer's settings."""
        return FM.avg_pool1d(
            x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad
        )

    def extra_repr(self) -> str:
        """The settings, as PyTorch prints them."""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveMaxPool2d(Module):
    """Max pooling to a fixed output size (``F.adaptive_max_pool2d``).

    Examples:
        >>> pool = nn.AdaptiveMaxPool2d(1)
        >>> pool, pool(tg.arange(8.0).reshape(1, 2, 2, 2)).tolist()
        (AdaptiveMaxPool2d(output_size=1), [[[[3.0]], [[7.0]]]])
    """

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, x: Tensor) -> Any:
        """``F.adaptive_max_pool2d(x, output_size)``."""
        return FM.adaptive_max_pool2d(x, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        """``"output_size=…"``, as PyTorch."""
        return f"output_size={self.output_size}"


# --------------------------------------------------------------------------- shape, normalisation


class GroupNorm(Module):
    """Group normalisation (``F.group_norm``): ``weight`` (ones) and ``bias`` (zeros) per channel.

    Raises:
        ValueError: ``num_channels`` not divisible by ``num_groups``.

    Examples:
        >>> norm = nn.GroupNorm(2, 4)
        >>> norm
        GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)
        >>> norm(tg.tensor([[1.0, 3.0, 2.0, 2.0]])).numpy().round(4).tolist()
        [[-1.0, 1.0, 0.0, 0.0]]
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if num_channels % num_groups:
            raise ValueError("GroupNorm: num_channels must be divisible by num_groups")
        self.num_groups, self.num_channels = int(num_groups), int(num_channels)
        self.eps, self.affine = eps, affine
        dtype = _float_dtype(dtype, device, "GroupNorm")
        if affine:
            self.weight = Parameter(np.ones(num_channels, dtype))
        else:
            self.register_parameter("weight", None)
        if affine and bias:
            self.bias = Parameter(np.zeros(num_channels, dtype))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        """``F.group_norm`` with this layer's groups, γ, β and eps."""
        return FM.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        """The settings, as PyTorch prints them."""
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size`` (the inverse of ``Flatten``).

    Examples:
        >>> layer = nn.Unflatten(1, (2, 3))
        >>> layer, layer(tg.zeros(4, 6)).shape
        (Unflatten(dim=1, unflattened_size=(2, 3)), (4, 2, 3))
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError(
                f"Unflatten: unflattened_size must be a tuple of ints, got {unflattened_size!r}"
            )
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, x: Tensor) -> Tensor:
        """``x`` with dim ``dim`` reshaped to ``unflattened_size``."""
        dim = self.dim % x.ndim if x.ndim else 0
        shape = (*x.shape[:dim], *self.unflattened_size, *x.shape[dim + 1 :])
        return x.reshape(shape)

    def extra_repr(self) -> str:
        """``"dim=…, unflattened_size=…"``, as PyTorch."""
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Upsample(Module):
    """Resize to ``size`` or by ``scale_factor`` (``F.interpolate``).

    Examples:
        >>> up = nn.Upsample(scale_factor=2)
        >>> up, up(tg.zeros(1, 3, 4, 5)).shape
        (Upsample(scale_factor=2.0, mode='nearest'), (1, 3, 8, 10))
    """

    def __init__(
        self,
        size: Any = None,
        scale_factor: Any = None,
        mode: str = "nearest",
        align_corners: bool | None = None,
        recompute_scale_factor: bool | None = None,
    ) -> None:
        super().__init__()
        self.size, self.mode = size, mode
        if isinstance(scale_factor, (tuple, list)):
            self.scale_factor: Any = tuple(float(s) for s in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.align_corners, self.recompute_scale_factor = align_corners, recompute_scale_factor

    def forward(self, x: Tensor) -> Tensor:
        """``F.interpolate`` with this layer's settings."""
        return FM.interpolate(
            x,
            self.size,
            self.scale_factor,
            self.mode,
            self.align_corners,
            self.recompute_scale_factor,
        )

    def extra_repr(self) -> str:
        """``"scale_factor=…, mode=…"`` (or ``size``), as PyTorch."""
        if self.scale_factor is not None:
            text = f"scale_factor={self.scale_factor!r}"
        else:
            text = f"size={self.size!r}"
        return text + f", mode={self.mode!r}"


# --------------------------------------------------------------------------- parameter containers


def _as_parameter(value: Any) -> Any:
    """A tensor as a ``Parameter`` (as PyTorch's containers do); other values unchanged."""
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _describe(value: Any, by_type: bool) -> str:
    """PyTorch's one-line description of a container entry: the dtype as ``torch.float32``
    (``ParameterList``) or the type name ``torch.FloatTensor`` (``ParameterDict``), as
    ``Tensor.type()`` gives it, so that printed models read as PyTorch's."""
    if not isinstance(value, Tensor):
        return f"Object of type: {type(value).__name__}"
    kind = "Parameter containing" if isinstance(value, Parameter) else "Tensor"
    size = "x".join(str(n) for n in value.shape)
    dtype = value.type() if by_type else f"torch.{value.dtype}"
    return f"{kind}: [{dtype} of size {size}]"


def _container_repr(name: str, entries: list[tuple[Any, Any]], by_type: bool) -> str:
    """``Name(`` then one line per entry, indented as PyTorch's, then ``)``."""
    if not entries:
        return f"{name}()"
    lines = [f"    ({key}): {_describe(value, by_type)}" for key, value in entries]
    return f"{name}(\n" + "\n".join(lines) + "\n)"


class ParameterList(Module):
    """A list of parameters registered under ``"0"``, ``"1"``, … (tensors become ``Parameter``).

    Examples:
        >>> params = nn.ParameterList([nn.Parameter(tg.zeros(2)), tg.ones(3)])
        >>> len(params), [name for name, _ in params.named_parameters()]
        (2, ['0', '1'])
        >>> isinstance(params[1], nn.Parameter)
        True
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __getitem__(self, index: int) -> Any:
        if isinstance(index, slice):
            return ParameterList(list(self)[index])
        if not -len(self) <= index < len(self):
            raise IndexError(
                f"ParameterList: index {index} is out of range for {len(self)} entries"
            )
        return getattr(self, str(index % len(self)))

    def __setitem__(self, index: int, value: Any) -> None:
        if not -len(self) <= index < len(self):
            raise IndexError(
                f"ParameterList: index {index} is out of range for {len(self)} entries"
            )
        setattr(self, str(index % len(self)), _as_parameter(value))

    def append(self, value: Any) -> ParameterList:
        """Add one entry at the end; returns the list."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Add each entry at the end; returns the list."""
        for value in values:
            self.append(value)
        return self

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def __repr__(self) -> str:
        return _container_repr("ParameterList", list(enumerate(self)), by_type=False)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    """A dict of parameters registered under their keys (tensors become ``Parameter``).

    Examples:
        >>> params = nn.ParameterDict({"scale": tg.ones(2), "shift": tg.zeros(2)})
        >>> list(params.keys()), [name for name, _ in params.named_parameters()]
        (['scale', 'shift'], ['scale', 'shift'])
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict: keys must be strings, got {type(key).__name__}")
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def keys(self) -> list[str]:
        """The keys, in insertion order."""
        return list(self._keys)

    def values(self) -> list[Any]:
        """The entries, in insertion order."""
        return [self[k] for k in self._keys]

    def items(self) -> list[tuple[str, Any]]:
        """``(key, entry)`` pairs, in insertion order."""
        return [(k, self[k]) for k in self._keys]

    def get(self, key: str, default: Any = None) -> Any:
        """The entry for ``key``, or ``default``."""
        return self[key] if key in self._keys else default

    def pop(self, key: str) -> Any:
        """Remove ``key`` and return its entry."""
        value = self[key]
        del self[key]
        return value

    def clear(self) -> None:
        """Remove every entry."""
        for key in list(self._keys):
            del self[key]

    def update(self, parameters: Any) -> None:
        """Add or replace entries from a mapping or ``(key, value)`` pairs; a plain ``dict``'s
        keys are taken in sorted order, an ``OrderedDict``'s or ``ParameterDict``'s in theirs
        (PyTorch's rule)."""
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = list(parameters.items())
        elif isinstance(parameters, Mapping):
            pairs = sorted(parameters.items())
        else:
            pairs = parameters
        for key, value in pairs:
            self[key] = value

    def __repr__(self) -> str:
        return _container_repr("ParameterDict", self.items(), by_type=True)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterDict should not be called.")


# --------------------------------------------------------------------------- attention


class NonDynamicallyQuantizableLinear(Linear):
    """``Linear`` under the name PyTorch gives ``MultiheadAttention.out_proj`` (same repr).

    Examples:
        >>> NonDynamicallyQuantizableLinear(2, 2)
        NonDynamicallyQuantizableLinear(in_features=2, out_features=2, bias=True)
    """


class MultiheadAttention(Module):
    """Multi-head attention, as ``torch.nn.MultiheadAttention``.

    With E = ``embed_dim`` and H = ``num_heads`` (E divisible by H), the queries, keys and
    values are projected by the rows of ``in_proj_weight`` ``(3E, E)`` (``in_proj_bias``
    ``(3E,)``), split into H heads of size E/H, each head attends with
    softmax(Q Kᵀ / √(E/H)) V, and the heads are joined and projected by ``out_proj``. With
    ``kdim``/``vdim`` different from E the projections are ``q_proj_weight``,
    ``k_proj_weight`` and ``v_proj_weight`` instead. Initialisation as PyTorch: Xavier-uniform
    projection weights, zero biases (``out_proj.weight`` keeps ``Linear``'s default).

    Args:
        embed_dim: E.
        num_heads: H.
        dropout: dropout on the attention weights, in training.
        bias: biases on the input and output projections.
        add_bias_kv: only ``False``.
        add_zero_attn: only ``False``.
        kdim: the keys' feature size (E by default).
        vdim: the values' feature size (E by default).
        device: only the CPU (``None``, ``"cpu"``).
        dtype: the parameters' floating dtype (the default dtype when ``None``).
        batch_first: inputs and outputs ``(N, L, E)`` instead of ``(L, N, E)``.

    Shapes:
        query ``(L, N, E)``, key ``(S, N, kdim)``, value ``(S, N, vdim)`` (or batch first, or
        without the batch dim) → output ``(L, N, E)`` and weights ``(N, L, S)`` averaged over
        the heads (``(N, H, L, S)`` with ``average_attn_weights=False``).

    Examples:
        >>> attention = nn.MultiheadAttention(8, 2, batch_first=True)
        >>> x = tg.randn(3, 5, 8)
        >>> out, weights = attention(x, x, x)
        >>> out.shape, weights.shape
        ((3, 5, 8), (3, 5, 5))
        >>> [name for name, _ in attention.named_parameters()]
        ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"MultiheadAttention: embed_dim and num_heads must be greater than 0, got "
                f"embed_dim={embed_dim} and num_heads={num_heads} instead"
            )
        if embed_dim % num_heads:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError(
                "MultiheadAttention: add_bias_kv and add_zero_attn are not implemented"
            )
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim, self.batch_first = embed_dim // num_heads, batch_first
        dtype = _float_dtype(dtype, device, "MultiheadAttention")
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dtype))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(np.empty((embed_dim, embed_dim), dtype))
            self.k_proj_weight = Parameter(np.empty((embed_dim, self.kdim), dtype))
            self.v_proj_weight = Parameter(np.empty((embed_dim, self.vdim), dtype))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(np.empty(3 * embed_dim, dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias, dtype=dtype)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for weight in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)

    def _projections(self) -> tuple[tuple[Tensor, Tensor, Tensor], tuple[Any, Any, Any]]:
        e = self.embed_dim
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            weights = (w[:e], w[e : 2 * e], w[2 * e :])
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        b = self.in_proj_bias
        biases = (None, None, None) if b is None else (b[:e], b[e : 2 * e], b[2 * e :])
        return weights, biases

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Any = None,
        need_weights: bool = True,
        attn_mask: Any = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend from ``query`` to ``key``/``value``; returns (output, weights or ``None``).

        ``key_padding_mask`` ``(N, S)`` and ``attn_mask`` ``(L, S)`` or ``(N·H, L, S)``:
        boolean (True: not attended) or float (added to the scores). ``is_causal`` is a hint
        in PyTorch and needs ``attn_mask``; the mask given is what counts.
        """
        if is_causal and attn_mask is None:
            raise RuntimeError(
                "MultiheadAttention: need attn_mask if specifying the is_causal hint"
            )
        batched = query.ndim == 3
        if not batched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = np.asarray(key_padding_mask)[None]
        elif self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        self._check_inputs(query, key, value)
        weights, biases = self._projections()
        out, attention = FM.multi_head_attention_forward(
            query,
            key,
            value,
            self.num_heads,
            weights,
            biases,
            self.out_proj.weight,
            self.out_proj.bias,
            dropout_p=self.dropout,
            training=self.training,
            key_padding_mask=key_padding_mask,
            need_weights=need_weights,
            attn_mask=attn_mask,
            average_attn_weights=average_attn_weights,
        )
        if not batched:
            out = out.squeeze(1)
            attention = attention.squeeze(0) if attention is not None else None
        elif self.batch_first:
            out = out.transpose(0, 1)
        return out, attention

    def _check_inputs(self, query: Tensor, key: Tensor, value: Tensor) -> None:
        if query.shape[-1] != self.embed_dim or key.shape[-1] != self.kdim:
            raise AssertionError(
                f"MultiheadAttention: was expecting query of embedding dimension "
                f"{self.embed_dim} and key of {self.kdim}, but got query {query.shape} and key "
                f"{key.shape}"
            )
        if value.shape[-1] != self.vdim or key.shape[:2] != value.shape[:2]:
            raise AssertionError(
                f"MultiheadAttention: key shape {key.shape} does not match value shape "
                f"{value.shape} (value embedding dimension {self.vdim})"
            )
