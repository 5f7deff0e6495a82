"""transpose_layers.py: ``ConvTranspose1d`` and ``ConvTranspose2d``, the upsampling layers of
decoders, which hold the filters and settings and call ``F.conv_transpose1d`` and
``F.conv_transpose2d`` (functional_transpose.py) in ``forward``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import functional as F
from . import functional_transpose as FT
from . import init
from .functional_more import _single
from .layers import _check_groups, _float_dtype
from .module import Module, Parameter

__all__ = ["ConvTranspose1d", "ConvTranspose2d"]


class _ConvTransposeNd(Module):
    """The parameters, initialisation, ``output_size`` and ``repr`` shared by both layers."""

    _dims: int

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        settings: Mapping[str, tuple[int, ...]],
        groups: int,
        bias: bool,
        padding_mode: str,
        device: Any,
        dtype: Any,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        for label, value in (("in_channels", in_channels), ("out_channels", out_channels)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"{name}: {label} must be a positive int, got {value!r}")
        _check_groups(in_channels, out_channels, groups, name)
        if padding_mode != "zeros":
            raise ValueError(
                f'{name}: only "zeros" padding mode is supported, got {padding_mode!r}'
            )
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size, self.stride = settings["kernel_size"], settings["stride"]
        self.padding, self.dilation = settings["padding"], settings["dilation"]
        self.output_padding = settings["output_padding"]
        self.groups, self.padding_mode = int(groups), padding_mode
        dtype = _float_dtype(dtype, device, name)
        shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: W by ``kaiming_uniform_(a=√5)``, b ~ U(−1/√fan_in, 1/√fan_in),
        fan_in = weight.shape[1] · prod(kernel_size) (PyTorch's fan of the transposed weight)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def _output_padding(self, x: Tensor, output_size: Any) -> tuple[int, ...]:
        """The ``output_padding`` that gives ``output_size`` (PyTorch's rule and errors)."""
        if output_size is None:
            return self.output_padding
        sizes = [int(s) for s in output_size][-self._dims :]
        if len(sizes) != self._dims:
            raise ValueError(
                f"{type(self).__name__}: output_size must have {self._dims} or "
                f"{self._dims + 2} elements, got {output_size!r}"
            )
        extra = []
        for axis, size in enumerate(sizes):
            least = (
                (x.shape[x.ndim - self._dims + axis] - 1) * self.stride[axis]
                - 2 * self.padding[axis]
                + self.dilation[axis] * (self.kernel_size[axis] - 1)
                + 1
            )
            if not least <= size < least + self.stride[axis]:
                raise ValueError(
                    f"{type(self).__name__}: requested an output size of {sizes}, but valid "
                    f"sizes for dim {axis} range from {least} to {least + self.stride[axis] - 1} "
                    f"(for an input of shape {x.shape})"
                )
            extra.append(size - least)
        return tuple(extra)

    def extra_repr(self) -> str:
        """The settings that differ from the defaults, as PyTorch prints them."""
        zeros, ones = (0,) * self._dims, (1,) * self._dims
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        for label, value, default in (
            ("padding", self.padding, zeros),
            ("dilation", self.dilation, ones),
            ("output_padding", self.output_padding, zeros),
        ):
            if value != default:
                text += f", {label}={value}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class ConvTranspose2d(_ConvTransposeNd):
    """A 2-D transposed convolution layer (``F.conv_transpose2d``), e.g. to upsample in a decoder.

    ``weight`` ``(in_channels, out_channels / groups, KH, KW)`` and ``bias``
    ``(out_channels,)``, initialised as PyTorch's. ``forward(x, output_size=None)``: an
    ``output_size`` picks the ``output_padding`` that gives that size.

    Shapes:
        ``(N, C, H, W)`` → ``(N, O, OH, OW)``, OH = (H − 1) s − 2 p + d (KH − 1) + op + 1.

    Examples:
        >>> up = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)
        >>> up.weight.shape, up(tg.zeros(2, 8, 5, 5)).shape  # twice the size
        ((8, 4, 3, 3), (2, 4, 10, 10))
    """

    _dims = 2

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        pairs = {"kernel_size": kernel_size, "stride": stride, "padding": padding}
        pairs |= {"output_padding": output_padding, "dilation": dilation}
        settings = {k: F._pair(v, k, "ConvTranspose2d") for k, v in pairs.items()}
        super().__init__(
            in_channels, out_channels, settings, groups, bias, padding_mode, device, dtype
        )

    def forward(self, x: Tensor, output_size: Any = None) -> Tensor:
        """``F.conv_transpose2d`` with this layer's filters and settings."""
        return FT.conv_transpose2d(
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self._output_padding(x, output_size),
            self.groups,
            self.dilation,
        )


class ConvTranspose1d(_ConvTransposeNd):
    """A 1-D transposed convolution layer (``F.conv_transpose1d``).

    ``weight`` ``(in_channels, out_channels / groups, K)``, ``bias`` ``(out_channels,)``.

    Shapes:
        ``(N, C, L)`` → ``(N, O, OL)``, OL = (L − 1) s − 2 p + d (K − 1) + op + 1.

    Examples:
        >>> up = nn.ConvTranspose1d(2, 3, 4, stride=2, padding=1)
        >>> up, up(tg.zeros(5, 2, 8)).shape
        (ConvTranspose1d(2, 3, kernel_size=(4,), stride=(2,), padding=(1,)), (5, 3, 16))
    """

    _dims = 1

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        singles = {"kernel_size": kernel_size, "stride": stride, "padding": padding}
        singles |= {"output_padding": output_padding, "dilation": dilation}
        settings = {k: (_single(v, k, "ConvTranspose1d"),) for k, v in singles.items()}
        super().__init__(
            in_channels, out_channels, settings, groups, bias, padding_mode, device, dtype
        )

    def forward(self, x: Tensor, output_size: Any = None) -> Tensor:
        """``F.conv_transpose1d`` with this layer's filters and settings."""
        return FT.conv_transpose1d(
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self._output_padding(x, output_size),
            self.groups,
            self.dilation,
        )
