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
        dtype: the parameters' floating dtype (``float32`` when ``None``).

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

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"Linear: {name} must be a non-negative int, got {value!r}")
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        if dtype.kind != "f":
            raise TypeError(f"Linear: dtype must be floating, got {dtype}")
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
