"""layers.py: ``Linear`` (alias ``Dense``), the activation modules, ``Identity`` and ``Flatten``.

Each layer is a ``Module`` whose ``forward`` calls the function of the same name in
``tg.nn.functional``; the modules only hold the parameters (``Linear``'s W and b) and the
settings (``dim``, ``start_dim``). One lecture layer is ``Linear`` (v = W y + b) followed by
an activation module (y = φ(v)).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import increment_version
from ..devices import available_device
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module, Parameter


class Linear(Module):
    """A fully connected layer: ``y = x Wᵀ + b`` (the lecture's v = W y + b, batched by rows).

    ``weight`` W has shape ``(out_features, in_features)`` and ``bias`` b ``(out_features,)``,
    both initialised as PyTorch does: U(−1/√in_features, 1/√in_features) (the weight through
    ``kaiming_uniform_(a=√5)``). ``dtype`` is ``float32`` by default; ``float64`` works too.
    ``tg.nn.Dense`` is the same class.

    One sample x is a row, so x Wᵀ is the lecture's W y with y = xᵀ. For a batch X of shape
    ``(N, in)`` and the upstream gradient G = ∂ℰ/∂Y of shape ``(N, out)``:
    ∂ℰ/∂W = Gᵀ X, ∂ℰ/∂b = Σ_n G_n (sum over the batch) and ∂ℰ/∂X = G W.

    Args:
        in_features: inputs per sample (the lecture's n_(l−1)).
        out_features: outputs per sample, i.e. neurons (the lecture's n_l).
        bias: add the learnable b; with ``False`` the ``bias`` attribute is ``None``.
        device: only the CPU (``None``, ``"cpu"``); another raises ``DeviceUnavailableError``.
        dtype: the parameters' floating dtype (the default dtype when ``None``).

    Shapes:
        input ``(*, in_features)`` → output ``(*, out_features)``.

    Examples:
        >>> layer = nn.Linear(25, 20)
        >>> layer.weight.shape, layer.bias.shape
        ((20, 25), (20,))
        >>> layer(tg.ones(4, 25)).shape
        (4, 20)
        >>> bool(layer.weight.abs().max() <= 1 / 25 ** 0.5)
        True
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"Linear: {name} must be a non-negative int, got {value!r}")
        dtype = _float_dtype(dtype, device, "Linear")
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: W ~ U(−1/√in, 1/√in) via kaiming_uniform_(a=√5); b the same.

        With a = √5, gain = √(2 / (1 + 5)) = √(1/3) and the bound gain · √(3 / fan_in) is
        1/√in_features. The constructor calls it; call it again to draw fresh weights (from
        ``tg.manual_seed``'s generator). For ``in_features == 0`` the bias is zero.

        Examples:
            >>> layer = nn.Linear(4, 3)
            >>> layer.reset_parameters()
            >>> bool(layer.bias.abs().max() <= 0.5)
            True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        """``x Wᵀ + b`` by ``F.linear``: one fused graph node.

        Shapes:
            ``(*, in_features)`` → ``(*, out_features)``.

        Examples:
            >>> layer = nn.Linear(3, 2)
            >>> _ = nn.init.ones_(layer.weight), nn.init.zeros_(layer.bias)
            >>> layer(tg.tensor([[1.0, 2.0, 3.0]]))
            tensor([[6., 6.]], grad_fn=<LinearBackward>)
        """
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        """The sizes and whether there is a bias, as PyTorch prints them.

        Examples:
            >>> nn.Linear(25, 20, bias=False)
            Linear(in_features=25, out_features=20, bias=False)
        """
        has_bias = self.bias is not None
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={has_bias}"


Dense = Linear


class Identity(Module):
    """Returns its input unchanged (any constructor arguments are ignored, as PyTorch's).

    A placeholder: swap a layer out of a model without changing its structure. The gradient
    passes through unchanged.

    Shapes:
        any → the same (the very same tensor object).

    Examples:
        >>> x = tg.tensor([1.0, 2.0])
        >>> nn.Identity(54, unused="argument")(x) is x
        True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        """Return ``x`` itself.

        Examples:
            >>> nn.Identity().forward(tg.tensor([3.0]))
            tensor([3.])
        """
        return x


class ReLU(Module):
    """The rectified linear unit ``y = max(x, 0)``, elementwise (``F.relu``).

    φ'(v) is 1 for v > 0 and 0 elsewhere (also at 0, as PyTorch). ``inplace`` is accepted
    for PyTorch code and has no effect (the output is always a new tensor).

    Shapes:
        ``(*)`` → ``(*)``.

    Examples:
        >>> nn.ReLU()(tg.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        """``max(x, 0)`` elementwise.

        Examples:
            >>> nn.ReLU().forward(tg.tensor([-2.0, 3.0]))
            tensor([0., 3.])
        """
        return F.relu(x)

    def extra_repr(self) -> str:
        """``"inplace=True"`` when so constructed, else empty (as PyTorch).

        Examples:
            >>> nn.ReLU(inplace=True)
            ReLU(inplace=True)
        """
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """The logistic function σ(x) = 1 / (1 + e^−x), elementwise (``F.sigmoid``).

    The lecture's φ for hidden and output layers; its derivative φ'(v) = σ(v)(1 − σ(v)) needs
    only the output y = σ(v).

    Shapes:
        ``(*)`` → ``(*)``.

    Examples:
        >>> nn.Sigmoid()(tg.tensor([0.0]))
        tensor([0.5])
    """

    def forward(self, x: Tensor) -> Tensor:
        """σ(x) elementwise.

        Examples:
            >>> round(nn.Sigmoid().forward(tg.tensor(2.0)).item(), 4)
            0.8808
        """
        return F.sigmoid(x)


class Tanh(Module):
    """The hyperbolic tangent tanh(x) = (eˣ − e^−x) / (eˣ + e^−x), elementwise (``F.tanh``).

    Its derivative is 1 − tanh²(x), again a function of the output only.

    Shapes:
        ``(*)`` → ``(*)``.

    Examples:
        >>> nn.Tanh()(tg.tensor([0.0]))
        tensor([0.])
    """

    def forward(self, x: Tensor) -> Tensor:
        """tanh(x) elementwise.

        Examples:
            >>> round(nn.Tanh().forward(tg.tensor(1.0)).item(), 4)
            0.7616
        """
        return F.tanh(x)


class Softmax(Module):
    """softmax(x)_i = exp(x_i) / Σ_k exp(x_k) along ``dim`` (``F.softmax``).

    The outputs along ``dim`` are positive and sum to 1 (class probabilities). Its Jacobian
    ∂s_i/∂x_j = s_i (1[i = j] − s_j) is not diagonal, so the lecture's elementwise φ'(v) ⊙ ε does
    not apply to it. For training, give the logits to ``CrossEntropyLoss`` instead (it
    contains the softmax). Unlike PyTorch, ``dim`` defaults to −1.

    Args:
        dim: the dimension that sums to 1 (the classes).

    Shapes:
        ``(*)`` → ``(*)``.

    Examples:
        >>> nn.Softmax(dim=1)(tg.tensor([[0.0, 0.0]]))
        tensor([[0.5, 0.5]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        """The softmax of ``x`` along ``self.dim``.

        Examples:
            >>> nn.Softmax().forward(tg.tensor([1.0, 1.0, 1.0, 1.0]))
            tensor([0.25, 0.25, 0.25, 0.25])
        """
        return F.softmax(x, self.dim)

    def extra_repr(self) -> str:
        """``"dim=…"``.

        Examples:
            >>> nn.Softmax(dim=1)
            Softmax(dim=1)
        """
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log softmax(x)_i = x_i − log Σ_k exp(x_k) along ``dim`` (``F.log_softmax``).

    Computed stably (finite for any finite input). Followed by ``NLLLoss`` it is
    ``CrossEntropyLoss``. Its gradient is ∂ℰ/∂x = g − softmax(x) · Σ_k g_k for the
    upstream gradient g.

    Args:
        dim: the dimension of the classes.

    Shapes:
        ``(*)`` → ``(*)``.

    Examples:
        >>> nn.LogSoftmax(dim=1)(tg.tensor([[0.0, 0.0]]))
        tensor([[-0.6931, -0.6931]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        """The log-softmax of ``x`` along ``self.dim``.

        Examples:
            >>> nn.LogSoftmax().forward(tg.tensor([1.0, 1.0])).exp()
            tensor([0.5, 0.5])
        """
        return F.log_softmax(x, self.dim)

    def extra_repr(self) -> str:
        """``"dim=…"``.

        Examples:
            >>> nn.LogSoftmax(dim=-1)
            LogSoftmax(dim=-1)
        """
        return f"dim={self.dim}"


class Flatten(Module):
    """Merge dims ``start_dim … end_dim`` (inclusive, negative counts from the end) into one.

    The defaults keep the batch dim 0 and flatten the rest, e.g. 5×5 digit images into the
    lecture's 25-pixel input vectors. The gradient is reshaped back.

    Args:
        start_dim: the first dim to merge.
        end_dim: the last dim to merge.

    Shapes:
        ``(N, 5, 5)`` → ``(N, 25)`` with the defaults.

    Examples:
        >>> nn.Flatten()(tg.zeros(2, 5, 5)).shape
        (2, 25)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        """``x.flatten(start_dim, end_dim)``.

        Examples:
            >>> nn.Flatten(0, -1).forward(tg.zeros(2, 3, 4)).shape
            (24,)
        """
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        """``"start_dim=…, end_dim=…"``.

        Examples:
            >>> nn.Flatten()
            Flatten(start_dim=1, end_dim=-1)
        """
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


# --------------------------------------------------------------------------- more activations


class LeakyReLU(Module):
    """``x`` for x > 0, else ``negative_slope · x``, elementwise (``F.leaky_relu``).

    Args:
        negative_slope: the slope for negative inputs.
        inplace: accepted for PyTorch code; no effect.

    Shapes:
        ``(*)`` → ``(*)``.

    Examples:
        >>> nn.LeakyReLU(0.1)(tg.tensor([-1.0, 2.0]))
        tensor([-0.1,  2. ])
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, x: Tensor) -> Tensor:
        """``F.leaky_relu(x, negative_slope)``."""
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        """``"negative_slope=…"`` (and ``", inplace=True"``), as PyTorch."""
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    """The Gaussian error linear unit ``x Φ(x)`` (``F.gelu``), exact or with tanh.

    Args:
        approximate: ``"none"`` (erf) or ``"tanh"``.

    Shapes:
        ``(*)`` → ``(*)``.

    Examples:
        >>> nn.GELU()(tg.tensor([1.0]))
        tensor([0.8413])
        >>> nn.GELU(approximate="tanh")
        GELU(approximate='tanh')
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        """``F.gelu(x, approximate)``."""
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        """``"approximate='none'"``, as PyTorch."""
        return f"approximate={self.approximate!r}"


class ELU(Module):
    """``x`` for x > 0, else ``alpha (eˣ − 1)``, elementwise (``F.elu``).

    Args:
        alpha: the negative branch's scale (its limit at −∞ is −alpha).
        inplace: accepted for PyTorch code; no effect.

    Shapes:
        ``(*)`` → ``(*)``.

    Examples:
        >>> nn.ELU(alpha=2.0)(tg.tensor([0.0, 1.0]))
        tensor([0., 1.])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, x: Tensor) -> Tensor:
        """``F.elu(x, alpha)``."""
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        """``"alpha=…"`` (and ``", inplace=True"``), as PyTorch."""
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Softplus(Module):
    """``(1/β) log(1 + e^(βx))``, and ``x`` where βx > threshold (``F.softplus``).

    Args:
        beta: the sharpness β.
        threshold: above βx = threshold the function is taken as linear.

    Shapes:
        ``(*)`` → ``(*)``.

    Examples:
        >>> nn.Softplus()(tg.tensor([0.0]))
        tensor([0.6931])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Tensor) -> Tensor:
        """``F.softplus(x, beta, threshold)``."""
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        """``"beta=…, threshold=…"``, as PyTorch."""
        return f"beta={self.beta}, threshold={self.threshold}"


class Dropout(Module):
    """Inverted dropout (``F.dropout``): in training, zero each element with probability ``p``
    and scale the others by 1/(1 − p); after ``eval()``, the identity.

    The book's dropout network (API.md §9) uses it after each hidden layer. Masks come from
    the package's generator (``tg.manual_seed``).

    Args:
        p: the probability of zeroing an element, in [0, 1].
        inplace: accepted for PyTorch code; no effect.

    Raises:
        ValueError: for ``p`` outside [0, 1].

    Shapes:
        ``(*)`` → ``(*)``.

    Examples:
        >>> drop = nn.Dropout(p=0.2)
        >>> drop
        Dropout(p=0.2, inplace=False)
        >>> x = tg.ones(3)
        >>> drop.eval()(x) is x
        True
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        F._check_probability(p, "Dropout")
        self.p, self.inplace = p, inplace

    def forward(self, x: Tensor) -> Tensor:
        """``F.dropout(x, p, training=self.training)``."""
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        """``"p=…, inplace=…"``, as PyTorch."""
        return f"p={self.p}, inplace={self.inplace}"


# --------------------------------------------------------------------------- convolution, pooling


def _float_dtype(dtype: Any, device: Any, name: str) -> np.dtype:
    """The parameters' dtype (the default dtype when ``None``), after checking the device."""
    available_device(device, name)
    dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{name}: dtype must be floating, got {dtype}")
    return dtype


class Conv2d(Module):
    """A 2-D convolution layer (``F.conv2d``): ``O`` filters of shape ``(C, KH, KW)``.

    out[n, o] = b_o + Σ_c W[o, c] ⋆ x[n, c] (⋆ cross-correlation with ``stride``,
    ``padding`` and ``dilation``), computed as one matrix product of the input's windows
    with the filters. ``weight`` ``(out_channels, in_channels / groups, KH, KW)`` and ``bias``
    ``(out_channels,)`` are initialised as PyTorch's: U(−1/√fan_in, 1/√fan_in) with
    fan_in = in_channels / groups · KH · KW (the weight through ``kaiming_uniform_(a=√5)``).

    Args:
        in_channels: C, the input's channels.
        out_channels: O, the number of filters.
        kernel_size: an int or ``(KH, KW)``.
        stride: an int or a pair.
        padding: an int, a pair, ``"valid"`` or ``"same"``.
        dilation: an int or a pair.
        groups: split the channels into this many groups (both channel counts divisible by
            it); ``groups = in_channels`` is a depthwise convolution.
        bias: add a learnable bias per filter.
        padding_mode: only ``"zeros"``.
        device: only the CPU (``None``, ``"cpu"``); another raises ``DeviceUnavailableError``.
        dtype: the parameters' floating dtype (the default dtype when ``None``).

    Raises:
        ValueError: for an invalid padding string, ``"same"`` with a stride, an unknown
            ``padding_mode``, or channel counts not divisible by ``groups``.
        NotImplementedError: for a padding mode other than zeros.

    Shapes:
        ``(N, C, H, W)`` → ``(N, O, OH, OW)``, OH = ⌊(H + 2p − d (KH − 1) − 1) / s⌋ + 1.

    Examples:
        >>> conv = nn.Conv2d(1, 20, 9)  # the book's 20 filters of 9×9
        >>> conv
        Conv2d(1, 20, kernel_size=(9, 9), stride=(1, 1))
        >>> conv(tg.zeros(100, 1, 28, 28)).shape
        (100, 20, 20, 20)
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
        _check_conv_settings(in_channels, out_channels, groups, padding_mode)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = F._pair(kernel_size, "kernel_size", "Conv2d")
        self.stride = F._pair(stride, "stride", "Conv2d")
        self.dilation = F._pair(dilation, "dilation", "Conv2d")
        F._conv_padding(padding, self.kernel_size, self.stride, self.dilation)  # validates
        self.padding = (
            padding if isinstance(padding, str) else F._pair(padding, "padding", "Conv2d")
        )
        self.groups, self.padding_mode = groups, padding_mode
        dtype = _float_dtype(dtype, device, "Conv2d")
        shape = (self.out_channels, self.in_channels // groups, *self.kernel_size)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: W by ``kaiming_uniform_(a=√5)``, b ~ U(−1/√fan_in, 1/√fan_in)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * self.kernel_size[0] * self.kernel_size[1]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        """``F.conv2d`` with this layer's filters and settings."""
        return F.conv2d(
            x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        """The settings that differ from the defaults, as PyTorch prints them."""
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


def _check_conv_settings(
    in_channels: int, out_channels: int, groups: int, padding_mode: str
) -> None:
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"Conv2d: {name} must be a positive int, got {value!r}")
    if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
        raise ValueError(
            "Conv2d: padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', "
            f"got {padding_mode!r}"
        )
    if padding_mode != "zeros":
        raise NotImplementedError(
            f"Conv2d: only padding_mode='zeros' is implemented, got {padding_mode!r}"
        )
    _check_groups(in_channels, out_channels, groups, "Conv2d")


def _check_groups(in_channels: int, out_channels: int, groups: int, layer: str) -> None:
    """``groups`` is a positive int dividing both channel counts (PyTorch's ``ValueError``)."""
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups <= 0:
        raise ValueError(f"{layer}: groups must be a positive integer, got {groups!r}")
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if value % groups:
            raise ValueError(f"{layer}: {name}={value} must be divisible by groups={groups}")


class _MaxPoolNd(Module):
    """The settings, ``forward`` and ``repr`` shared by ``MaxPool1d`` and ``MaxPool2d``; a
    subclass names its pooling function as ``_pool``."""

    _pool: Any

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        dilation: Any = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x: Tensor) -> Any:
        """The pooling function with this layer's settings."""
        return type(self)._pool(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )

    def extra_repr(self) -> str:
        """The settings, as PyTorch prints them."""
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool2d(_MaxPoolNd):
    """2-D max pooling (``F.max_pool2d``): the largest value of each window.

    Args:
        kernel_size: the window, an int or a pair.
        stride: the step; ``None`` means ``kernel_size``.
        padding: −∞ on each side, at most half the kernel.
        dilation: the spacing of the window's taps.
        return_indices: also return the maxima's positions.
        ceil_mode: count a last, partial window (``F.max_pool2d``, ``F.avg_pool2d``).

    Shapes:
        ``(N, C, H, W)`` → ``(N, C, OH, OW)``.

    Examples:
        >>> pool = nn.MaxPool2d(2)
        >>> pool
        MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
        >>> pool(tg.arange(16.0).reshape(1, 1, 4, 4))
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """

    _pool = staticmethod(F.max_pool2d)


class AvgPool2d(Module):
    """2-D average pooling (``F.avg_pool2d``): the mean of each window.

    The book's 2×2 mean pooling is ``AvgPool2d(2)``.

    Args:
        kernel_size: the window, an int or a pair.
        stride: the step; ``None`` means ``kernel_size``.
        padding: zeros on each side, at most half the kernel.
        ceil_mode: count a last, partial window (``F.max_pool2d``, ``F.avg_pool2d``).
        count_include_pad: count the padding in the mean's denominator.
        divisor_override: a fixed denominator instead.

    Shapes:
        ``(N, C, H, W)`` → ``(N, C, OH, OW)``.

    Examples:
        >>> pool = nn.AvgPool2d(2)
        >>> pool
        AvgPool2d(kernel_size=2, stride=2, padding=0)
        >>> pool(tg.ones(1, 20, 20, 20)).shape
        (1, 20, 10, 10)
    """

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x: Tensor) -> Tensor:
        """``F.avg_pool2d`` with this layer's settings."""
        return F.avg_pool2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        """The settings, as PyTorch prints them."""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


# --------------------------------------------------------------------------- embeddings


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim`` (``F.embedding``).

    ``weight`` is drawn from N(0, 1), as PyTorch's, with the row ``padding_idx`` (if any)
    set to zero; that row receives no gradient.

    Args:
        num_embeddings: the table's rows (the vocabulary size).
        embedding_dim: each vector's size.
        padding_idx: a row that stays zero and gets no gradient (negative counts from the end).
        max_norm: renormalise looked-up rows longer than this, in place.
        norm_type: the p of the p-norm for ``max_norm``.
        scale_grad_by_freq: only ``False``.
        sparse: only ``False``.
        device: only the CPU (``None``, ``"cpu"``); another raises ``DeviceUnavailableError``.
        dtype: the table's floating dtype (the default dtype when ``None``).

    Raises:
        ValueError: for a ``padding_idx`` outside the table.

    Shapes:
        input ``(*)`` integer indices → ``(*, embedding_dim)``.

    Examples:
        >>> emb = nn.Embedding(10, 3, padding_idx=0)
        >>> emb
        Embedding(10, 3, padding_idx=0)
        >>> emb(tg.tensor([[0, 4]])).shape, emb.weight[0].tolist()
        ((1, 2, 3), [0.0, 0.0, 0.0])
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        if padding_idx is not None:
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise ValueError(
                    f"Embedding: padding_idx must be within num_embeddings={num_embeddings}, "
                    f"got {padding_idx}"
                )
            padding_idx = padding_idx % self.num_embeddings
        self.padding_idx, self.max_norm, self.norm_type = padding_idx, max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        dtype = _float_dtype(dtype, device, "Embedding")
        if _weight is None:
            self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), dtype))
            self.reset_parameters()
        else:
            self.weight = Parameter(np.asarray(_weight), requires_grad=not _freeze)
            if self.weight.shape != (self.num_embeddings, self.embedding_dim):
                raise ValueError(
                    f"Embedding: _weight of shape {self.weight.shape} is not "
                    f"({num_embeddings}, {embedding_dim})"
                )

    @classmethod
    def from_pretrained(
        cls, embeddings: Any, freeze: bool = True, padding_idx: int | None = None, **kwargs: Any
    ) -> Embedding:
        """An embedding whose table is ``embeddings`` (2-D), frozen unless ``freeze=False``.

        Examples:
            >>> emb = nn.Embedding.from_pretrained(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
            >>> emb(tg.tensor([1])), emb.weight.requires_grad
            (tensor([[3., 4.]]), False)
        """
        rows, dim = np.shape(embeddings)
        return cls(
            rows,
            dim,
            padding_idx=padding_idx,
            _weight=np.array(embeddings),
            _freeze=freeze,
            **kwargs,
        )

    def reset_parameters(self) -> None:
        """Draw the table from N(0, 1) and zero the ``padding_idx`` row, as PyTorch."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.numpy()[self.padding_idx] = 0
            increment_version(self.weight)

    def forward(self, input: Any) -> Tensor:
        """``F.embedding`` with this layer's table and settings."""
        return F.embedding(
            input,
            self.weight,
            self.padding_idx,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.sparse,
        )

    def extra_repr(self) -> str:
        """The sizes and the settings that differ from the defaults, as PyTorch."""
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        return text


# --------------------------------------------------------------------------- normalisation


class _BatchNorm(Module):
    """Batch normalisation with running statistics (``F.batch_norm``); see ``BatchNorm1d``."""

    _input_dims: tuple[int, ...] = ()

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = _float_dtype(dtype, device, type(self).__name__)
        self.register_parameter("weight", None)
        self.register_parameter("bias", None)
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype))
        if affine and bias:
            self.bias = Parameter(np.zeros(self.num_features, dtype))
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(self.num_features, dtype)))
            self.register_buffer("running_var", Tensor(np.ones(self.num_features, dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            self.running_mean.numpy()[...] = 0
            self.running_var.numpy()[...] = 1
            self.num_batches_tracked.numpy()[...] = 0
            increment_version([self.running_mean, self.running_var, self.num_batches_tracked])

    def reset_parameters(self) -> None:
        """Reset the running statistics, and γ = 1, β = 0."""
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: Tensor) -> Tensor:
        """Normalise with the batch's statistics in training (updating the running ones),
        with the running statistics at evaluation (when tracked)."""
        if x.ndim not in self._input_dims:
            dims = " or ".join(f"{d}D" for d in self._input_dims)
            raise ValueError(f"{type(self).__name__}: expected {dims} input (got {x.ndim}D input)")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.numpy()[...] += 1
            increment_version(self.num_batches_tracked)
            if self.momentum is None:  # a cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked.numpy())
        use_batch = self.training or self.running_mean is None
        tracked = not self.training or self.track_running_stats
        return F.batch_norm(
            x,
            self.running_mean if tracked else None,
            self.running_var if tracked else None,
            self.weight,
            self.bias,
            use_batch,
            factor,
            self.eps,
        )

    def extra_repr(self) -> str:
        """The settings, as PyTorch prints them."""
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of ``(N, C)`` or ``(N, C, L)`` inputs, per channel C.

    In training, y = γ (x − μ_B) / √(σ²_B + eps) + β with the batch's mean and biased
    variance per channel, and the buffers ``running_mean`` and ``running_var`` move towards
    the batch's mean and unbiased variance by ``momentum`` (``None``: a cumulative average);
    ``num_batches_tracked`` counts the batches. After ``eval()`` the running statistics are
    used. The ``state_dict`` keys are PyTorch's.

    Args:
        num_features: C.
        eps: added to the variance.
        momentum: the running statistics' update factor, or ``None`` for a cumulative average.
        affine: learnable γ (``weight``, ones) and β (``bias``, zeros).
        track_running_stats: keep running statistics (else batch statistics always).
        device: only the CPU (``None``, ``"cpu"``); another raises ``DeviceUnavailableError``.
        dtype: the floating dtype (the default dtype when ``None``).
        bias: learnable β (with ``affine``; keyword only).

    Shapes:
        ``(N, C)`` or ``(N, C, L)`` → the same.

    Examples:
        >>> bn = nn.BatchNorm1d(2)
        >>> bn(tg.tensor([[1.0, 10.0], [3.0, 30.0]]))
        tensor([[-1., -1.],
                [ 1.,  1.]], grad_fn=<AddBackward>)
        >>> bn.running_mean, list(bn.state_dict())[-1]
        (tensor([0.2, 2. ]), 'num_batches_tracked')
    """

    _input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of images ``(N, C, H, W)``, per channel C (as ``BatchNorm1d``).

    Shapes:
        ``(N, C, H, W)`` → the same.

    Examples:
        >>> nn.BatchNorm2d(20)
        BatchNorm2d(20, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    _input_dims = (4,)


class LayerNorm(Module):
    """Layer normalisation over the last dims (``F.layer_norm``), per sample.

    y = (x − μ) / √(σ² + eps) · γ + β, with μ and the biased σ² over ``normalized_shape``;
    γ (``weight``, ones) and β (``bias``, zeros) have that shape.

    Args:
        normalized_shape: an int or the shape of the last dims.
        eps: added to the variance.
        elementwise_affine: learnable γ and β.
        bias: learnable β (with ``elementwise_affine``).
        device: only the CPU (``None``, ``"cpu"``); another raises ``DeviceUnavailableError``.
        dtype: the floating dtype (the default dtype when ``None``).

    Shapes:
        ``(*, *normalized_shape)`` → the same.

    Examples:
        >>> norm = nn.LayerNorm(2)
        >>> norm
        LayerNorm((2,), eps=1e-05, elementwise_affine=True, bias=True)
        >>> norm(tg.tensor([[1.0, 3.0]]))
        tensor([[-1.,  1.]], grad_fn=<AddBackward>)
    """

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = _float_dtype(dtype, device, "LayerNorm")
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype))
        else:
            self.register_parameter("weight", None)
        if elementwise_affine and bias:
            self.bias = Parameter(np.zeros(self.normalized_shape, dtype))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        """``F.layer_norm`` with this layer's shape, γ, β and eps."""
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        """The settings, as PyTorch prints them."""
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )


class Dropout2d(Module):
    """Channel dropout (``F.dropout2d``): in training, zero whole channels of ``(N, C, H, W)``
    inputs with probability ``p`` and scale the others by 1/(1 − p); identity after ``eval()``.

    Args:
        p: the probability of zeroing a channel, in [0, 1].
        inplace: accepted for PyTorch code; no effect.

    Examples:
        >>> nn.Dropout2d(0.25)
        Dropout2d(p=0.25, inplace=False)
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        F._check_probability(p, "Dropout2d")
        self.p, self.inplace = p, inplace

    def forward(self, x: Tensor) -> Tensor:
        """``F.dropout2d(x, p, training=self.training)``."""
        return F.dropout2d(x, self.p, self.training)

    def extra_repr(self) -> str:
        """``"p=…, inplace=…"``, as PyTorch."""
        return f"p={self.p}, inplace={self.inplace}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (``F.adaptive_avg_pool2d``), e.g. ``1`` for the
    global average before a classifier.

    Args:
        output_size: an int or ``(OH, OW)`` (``None`` keeps that side).

    Shapes:
        ``(N, C, H, W)`` → ``(N, C, OH, OW)``.

    Examples:
        >>> pool = nn.AdaptiveAvgPool2d((1, 1))
        >>> pool, pool(tg.ones(2, 3, 5, 7)).shape
        (AdaptiveAvgPool2d(output_size=(1, 1)), (2, 3, 1, 1))
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        """``F.adaptive_avg_pool2d(x, output_size)``."""
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        """``"output_size=…"``, as PyTorch."""
        return f"output_size={self.output_size}"
