"""value.py: the scalar node ``Value``, micrograd's idea without micrograd's limits.

This file is the scalar half of the package (``tensor.py`` is the array half); both run on
the one engine in ``engine.py``. Each operation knows its local derivatives ∂out/∂input when
it runs forward, so a ``Value`` stores those numbers (``_local``) beside its parents instead
of a closure. The backward step of the chain rule is then one multiplication per parent:
∂ℰ/∂parent += ∂ℰ/∂out · ∂out/∂parent. Python numbers used as operands are constants kept on
the operation; they never become graph nodes.

Floating-point behaviour follows IEEE floats, never Python's ``OverflowError``:
``Value(1000).exp()`` is ``inf``; ``tanh`` and ``sigmoid`` stay finite for any input.
``log`` of a non-positive number follows NumPy and PyTorch: ``log(0) = -inf`` and
``log(x < 0) = nan`` (with gradient ``1/x``), so a bad value shows up in the result instead
of raising in the middle of a graph.

While a tracer is installed (``tg.compile``), every operation's result, every ``Value(x)``
and ``float(v)`` are told to ``engine.state.tracer``: the hooks a compiled step is followed
through, so nothing on ``Value`` needs patching.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TypeAlias

from . import engine
from .engine import state, watching

Number = int | float
Operand: TypeAlias = "Value | int | float"


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
        if a > 0 or (float(b).is_integer() and b % 2 == 0):
            return math.inf
        return -math.inf if float(b).is_integer() else math.nan  # (−10)^400.5 is not real
    except ZeroDivisionError:
        return math.inf
    return math.nan if isinstance(result, complex) else result


class Value:
    """A scalar that remembers how it was computed, so that ``backward()`` can differentiate it.

    ``.data`` holds the number (a Python float), ``.grad`` the accumulated ∂ℰ/∂(this value)
    after a ``backward()`` (0.0 before), ``.label`` a name for pictures (``tg.viz``).
    Operators take a ``Value`` or a Python number on either side; a number is a constant.
    The local derivatives each operation stores (c a number, a and b values):

    | operation | ∂out/∂a | ∂out/∂b |
    |---|---|---|
    | ``a + b`` | 1 | 1 |
    | ``a - b`` | 1 | −1 |
    | ``a * b`` | b | a |
    | ``a / b`` | 1/b | −a/b² |
    | ``a ** b`` | b · a^(b−1) | a^b · ln a (0 where a = 0, as PyTorch) |
    | ``a ** c`` | c · a^(c−1) | |
    | ``c ** a`` | c^a · ln c (0 where c^a = 0) | |
    | ``c - a``, ``c / a`` | −1, −c/a² | |
    | ``-a`` | −1 | |

    Args:
        data: a real number (Python or NumPy; a ``Value`` gives its ``.data``); stored as float.
        label: an optional name, shown by ``repr`` and ``tg.viz``.

    Raises:
        TypeError: ``data`` is not a real number.

    Shapes:
        Scalars only; ``tg.Tensor`` is the array node.

    Examples:
        >>> a = Value(2.0); b = Value(-3.0)
        >>> d = (a * b + a ** 2).tanh(); d.backward()
        >>> round(a.grad, 6), round(b.grad, 6)
        (0.070651, 0.141302)
    """

    __slots__ = ("_local", "_parents", "data", "grad", "label")
    data: float
    grad: float
    label: str

    requires_grad = True  # every Value takes part in the graph
    _retains_grad = True  # and keeps its gradient, as micrograd's do

    def __init__(self, data: Number, label: str = "") -> None:
        number = data.data if isinstance(data, Value) else data
        if not isinstance(number, numbers.Real):  # Python and NumPy real numbers only
            raise TypeError(
                f"Value(data) needs a real number, got {type(number).__name__}: {number!r}"
            )
        self.data = float(number)
        self.grad = 0.0
        self.label = label
        self._parents: tuple[Value, ...] = ()
        self._local: tuple[float, ...] = ()
        if watching and (tracer := state.tracer) is not None:
            tracer.made(self, data)

    # ---------------------------------------------------------------- graph plumbing

    @staticmethod
    def _result(data: float, parents: tuple[Value, ...], local: tuple[float, ...]) -> Value:
        """A new node: ``data`` computed from ``parents`` with ∂data/∂parent = ``local``."""
        out = Value.__new__(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        if state.grad_enabled:
            out._parents = parents
            out._local = local
        else:
            out._parents = ()
            out._local = ()
        # tg.compile's hook: W4 +0.6 % instructions (callgrind) for this test of a module-level
        # set; reading the thread's tracer on every operation instead costs +3.7 %
        if watching:
            tracer = state.tracer
            if tracer is not None:
                tracer.value_result(out)
        return out

    def _backward(self, grad: float, create_graph: bool) -> Sequence[float]:
        # The chain rule for one node: ∂E/∂parent = ∂E/∂self · ∂self/∂parent.
        local = self._local
        if len(local) == 2:  # most nodes: a binary operation, unrolled
            return (grad * local[0], grad * local[1])
        return [grad * d for d in local]

    def _accumulate(self, grad: float) -> None:
        self.grad += grad

    def backward(self) -> None:
        """Seed ∂self/∂self = 1 and add ∂self/∂node into ``.grad`` of every node it depends on.

        The sweep is ``engine.backward``: reverse topological order, no recursion, so a chain
        of a million nodes is fine. Every ``Value`` keeps its gradient (micrograd's choice),
        intermediate nodes included. Calling it twice adds the gradients twice, as PyTorch
        accumulates; reset ``.grad = 0.0`` between steps.

        Examples:
            >>> x = Value(3.0); y = x * x
            >>> y.backward(); x.grad
            6.0
            >>> y.backward(); x.grad
            12.0
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
        # d(a^p)/da = p · a^(p−1), and 0 for p = 0 even at a = 0 (PyTorch; not 0 · ∞)
        local = 0.0 if p == 0 else p * _pow(self.data, p - 1)
        return Value._result(_pow(self.data, p), (self,), (local,))

    def __rpow__(self, other: Number) -> Value:
        base = _number(other, "**")
        out = _pow(base, self.data)
        # d(c^a)/da = c^a · ln c; for c = 0 taken as 0 where a >= 0 and −∞ below (PyTorch)
        return Value._result(out, (self,), (_pow_exponent_local(base, self.data, out),))

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
        """Σ values (+ start) as one node, ∂out/∂v_i = 1, instead of a chain of ``+`` nodes.

        A static method: call it as ``Value.sum(values)``. Python numbers among ``values``
        (and a numeric ``start``) are constants.

        Args:
            values: ``Value``s and numbers to add.
            start: added to the sum, as in the builtin ``sum``.

        Examples:
            >>> a, b = Value(1.0), Value(2.0)
            >>> s = Value.sum([a, b, 3.0]); s.backward()
            >>> s.data, a.grad, b.grad
            (6.0, 1.0, 1.0)
        """
        nodes = tuple(v for v in values if isinstance(v, Value))
        constant = sum(_number(v, "sum") for v in values if not isinstance(v, Value))
        total = sum(v.data for v in nodes) + constant
        if isinstance(start, Value):
            return Value._result(total + start.data, (*nodes, start), (1.0,) * (len(nodes) + 1))
        return Value._result(total + _number(start, "sum"), nodes, (1.0,) * len(nodes))

    @staticmethod
    def dot(a: Sequence[Operand], b: Sequence[Operand], bias: Operand = 0.0) -> Value:
        """Σ a_i b_i (+ bias) as one node: a neuron's v = Σ_j w_j y_j + b in a single step.

        ∂out/∂a_i = b_i, ∂out/∂b_i = a_i and ∂out/∂bias = 1; Python numbers on either side
        are constants. A static method: call it as ``Value.dot(w, y, b)``.

        Args:
            a: the first sequence (e.g. a neuron's weights w).
            b: the second sequence, of the same length (e.g. the inputs y).
            bias: a ``Value`` or number added to the sum.

        Raises:
            ValueError: ``a`` and ``b`` have different lengths.

        Examples:
            >>> w = [Value(1.0), Value(2.0)]
            >>> v = Value.dot(w, [3.0, 4.0], bias=0.5); v.backward()
            >>> v.data, w[0].grad, w[1].grad
            (11.5, 3.0, 4.0)
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
        """Rectified linear unit: y = max(0, x).

        Local derivative: 1 for x > 0, 0 for x ≤ 0 (also at the kink x = 0, as in PyTorch
        and the lecture).

        Examples:
            >>> x = Value(-2.0); y = x.relu(); y.backward()
            >>> y.data, x.grad
            (0.0, 0.0)
        """
        if math.isnan(self.data):  # NaN passes through, with its gradient (PyTorch)
            return Value._result(self.data, (self,), (1.0,))
        positive = self.data > 0.0
        return Value._result(self.data if positive else 0.0, (self,), (1.0 if positive else 0.0,))

    def tanh(self) -> Value:
        """Hyperbolic tangent: y = tanh x, finite for any x.

        Local derivative: 1 − y² (from the output, as the lecture's φ'(v) = 1 − φ(v)²).

        Examples:
            >>> x = Value(0.0); y = x.tanh(); y.backward()
            >>> y.data, x.grad
            (0.0, 1.0)
        """
        t = math.tanh(self.data)
        return Value._result(t, (self,), (1.0 - t * t,))

    def sigmoid(self) -> Value:
        """Logistic sigmoid: y = σ(x) = 1 / (1 + e^(−x)), computed without overflow.

        Local derivative: y (1 − y), the lecture's φ'(v) = φ(v)(1 − φ(v)).

        Examples:
            >>> x = Value(0.0); y = x.sigmoid(); y.backward()
            >>> y.data, x.grad
            (0.5, 0.25)
        """
        s = _sigmoid(self.data)
        return Value._result(s, (self,), (s * (1.0 - s),))

    def exp(self) -> Value:
        """Exponential: y = e^x (``inf`` on overflow, never ``OverflowError``).

        Local derivative: e^x = y.

        Examples:
            >>> x = Value(0.0); y = x.exp(); y.backward()
            >>> y.data, x.grad
            (1.0, 1.0)
        """
        e = _exp(self.data)
        return Value._result(e, (self,), (e,))

    def log(self) -> Value:
        """Natural logarithm: y = ln x; ``-inf`` at 0 and ``nan`` below 0, as NumPy.

        Local derivative: 1/x.

        Examples:
            >>> x = Value(2.0); y = x.log(); y.backward()
            >>> round(y.data, 4), x.grad
            (0.6931, 0.5)
        """
        return Value._result(_log(self.data), (self,), (_div(1.0, self.data),))

    # ---------------------------------------------------------------- conversions

    def __float__(self) -> float:
        if watching and (tracer := state.tracer) is not None:
            tracer.converted(self, "float")  # tg.compile refuses: the replay reuses a number
        return self.data

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"


def _value_pow(base: Value, exponent: Value) -> Value:
    """a^b with both sides in the graph: ∂/∂a = b·a^(b−1), ∂/∂b = a^b · ln a.

    As in PyTorch, ∂/∂b is taken as 0 where a = 0 and b >= 0 (the limit of a^b ln a for
    b > 0) and is −∞ where a = 0 and b < 0; ∂/∂a is 0 where b = 0, also at a = 0.
    """
    a, b = base.data, exponent.data
    out = _pow(a, b)
    d_base = 0.0 if b == 0 else b * _pow(a, b - 1)
    return Value._result(out, (base, exponent), (d_base, _pow_exponent_local(a, b, out)))


def _pow_exponent_local(a: float, b: float, out: float) -> float:
    """∂(a^b)/∂b = a^b · ln a; 0 where a = 0 and b >= 0, and ∞ · (−∞) = −∞ for b < 0."""
    if a == 0.0 and b >= 0:
        return 0.0
    return out * _log(a)


def _number(other: object, op: str) -> float:
    if isinstance(other, numbers.Real):
        return float(other)
    raise TypeError(
        f"Value {op}: the other operand must be a Value or a real number, "
        f"got {type(other).__name__}: {other!r}"
    )
