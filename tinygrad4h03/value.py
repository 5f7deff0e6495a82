"""The scalar node: ``Value``, micrograd's idea without micrograd's limits.

Each operation knows its local derivatives ∂out/∂input when it runs forward, so a ``Value``
stores those numbers (``_local``) beside its parents instead of a closure. The backward
step of the chain rule is then one multiplication per parent:
∂E/∂parent += ∂E/∂out · ∂out/∂parent. Python numbers used as operands are constants kept on
the operation; they never become graph nodes.

Floating-point behaviour follows IEEE floats, never Python's ``OverflowError``:
``Value(1000).exp()`` is ``inf``; ``tanh`` and ``sigmoid`` stay finite for any input.
``log`` of a non-positive number follows NumPy and PyTorch: ``log(0) = -inf`` and
``log(x < 0) = nan`` (with gradient ``1/x``), so a bad value shows up in the result instead
of raising in the middle of a graph.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from . import engine
from .engine import _state

Number = int | float
Operand = "Value | int | float"


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _log(x: float) -> float:
    if x > 0.0:
        return math.log(x)
    return -math.inf if x == 0.0 else math.nan


def _sigmoid(x: float) -> float:
    # 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) otherwise: no overflow either way.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _div(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _pow(a: float, b: float) -> float:
    try:
        result = a**b
    except OverflowError:
        return math.inf if a > 0 or (float(b).is_integer() and b % 2 == 0) else -math.inf
    except ZeroDivisionError:
        return math.inf
    return math.nan if isinstance(result, complex) else result


class Value:
    """A scalar that remembers how it was computed, so that ``backward()`` can differentiate it.

    >>> a = Value(2.0); b = Value(-3.0)
    >>> d = (a * b + a ** 2).tanh(); d.backward()
    >>> round(a.grad, 6), round(b.grad, 6)
    (0.070651, 0.141302)
    """

    __slots__ = ("_local", "_parents", "data", "grad", "label")

    requires_grad = True  # every Value takes part in the graph
    _retains_grad = True  # and keeps its gradient, as micrograd's do

    def __init__(self, data: Number, label: str = "") -> None:
        if isinstance(data, Value):
            data = data.data
        if not isinstance(data, numbers.Real):  # Python and NumPy real numbers only
            raise TypeError(f"Value(data) needs a real number, got {type(data).__name__}: {data!r}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._parents: tuple[Value, ...] = ()
        self._local: tuple[float, ...] = ()

    # ---------------------------------------------------------------- graph plumbing

    @staticmethod
    def _result(data: float, parents: tuple[Value, ...], local: tuple[float, ...]) -> Value:
        """A new node: ``data`` computed from ``parents`` with ∂data/∂parent = ``local``."""
        out = Value.__new__(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        if _state.grad_enabled:
            out._parents = parents
            out._local = local
        else:
            out._parents = ()
            out._local = ()
        return out

    def _backward(self, grad: float, create_graph: bool) -> Sequence[float]:
        # The chain rule for one node: ∂E/∂parent = ∂E/∂self · ∂self/∂parent.
        local = self._local
        if len(local) == 2:  # most nodes: a binary operation, unrolled
            return (grad * local[0], grad * local[1])
        return [grad * d for d in local]

    def _accumulate(self, grad: float, handed_out: set[int]) -> None:
        self.grad += grad

    def backward(self) -> None:
        """Seed ∂self/∂self = 1 and add ∂self/∂node into ``.grad`` of every node it depends on.

        Calling it twice adds the gradients twice, as PyTorch accumulates.
        """
        engine.backward([self], [1.0])

    # ---------------------------------------------------------------- arithmetic

    def __add__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return Value._result(self.data + other.data, (self, other), (1.0, 1.0))
        return Value._result(self.data + _number(other, "+"), (self,), (1.0,))

    def __mul__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return Value._result(self.data * other.data, (self, other), (other.data, self.data))
        c = _number(other, "*")
        return Value._result(self.data * c, (self,), (c,))

    def __pow__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _value_pow(self, other)
        p = _number(other, "**")
        # d(a^p)/da = p · a^(p−1)
        return Value._result(_pow(self.data, p), (self,), (p * _pow(self.data, p - 1),))

    def __rpow__(self, other: Number) -> Value:
        base = _number(other, "**")
        out = _pow(base, self.data)
        # d(c^a)/da = c^a · ln c
        return Value._result(out, (self,), (out * _log(base) if out != 0.0 else 0.0,))

    def __neg__(self) -> Value:
        return Value._result(-self.data, (self,), (-1.0,))

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return Value._result(self.data - other.data, (self, other), (1.0, -1.0))
        return Value._result(self.data - _number(other, "-"), (self,), (1.0,))

    def __rsub__(self, other: Number) -> Value:
        return Value._result(_number(other, "-") - self.data, (self,), (-1.0,))

    def __truediv__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            out = _div(self.data, other.data)
            # d(a/b)/da = 1/b, d(a/b)/db = −a/b²
            return Value._result(
                out, (self, other), (_div(1.0, other.data), -_div(out, other.data))
            )
        c = _number(other, "/")
        return Value._result(_div(self.data, c), (self,), (_div(1.0, c),))

    def __rtruediv__(self, other: Number) -> Value:
        c = _number(other, "/")
        out = _div(c, self.data)
        return Value._result(out, (self,), (-_div(out, self.data),))

    __radd__ = __add__
    __rmul__ = __mul__

    # ---------------------------------------------------------------- n-ary operations

    @staticmethod
    def sum(values: Sequence[Operand], start: Operand = 0.0) -> Value:
        """Σ values as one node (∂/∂v_i = 1), instead of a chain of ``+`` nodes."""
        nodes = tuple(v for v in values if isinstance(v, Value))
        constant = sum(_number(v, "sum") for v in values if not isinstance(v, Value))
        total = sum(v.data for v in nodes) + constant
        if isinstance(start, Value):
            return Value._result(total + start.data, (*nodes, start), (1.0,) * (len(nodes) + 1))
        return Value._result(total + _number(start, "sum"), nodes, (1.0,) * len(nodes))

    @staticmethod
    def dot(a: Sequence[Operand], b: Sequence[Operand], bias: Operand = 0.0) -> Value:
        """Σ a_i b_i (+ bias) as one node: a neuron's v = Σ_j w_j y_j + b in a single step.

        ∂/∂a_i = b_i and ∂/∂b_i = a_i; Python numbers on either side are constants.
        """
        if len(a) != len(b):
            raise ValueError(f"Value.dot: sequences of lengths {len(a)} and {len(b)}")
        parents: list[Value] = []
        local: list[float] = []
        total = 0.0
        for x, y in zip(a, b):
            xd = x.data if isinstance(x, Value) else _number(x, "dot")
            yd = y.data if isinstance(y, Value) else _number(y, "dot")
            total += xd * yd
            if isinstance(x, Value):
                parents.append(x)
                local.append(yd)
            if isinstance(y, Value):
                parents.append(y)
                local.append(xd)
        if isinstance(bias, Value):
            parents.append(bias)
            local.append(1.0)
            total += bias.data
        else:
            total += _number(bias, "dot")
        return Value._result(total, tuple(parents), tuple(local))

    # ---------------------------------------------------------------- functions

    def relu(self) -> Value:
        """max(0, x); the derivative at the kink x = 0 is 0, as in PyTorch and the lecture."""
        positive = self.data > 0.0
        return Value._result(self.data if positive else 0.0, (self,), (1.0 if positive else 0.0,))

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value._result(t, (self,), (1.0 - t * t,))

    def sigmoid(self) -> Value:
        s = _sigmoid(self.data)
        return Value._result(s, (self,), (s * (1.0 - s),))

    def exp(self) -> Value:
        e = _exp(self.data)
        return Value._result(e, (self,), (e,))

    def log(self) -> Value:
        return Value._result(_log(self.data), (self,), (_div(1.0, self.data),))

    # ---------------------------------------------------------------- conversions

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"


def _value_pow(base: Value, exponent: Value) -> Value:
    """a^b with both sides in the graph: ∂/∂a = b·a^(b−1), ∂/∂b = a^b · ln a.

    As in PyTorch, ∂/∂b is taken as 0 where a = 0 (the limit of a^b ln a for b > 0).
    """
    a, b = base.data, exponent.data
    out = _pow(a, b)
    d_base = b * _pow(a, b - 1)
    d_exponent = 0.0 if a == 0.0 else out * _log(a)
    return Value._result(out, (base, exponent), (d_base, d_exponent))


def _number(other: object, op: str) -> float:
    if isinstance(other, numbers.Real):
        return float(other)
    raise TypeError(
        f"Value {op}: the other operand must be a Value or a real number, "
        f"got {type(other).__name__}: {other!r}"
    )
