"""recurrent.py: PyTorch's recurrent layers ``RNN``, ``LSTM``, ``GRU`` and their cells.

Each layer is a Python loop over time steps, composed from differentiable tensor operations
(``F.linear``, ``sigmoid``, ``tanh``, indexing, ``stack``), so back-propagation through time
and second derivatives come from the engine with no rule of their own. The sequence is
split into its time steps once, and layers pass lists of steps to each other, stacked only
at the end (``stack``'s gradient is one slice per step, so the backward stays linear in the
length). Parameter names, shapes, gate order, initialisation, arguments and return values
are PyTorch's, so a ``state_dict`` moves both ways:

- RNN:  h' = φ(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), φ = tanh or relu.
- LSTM: (i, f, g, o) = split(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); i, f, o through σ, g through
  tanh; c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c') (times W_hrᵀ with ``proj_size``).
- GRU:  (r, z, n) gates: r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr), z likewise,
  n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)); h' = (1 − z) ⊙ n + z ⊙ h.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..creation import zeros
from ..tensor import Tensor, cat, stack
from . import functional as F
from . import init
from .layers import _float_dtype
from .module import Module, Parameter
from .utils.rnn import PackedSequence

State = tuple[Tensor, ...]
# (weight_hh, bias_hh or None, weight_hr or None): what one step needs besides its input
StepWeights = tuple[Tensor, Tensor | None, Tensor | None]
Step = Callable[[Tensor, State, StepWeights], State]
# (weight_ih, weight_hh, bias_ih, bias_hh, weight_hr) of one layer and direction
LayerWeights = tuple[Tensor, Tensor, Tensor | None, Tensor | None, Tensor | None]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# --------------------------------------------------------------------------- one time step


def _rnn_tanh_step(gi: Tensor, state: State, weights: StepWeights) -> State:
    w_hh, b_hh, _ = weights
    return ((gi + F.linear(state[0], w_hh, b_hh)).tanh(),)


def _rnn_relu_step(gi: Tensor, state: State, weights: StepWeights) -> State:
    w_hh, b_hh, _ = weights
    return (F.relu(gi + F.linear(state[0], w_hh, b_hh)),)


def _lstm_step(gi: Tensor, state: State, weights: StepWeights) -> State:
    w_hh, b_hh, w_hr = weights
    h, c = state
    i, f, g, o = (gi + F.linear(h, w_hh, b_hh)).chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    return (h if w_hr is None else F.linear(h, w_hr), c)


def _gru_step(gi: Tensor, state: State, weights: StepWeights) -> State:
    w_hh, b_hh, _ = weights
    h = state[0]
    x_r, x_z, x_n = gi.chunk(3, -1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, -1)
    r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return (n + z * (h - n),)  # (1 − z) n + z h, one product fewer


_STEPS: dict[str, Step] = {
    "RNN_TANH": _rnn_tanh_step,
    "RNN_RELU": _rnn_relu_step,
    "LSTM": _lstm_step,
    "GRU": _gru_step,
}


def _run_direction(
    step: Step,
    xs: list[Tensor],
    state: State,
    weights: LayerWeights,
    reverse: bool,
    batch_sizes: list[int] | None = None,
) -> tuple[list[Tensor], State]:
    """One layer in one direction over a sequence given as its time steps ``(N, H_in)``:
    the outputs ``(N, H_out)`` (in time order also when ``reverse``) and the final state.

    With ``batch_sizes`` (a packed sequence, longest first), step t updates only the first
    ``batch_sizes[t]`` rows of the state; the others keep theirs: the final state of a
    sequence that ended, or the initial state of one that has not begun (in reverse)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    outputs: list[Tensor] = [None] * len(xs)  # type: ignore[list-item]  # each filled below
    for t in reversed(range(len(xs))) if reverse else range(len(xs)):
        n = state[0].shape[0] if batch_sizes is None else batch_sizes[t]
        partial = n < state[0].shape[0]
        active = tuple(s[:n] for s in state) if partial else state
        # the input term per step, not one product over the sequence indexed per step: the
        # gradient of each such index would be a zero array of the whole sequence's size,
        # O(L²) work in the backward
        new = step(F.linear(xs[t], w_ih, b_ih), active, (w_hh, b_hh, w_hr))
        outputs[t] = new[0]
        state = tuple(cat([a, s[n:]], dim=0) for a, s in zip(new, state)) if partial else new
    return outputs, state


# --------------------------------------------------------------------------- argument checks


def _check_size(value: Any, name: str, layer: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{layer}: {name} should be of type int, got: {type(value).__name__}")
    if value < minimum:
        bound = "greater than zero" if minimum == 1 else "non-negative"
        raise ValueError(f"{layer}: {name} must be {bound}, got {value}")
    return int(value)


def _check_dropout(dropout: Any, num_layers: int, layer: str) -> float:
    valid = isinstance(dropout, numbers.Real) and not isinstance(dropout, bool)
    if not valid or not 0 <= dropout <= 1:
        raise ValueError(
            f"{layer}: dropout should be a number in range [0, 1] representing the "
            f"probability of an element being zeroed, got {dropout!r}"
        )
    if dropout > 0 and num_layers == 1:
        warnings.warn(
            f"{layer}: dropout adds dropout after all but the last recurrent layer, so a "
            f"non-zero dropout expects num_layers greater than 1, but got dropout={dropout} "
            f"and num_layers={num_layers}",
            UserWarning,
            stacklevel=3,
        )
    return float(dropout)


def _check_dtype(x: Tensor, weight: Tensor, layer: str) -> None:
    if x.dtype != weight.dtype:
        raise ValueError(
            f"{layer}: input dtype ({x.dtype}) does not match weight dtype ({weight.dtype}). "
            f"Convert the input (input.to({weight.dtype})) or the model (model.to({x.dtype}))"
        )


def _nonlinearity_mode(nonlinearity: str, layer: str) -> str:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(
            f"{layer}: unknown nonlinearity {nonlinearity!r}. Select from 'tanh' or 'relu'."
        )
    return "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"


# --------------------------------------------------------------------------- the layers


class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: the parameters, their names and
    initialisation, the checks and the loop over layers and directions.

    ``mode`` is PyTorch's: ``"RNN_TANH"``, ``"RNN_RELU"``, ``"LSTM"`` or ``"GRU"``. Use the
    subclasses; their docstrings give the arguments and shapes.

    Examples:
        >>> rnn = nn.RNNBase("GRU", 3, 4)
        >>> [name for name, _ in rnn.named_parameters()]
        ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
    """

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if mode not in _GATES:
            raise ValueError(f"{name}: unknown mode {mode!r}, expected one of {list(_GATES)}")
        self.mode = mode
        self.input_size = _check_size(input_size, "input_size", name, minimum=0)
        self.hidden_size = _check_size(hidden_size, "hidden_size", name)
        self.num_layers = _check_size(num_layers, "num_layers", name)
        self.proj_size = _check_proj_size(proj_size, self.hidden_size, mode, name)
        self.dropout = _check_dropout(dropout, self.num_layers, name)
        self.bias, self.batch_first = bool(bias), bool(batch_first)
        self.bidirectional = bool(bidirectional)
        self._flat_weights_names: list[str] = []
        self._make_parameters(_float_dtype(dtype, device, name))
        self.reset_parameters()

    def _make_parameters(self, dtype: np.dtype) -> None:
        """weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, weight_hr_l{k} per
        layer k and direction (suffix ``_reverse``), in PyTorch's order."""
        gates = _GATES[self.mode] * self.hidden_size
        real_hidden = self.proj_size or self.hidden_size
        directions = 2 if self.bidirectional else 1
        for layer in range(self.num_layers):
            layer_input = self.input_size if layer == 0 else real_hidden * directions
            for suffix in ("", "_reverse")[:directions]:
                shapes: dict[str, tuple[int, ...]] = {
                    "weight_ih": (gates, layer_input),
                    "weight_hh": (gates, real_hidden),
                }
                if self.bias:
                    shapes |= {"bias_ih": (gates,), "bias_hh": (gates,)}
                if self.proj_size:
                    shapes["weight_hr"] = (self.proj_size, self.hidden_size)
                for kind, shape in shapes.items():
                    param_name = f"{kind}_l{layer}{suffix}"
                    setattr(self, param_name, Parameter(np.empty(shape, dtype=dtype)))
                    self._flat_weights_names.append(param_name)

    def reset_parameters(self) -> None:
        """PyTorch's default: every weight and bias ~ U(−1/√hidden_size, 1/√hidden_size).

        Examples:
            >>> lstm = nn.LSTM(2, 4)
            >>> lstm.reset_parameters()
            >>> bool(lstm.weight_hh_l0.abs().max() <= 0.5)
            True
        """
        bound = 1 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def flatten_parameters(self) -> None:
        """Nothing to do (PyTorch packs the weights for cuDNN); kept for PyTorch code."""

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction, as PyTorch's ``all_weights``."""
        per_cell = len(self._flat_weights_names) // (self.num_layers * self._directions)
        names = self._flat_weights_names
        return [
            [getattr(self, n) for n in names[k : k + per_cell]]
            for k in range(0, len(names), per_cell)
        ]

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    def _weights(self, layer: int, direction: int) -> LayerWeights:
        """(w_ih, w_hh, b_ih, b_hh, w_hr) of one layer and direction (``None`` if absent)."""
        suffix = f"_l{layer}{'_reverse' if direction else ''}"
        w_ih: Tensor = getattr(self, "weight_ih" + suffix)
        w_hh: Tensor = getattr(self, "weight_hh" + suffix)
        optional = [getattr(self, k + suffix, None) for k in ("bias_ih", "bias_hh", "weight_hr")]
        return w_ih, w_hh, optional[0], optional[1], optional[2]

    def forward(self, input: Tensor | PackedSequence, hx: Any = None) -> tuple[Any, Any]:
        """Run the layers over the sequence: ``(output, h_n)``; for LSTM ``(output, (h_n,
        c_n))``. The class docstrings give the shapes. For a ``PackedSequence`` input the
        output is packed the same way, and h_n holds each sequence's state after its own
        last step."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        x = F._tensor(input, type(self).__name__)
        self._check_input(x)
        batched = x.ndim == 3
        if not batched:
            x = x.unsqueeze(1)
        elif self.batch_first:
            x = x.transpose(0, 1)
        state = self._initial_state(hx, x.shape[1], x.dtype, batched)
        outputs, finals = self._layers([x[t] for t in range(x.shape[0])], state)
        output = stack(outputs)
        if not batched:
            output, finals = output.squeeze(1), tuple(f.squeeze(1) for f in finals)
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, (finals if self.mode == "LSTM" else finals[0])

    def _forward_packed(self, packed: PackedSequence, hx: Any) -> tuple[PackedSequence, Any]:
        """``forward`` for a packed sequence: the steps of ``packed.data`` as the layers'
        input, the initial and final states in the caller's order."""
        name = type(self).__name__
        data = F._tensor(packed.data, name)
        if data.ndim != 2 or data.shape[-1] != self.input_size:
            raise RuntimeError(
                f"{name}: a PackedSequence's data must have shape (steps, {self.input_size}), "
                f"got {tuple(data.shape)}"
            )
        _check_dtype(data, self.weight_ih_l0, name)
        sizes = [int(n) for n in packed.batch_sizes.tolist()]
        state = self._initial_state(hx, sizes[0], data.dtype, batched=True)
        if packed.sorted_indices is not None:
            state = tuple(s[:, packed.sorted_indices.numpy()] for s in state)
        starts = np.cumsum([0, *sizes])
        xs = [data[starts[t] : starts[t + 1]] for t in range(len(sizes))]
        outputs, finals = self._layers(xs, state, sizes)
        if packed.unsorted_indices is not None:
            finals = tuple(f[:, packed.unsorted_indices.numpy()] for f in finals)
        output = PackedSequence(cat(outputs, dim=0), *packed[1:])
        return output, (finals if self.mode == "LSTM" else finals[0])

    def _layers(
        self, xs: list[Tensor], state: State, batch_sizes: list[int] | None = None
    ) -> tuple[list[Tensor], State]:
        """Every layer and direction over the time steps ``xs``; the last layer's steps and
        the final states stacked as ``(num_layers * directions, N, H)``."""
        step = _STEPS[self.mode]
        finals: list[State] = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self._directions):
                k = layer * self._directions + direction
                start = tuple(s[k] for s in state)
                weights = self._weights(layer, direction)
                reverse = direction == 1
                out, final = _run_direction(step, xs, start, weights, reverse, batch_sizes)
                outputs.append(out)
                finals.append(final)
            xs = outputs[0] if len(outputs) == 1 else [cat(pair, dim=1) for pair in zip(*outputs)]
            if layer < self.num_layers - 1 and self.dropout > 0 and self.training:
                xs = [F.dropout(x_t, self.dropout) for x_t in xs]
        return xs, tuple(stack([f[i] for f in finals]) for i in range(len(finals[0])))

    def _check_input(self, x: Tensor) -> None:
        name = type(self).__name__
        if x.ndim not in (2, 3):
            raise ValueError(
                f"{name}: Expected input to be 2D or 3D, got {x.ndim}D instead "
                f"(input shape {tuple(x.shape)})"
            )
        if x.shape[-1] != self.input_size:
            raise RuntimeError(
                f"{name}: input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {x.shape[-1]} (input shape {tuple(x.shape)})"
            )
        length = x.shape[1 if self.batch_first and x.ndim == 3 else 0]
        if length == 0:
            raise RuntimeError(f"{name}: Expected sequence length to be larger than 0")
        _check_dtype(x, self.weight_ih_l0, name)

    def _state_shapes(self, batch: int) -> list[tuple[int, int, int]]:
        layers = self.num_layers * self._directions
        shapes = [(layers, batch, self.proj_size or self.hidden_size)]
        if self.mode == "LSTM":
            shapes.append((layers, batch, self.hidden_size))
        return shapes

    def _initial_state(self, hx: Any, batch: int, dtype: Any, batched: bool) -> State:
        """The given initial state, as 3-D tensors, after checking it; zeros when ``None``."""
        shapes = self._state_shapes(batch)
        if hx is None:
            return tuple(zeros(shape, dtype=dtype) for shape in shapes)
        name = type(self).__name__
        given = _state_tuple(hx, len(shapes), name)
        wanted_dims = 3 if batched else 2
        if any(h.ndim != wanted_dims for h in given):
            dims = ", ".join(f"{h.ndim}-D" for h in given)
            kind = "batched 3-D" if batched else "unbatched 2-D"
            raise RuntimeError(
                f"{name}: for {kind} input, the initial state should also be "
                f"{wanted_dims}-D but got ({dims}) tensors"
            )
        if not batched:
            given = tuple(h.unsqueeze(1) for h in given)
        for position, (h, shape) in enumerate(zip(given, shapes)):
            if tuple(h.shape) != shape:
                which = f"hx[{position}]" if len(shapes) > 1 else "hx"
                raise RuntimeError(f"{name}: Expected {which} of size {shape}, got {list(h.shape)}")
        return given

    def extra_repr(self) -> str:
        """The sizes and every setting that differs from its default, as PyTorch prints them.

        Examples:
            >>> nn.GRU(3, 6, num_layers=2, batch_first=True)
            GRU(3, 6, num_layers=2, batch_first=True)
        """
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


def _check_proj_size(proj_size: Any, hidden_size: int, mode: str, layer: str) -> int:
    if isinstance(proj_size, bool) or not isinstance(proj_size, (int, np.integer)):
        raise TypeError(f"{layer}: proj_size should be of type int, got: {type(proj_size)}")
    if proj_size < 0:
        raise ValueError(
            f"{layer}: proj_size should be a positive integer or zero to disable projections"
        )
    if proj_size and mode != "LSTM":
        raise ValueError(f"{layer}: proj_size argument is only supported for LSTM")
    if proj_size >= hidden_size:
        raise ValueError(
            f"{layer}: proj_size has to be smaller than hidden_size, got {proj_size} >= "
            f"{hidden_size}"
        )
    return int(proj_size)


def _state_tuple(hx: Any, count: int, layer: str) -> State:
    """``hx`` as a tuple of ``count`` tensors: (h_0,) or, for LSTM, (h_0, c_0)."""
    if count == 1:
        if isinstance(hx, tuple):
            raise TypeError(f"{layer}: hx must be a tensor h_0, got a tuple")
        return (F._tensor(hx, layer, "hx"),)
    if not isinstance(hx, (tuple, list)) or len(hx) != count:
        raise TypeError(f"{layer}: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
    return tuple(F._tensor(h, layer, "hx") for h in hx)


class RNN(RNNBase):
    """An Elman recurrent layer (``num_layers`` stacked): h_t = φ(x_t W_ihᵀ + b_ih +
    h_(t−1) W_hhᵀ + b_hh), with φ = tanh (default) or relu.

    Layer k > 0 reads the previous layer's outputs (both directions concatenated), with
    dropout ``dropout`` between layers in training. The gradient flows back through time
    by the same composed operations (no hand-written rule).

    Args:
        input_size: features per time step (H_in).
        hidden_size: features of the hidden state (H_out).
        num_layers: stacked layers.
        nonlinearity: ``"tanh"`` or ``"relu"``.
        bias: learn b_ih and b_hh.
        batch_first: input and output as ``(N, L, H)`` instead of ``(L, N, H)``.
        dropout: dropout probability on the outputs of every layer but the last (training).
        bidirectional: also run each layer backwards in time (D = 2).
        device: only the CPU (``None``, ``"cpu"``), as ``Linear``'s.
        dtype: the parameters' floating dtype (the default dtype when ``None``).

    Shapes:
        input ``(L, N, H_in)`` (``(N, L, H_in)`` with ``batch_first``) or ``(L, H_in)``;
        h_0 ``(D·num_layers, N, H_out)`` or ``(D·num_layers, H_out)``, zeros when omitted;
        output ``(L, N, D·H_out)`` (the last layer's h_t for every t); h_n like h_0.

    The weights of layer k (suffix ``_reverse`` for the backward direction):
    ``weight_ih_lk`` ``(H_out, H_in)`` (``(H_out, D·H_out)`` for k > 0), ``weight_hh_lk``
    ``(H_out, H_out)``, ``bias_ih_lk`` and ``bias_hh_lk`` ``(H_out,)``; all drawn from
    U(−1/√H_out, 1/√H_out).

    Examples:
        >>> rnn = nn.RNN(3, 5, num_layers=2, batch_first=True)
        >>> output, h_n = rnn(tg.randn(4, 7, 3))  # 4 sequences of 7 steps
        >>> output.shape, h_n.shape
        ((4, 7, 5), (2, 4, 5))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        mode = _nonlinearity_mode(nonlinearity, "RNN")
        super().__init__(
            mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, device=device, dtype=dtype,
        )  # fmt: skip
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """A long short-term memory layer (``num_layers`` stacked), PyTorch's gate order i, f, g, o:

    (i, f, g, o) = x_t W_ihᵀ + b_ih + h_(t−1) W_hhᵀ + b_hh, split in four;
    c_t = σ(f) ⊙ c_(t−1) + σ(i) ⊙ tanh(g); h_t = σ(o) ⊙ tanh(c_t) (then h_t W_hrᵀ when
    ``proj_size > 0``).

    The arguments are ``RNN``'s (but ``nonlinearity``), and:

    Args:
        proj_size: when positive, project h_t to this size with ``weight_hr_lk``
            ``(proj_size, hidden_size)``; H_out is then proj_size.

    Shapes:
        input as ``RNN``'s; hx = (h_0, c_0) with h_0 ``(D·num_layers, N, H_out)`` and c_0
        ``(D·num_layers, N, hidden_size)`` (no N for unbatched input), zeros when omitted;
        returns ``output, (h_n, c_n)``, output ``(L, N, D·H_out)``.

    The weights: ``weight_ih_lk`` ``(4·hidden_size, H_in)``, ``weight_hh_lk``
    ``(4·hidden_size, H_out)``, ``bias_ih_lk`` and ``bias_hh_lk`` ``(4·hidden_size,)``, the
    rows of the four gates stacked in the order i, f, g, o.

    Examples:
        >>> lstm = nn.LSTM(3, 6, batch_first=True)
        >>> output, (h_n, c_n) = lstm(tg.randn(4, 5, 3))
        >>> output.shape, h_n.shape, c_n.shape
        ((4, 5, 6), (1, 4, 6), (1, 4, 6))
        >>> bool((output[:, -1] == h_n[0]).all())  # the last output is the final state
        True
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            "LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, proj_size, device, dtype,
        )  # fmt: skip


class GRU(RNNBase):
    """A gated recurrent unit layer (``num_layers`` stacked), PyTorch's gate order r, z, n:

    r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr), z = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz),
    n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)), h_t = (1 − z) ⊙ n + z ⊙ h_(t−1)
    (r multiplies the hidden term with its bias, as PyTorch and cuDNN do).

    The arguments are ``RNN``'s (but ``nonlinearity``). The weights: ``weight_ih_lk``
    ``(3·hidden_size, H_in)``, ``weight_hh_lk`` ``(3·hidden_size, hidden_size)``, the
    biases ``(3·hidden_size,)``, the rows stacked in the order r, z, n.

    Shapes:
        as ``RNN``'s: returns ``output, h_n``.

    Examples:
        >>> gru = nn.GRU(3, 4, bidirectional=True)
        >>> output, h_n = gru(tg.randn(6, 2, 3))  # time-major: 6 steps, batch of 2
        >>> output.shape, h_n.shape
        ((6, 2, 8), (2, 2, 4))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            "GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, device=device, dtype=dtype,
        )  # fmt: skip


# --------------------------------------------------------------------------- the cells


class RNNCellBase(Module):
    """What the cells share: ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` of
    ``num_chunks`` gates, U(−1/√hidden_size, 1/√hidden_size), and the input checks.

    Examples:
        >>> cell = nn.RNNCellBase(3, 4, bias=False, num_chunks=2)
        >>> [name for name, _ in cell.named_parameters()]
        ['weight_ih', 'weight_hh']
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.input_size = _check_size(input_size, "input_size", name, minimum=0)
        self.hidden_size = _check_size(hidden_size, "hidden_size", name)
        self.bias = bool(bias)
        dtype = _float_dtype(dtype, device, name)
        gates = num_chunks * self.hidden_size
        self.weight_ih = Parameter(np.empty((gates, self.input_size), dtype=dtype))
        self.weight_hh = Parameter(np.empty((gates, self.hidden_size), dtype=dtype))
        if self.bias:
            self.bias_ih = Parameter(np.empty(gates, dtype=dtype))
            self.bias_hh = Parameter(np.empty(gates, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: every weight and bias ~ U(−1/√hidden_size, 1/√hidden_size).

        Examples:
            >>> cell = nn.GRUCell(2, 4)
            >>> cell.reset_parameters()
            >>> bool(cell.weight_ih.abs().max() <= 0.5)
            True
        """
        bound = 1 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def _cell_step(self, step: Step, input: Any, hx: Any, count: int) -> State:
        """Check the input and state, run one step, drop the batch dim of unbatched input."""
        name = type(self).__name__
        x = F._tensor(input, name)
        if x.ndim not in (1, 2):
            raise ValueError(
                f"{name}: Expected input to be 1D or 2D, got {x.ndim}D instead "
                f"(input shape {tuple(x.shape)})"
            )
        if x.shape[-1] != self.input_size:
            raise RuntimeError(
                f"{name}: input has inconsistent input_size: got {x.shape[-1]} expected "
                f"{self.input_size} (input shape {tuple(x.shape)})"
            )
        _check_dtype(x, self.weight_ih, name)
        batched = x.ndim == 2
        x = x if batched else x.unsqueeze(0)
        state = self._cell_state(hx, x.shape[0], batched, count)
        gi = F.linear(x, self.weight_ih, self.bias_ih)
        new = step(gi, state, (self.weight_hh, self.bias_hh, None))
        return new if batched else tuple(h.squeeze(0) for h in new)

    def _cell_state(self, hx: Any, batch: int, batched: bool, count: int) -> State:
        name = type(self).__name__
        shape = (batch, self.hidden_size)
        if hx is None:
            return tuple(zeros(shape, dtype=self.weight_ih.dtype) for _ in range(count))
        given = _state_tuple(hx, count, name)
        if not batched:
            given = tuple(h.unsqueeze(0) if h.ndim == 1 else h for h in given)
        for position, h in enumerate(given):
            if tuple(h.shape) != shape:
                which = f"hx[{position}]" if count > 1 else "hx"
                raise RuntimeError(
                    f"{name}: Expected {which} of size {shape} for input of batch size "
                    f"{batch}, got {list(h.shape)}"
                )
        return given

    def extra_repr(self) -> str:
        """The sizes, then ``bias`` and ``nonlinearity`` when not the defaults, as PyTorch.

        Examples:
            >>> nn.RNNCell(3, 4, bias=False, nonlinearity="relu")
            RNNCell(3, 4, bias=False, nonlinearity=relu)
        """
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            text += f", nonlinearity={nonlinearity}"
        return text


class RNNCell(RNNCellBase):
    """One step of ``RNN``: h' = φ(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), φ = tanh or relu.

    The arguments ``input_size``, ``hidden_size``, ``bias``, ``nonlinearity``, ``device``
    and ``dtype`` are ``RNN``'s.

    Shapes:
        input ``(N, H_in)`` or ``(H_in,)``; hx ``(N, H_out)`` or ``(H_out,)``, zeros when
        omitted; returns h' of hx's shape.

    Examples:
        >>> cell = nn.RNNCell(3, 5)
        >>> h = None
        >>> for x_t in tg.randn(7, 2, 3):  # loop over time yourself
        ...     h = cell(x_t, h)
        >>> h.shape
        (2, 5)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        mode = _nonlinearity_mode(nonlinearity, "RNNCell")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity, self._step = nonlinearity, _STEPS[mode]

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """One step: the new hidden state h'."""
        return self._cell_step(self._step, input, hx, 1)[0]


class LSTMCell(RNNCellBase):
    """One step of ``LSTM`` (gate order i, f, g, o): returns ``(h', c')``.

    The arguments ``input_size``, ``hidden_size``, ``bias``, ``device`` and ``dtype`` are
    ``LSTM``'s.

    Shapes:
        input ``(N, H_in)`` or ``(H_in,)``; hx = (h, c), each ``(N, hidden_size)`` or
        ``(hidden_size,)``, zeros when omitted; returns (h', c') of the same shapes.

    Examples:
        >>> cell = nn.LSTMCell(3, 4)
        >>> h, c = cell(tg.randn(2, 3))
        >>> h, c = cell(tg.randn(2, 3), (h, c))
        >>> h.shape, c.shape
        ((2, 4), (2, 4))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Tensor]:
        """One step: ``(h', c')``."""
        h, c = self._cell_step(_lstm_step, input, hx, 2)
        return h, c


class GRUCell(RNNCellBase):
    """One step of ``GRU`` (gate order r, z, n; r multiplies h W_hnᵀ + b_hn).

    The arguments ``input_size``, ``hidden_size``, ``bias``, ``device`` and ``dtype`` are
    ``GRU``'s.

    Shapes:
        input ``(N, H_in)`` or ``(H_in,)``; hx ``(N, hidden_size)`` or ``(hidden_size,)``,
        zeros when omitted; returns h' of hx's shape.

    Examples:
        >>> cell = nn.GRUCell(3, 4)
        >>> cell(tg.randn(3)).shape  # one unbatched sample
        (4,)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """One step: the new hidden state h'."""
        return self._cell_step(_gru_step, input, hx, 1)[0]
