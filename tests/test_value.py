"""The scalar engine: every operation against float64 central differences, random graphs
with shared subexpressions, a million-node chain, accumulation, and hand-computed answers."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import Value

EPS = 1e-6


def central_difference(fn: Callable[..., float], args: list[float], i: int) -> float:
    plus, minus = list(args), list(args)  # perturb copies, never the inputs
    plus[i] += EPS
    minus[i] -= EPS
    return (fn(*plus) - fn(*minus)) / (2 * EPS)


def check_gradients(fn: Callable[..., object], args: list[float], tol: float = 1e-6) -> None:
    leaves = [Value(a) for a in args]
    out = fn(*leaves)
    out.backward()

    def as_float(*xs: float) -> float:
        return fn(*[Value(x) for x in xs]).data

    for i, leaf in enumerate(leaves):
        expected = central_difference(as_float, args, i)
        assert leaf.grad == pytest.approx(expected, rel=tol, abs=tol), f"input {i}"


# One catalogue of scalar functions, each with a domain that keeps it smooth.
UNARY = {
    "neg": (lambda a: -a, (-3, 3)),
    "add_const": (lambda a: a + 2.5, (-3, 3)),
    "radd_const": (lambda a: 2.5 + a, (-3, 3)),
    "sub_const": (lambda a: a - 1.5, (-3, 3)),
    "rsub_const": (lambda a: 1.5 - a, (-3, 3)),
    "mul_const": (lambda a: a * -1.7, (-3, 3)),
    "rmul_const": (lambda a: -1.7 * a, (-3, 3)),
    "div_const": (lambda a: a / 3.0, (-3, 3)),
    "rdiv_const": (lambda a: 2.0 / a, (0.5, 3)),
    "pow_2": (lambda a: a**2, (-3, 3)),
    "pow_3": (lambda a: a**3, (-3, 3)),
    "pow_half": (lambda a: a**0.5, (0.1, 4)),
    "pow_neg": (lambda a: a**-1.5, (0.2, 4)),
    "rpow": (lambda a: 2**a, (-3, 3)),
    "relu_pos": (lambda a: a.relu(), (0.1, 3)),
    "relu_neg": (lambda a: a.relu(), (-3, -0.1)),
    "tanh": (lambda a: a.tanh(), (-3, 3)),
    "sigmoid": (lambda a: a.sigmoid(), (-6, 6)),
    "exp": (lambda a: a.exp(), (-3, 3)),
    "log": (lambda a: a.log(), (0.1, 5)),
}

BINARY = {
    "add": (lambda a, b: a + b, (-3, 3), (-3, 3)),
    "sub": (lambda a, b: a - b, (-3, 3), (-3, 3)),
    "mul": (lambda a, b: a * b, (-3, 3), (-3, 3)),
    "div": (lambda a, b: a / b, (-3, 3), (0.5, 3)),
    "pow_value": (lambda a, b: a**b, (0.2, 3), (-2, 2)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(u=st.floats(0, 1))
def test_unary_gradient_matches_finite_differences(name: str, u: float) -> None:
    fn, (low, high) = UNARY[name]
    check_gradients(fn, [low + u * (high - low)])


@pytest.mark.parametrize("name", sorted(BINARY))
@given(u=st.floats(0, 1), v=st.floats(0, 1))
def test_binary_gradient_matches_finite_differences(name: str, u: float, v: float) -> None:
    fn, (la, ha), (lb, hb) = BINARY[name]
    check_gradients(fn, [la + u * (ha - la), lb + v * (hb - lb)])


# ----------------------------------------------------------------- random graphs with diamonds

SAFE_OPS: dict[str, Callable[..., Value]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "tanh": lambda a, b: (a * 0.5).tanh() + b,
    "sigmoid": lambda a, b: a.sigmoid() * b,
    "square": lambda a, b: a * a + b,
}


@st.composite
def expression_graphs(draw: st.DrawFn) -> tuple[list[float], list[tuple[str, int, int]]]:
    """Leaf values and a list of (op, i, j) steps; each step may reuse any earlier node."""
    leaves = draw(st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=4))
    steps = []
    for k in range(draw(st.integers(1, 12))):
        available = len(leaves) + k
        op = draw(st.sampled_from(sorted(SAFE_OPS)))
        steps.append((op, draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1))))
    return leaves, steps


def evaluate(steps: list[tuple[str, int, int]], leaves: list) -> object:
    nodes = list(leaves)
    for op, i, j in steps:
        nodes.append(SAFE_OPS[op](nodes[i], nodes[j]))
    return nodes[-1]


class Float:
    """Plain floats with Value's method names, to evaluate the same graph without autograd."""

    def __init__(self, x: float) -> None:
        self.x = x

    def __add__(self, o: object) -> Float:
        return Float(self.x + _f(o))

    def __sub__(self, o: object) -> Float:
        return Float(self.x - _f(o))

    def __mul__(self, o: object) -> Float:
        return Float(self.x * _f(o))

    def tanh(self) -> Float:
        return Float(math.tanh(self.x))

    def sigmoid(self) -> Float:
        return Float(1 / (1 + math.exp(-self.x)))


def _f(o: object) -> float:
    return o.x if isinstance(o, Float) else float(o)  # type: ignore[arg-type]


@given(expression_graphs())
def test_random_graphs_with_shared_subexpressions(graph: tuple) -> None:
    leaves, steps = graph
    values = [Value(x) for x in leaves]
    out = evaluate(steps, values)
    if out in values:  # the graph's last step did not use any op; nothing to differentiate
        return
    out.backward()
    for i, leaf in enumerate(values):
        expected = central_difference(
            lambda *xs: evaluate(steps, [Float(x) for x in xs]).x, leaves, i
        )
        assert leaf.grad == pytest.approx(expected, rel=1e-5, abs=1e-6), f"leaf {i}"


# ----------------------------------------------------------------- graph shapes and known answers


def test_diamond_is_visited_once() -> None:
    a = Value(3.0)
    b = a * a  # used twice below
    c = b + b
    c.backward()
    assert a.grad == 12.0  # d(2a²)/da = 4a
    assert b.grad == 2.0


def test_readme_example_by_hand() -> None:
    a, b = Value(2.0), Value(-3.0)
    d = (a * b + a**2).tanh()  # tanh(−6 + 4) = tanh(−2)
    d.backward()
    dtanh = 1 - math.tanh(-2.0) ** 2
    assert d.data == pytest.approx(math.tanh(-2.0))
    assert a.grad == pytest.approx(dtanh * (b.data + 2 * a.data))
    assert b.grad == pytest.approx(dtanh * a.data)


def test_api_example_by_hand() -> None:
    a, b = Value(2.0), Value(-3.0)
    c = a * b + a**2 - b / a  # = −6 + 4 + 1.5 = −0.5
    d = c.relu() + c.tanh() + c.sigmoid() + a.exp() + (a * a).log()
    d.backward()
    s = 1 / (1 + math.exp(0.5))
    dd_dc = 0.0 + (1 - math.tanh(-0.5) ** 2) + s * (1 - s)
    dc_da = b.data + 2 * a.data + b.data / a.data**2
    dc_db = a.data - 1 / a.data
    assert c.data == pytest.approx(-0.5)
    assert a.grad == pytest.approx(dd_dc * dc_da + math.exp(2.0) + 2 / a.data)
    assert b.grad == pytest.approx(dd_dc * dc_db)


def test_constant_and_identity_graphs() -> None:
    a = Value(5.0)
    (a * 1.0).backward()
    assert a.grad == 1.0
    b = Value(4.0)
    (b * 0.0 + 7.0).backward()
    assert b.grad == 0.0


def test_sum_of_values_with_builtin_sum() -> None:
    xs = [Value(float(i)) for i in range(5)]
    total = sum(x * x for x in xs)
    total.backward()
    assert total.data == 30.0
    assert [x.grad for x in xs] == [0.0, 2.0, 4.0, 6.0, 8.0]


def test_million_node_chain_without_recursion_error() -> None:
    x = start = Value(1.0)
    for _ in range(1_000_000):
        x = x * 1.0000001 + 0.0
    x.backward()
    assert start.grad == pytest.approx(1.0000001**1_000_000, rel=1e-9)


def test_backward_twice_accumulates_exactly_twice() -> None:
    a, b = Value(1.5), Value(-0.5)
    c = (a * b).tanh() + a * a
    mid = a * b
    out = c * mid
    out.backward()
    first = (a.grad, b.grad)
    out.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])


def test_relu_derivative_at_zero_is_zero_like_pytorch() -> None:
    a = Value(0.0)
    a.relu().backward()
    assert a.grad == 0.0


def test_overflow_behaves_like_floats() -> None:
    assert Value(1000.0).exp().data == math.inf
    assert Value(1000.0).tanh().data == 1.0
    assert Value(-1000.0).tanh().data == -1.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1000.0).sigmoid().data == 0.0
    big = Value(1000.0)
    big.sigmoid().backward()
    assert big.grad == 0.0
    assert (Value(1e200) * 1e200).data == math.inf
    assert (Value(10.0) ** 400).data == math.inf


def test_log_of_non_positive_follows_numpy() -> None:
    zero, negative = Value(0.0), Value(-2.0)
    assert zero.log().data == -math.inf
    assert math.isnan(negative.log().data)
    out = negative.log()
    out.backward()
    assert negative.grad == -0.5  # 1/x, as PyTorch


def test_division_by_zero_gives_inf_not_an_exception() -> None:
    assert (Value(1.0) / 0.0).data == math.inf
    assert (Value(-1.0) / Value(0.0)).data == -math.inf
    assert math.isnan((Value(0.0) / 0.0).data)


def test_no_grad_records_nothing() -> None:
    a = Value(2.0)
    with tg.no_grad():
        b = a * a
    b.backward()
    assert a.grad == 0.0
    assert b.grad == 1.0


def test_label_and_repr() -> None:
    v = Value(1.25, label="w")
    assert v.label == "w"
    assert repr(v) == "Value(data=1.25, grad=0, label='w')"


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], object()])
def test_bad_operands_are_type_errors(bad: object) -> None:
    with pytest.raises(TypeError, match="Value"):
        Value(1.0) + bad  # type: ignore[operator]
    with pytest.raises(TypeError, match="Value"):
        Value(bad)  # type: ignore[arg-type]


def test_against_pytorch_when_installed() -> None:
    torch = pytest.importorskip("torch")
    x = torch.tensor([0.7, -1.3], dtype=torch.float64, requires_grad=True)
    out_t = (
        (x[0] * x[1] + x[0] ** 2 - x[1] / x[0]).tanh() + (x[0] ** x[0].abs()) + x[1].sigmoid().exp()
    )
    out_t.backward()
    a, b = Value(0.7), Value(-1.3)
    out = (a * b + a**2 - b / a).tanh() + a ** (a * (1 if a.data > 0 else -1)) + b.sigmoid().exp()
    out.backward()
    assert out.data == pytest.approx(out_t.item(), rel=1e-12)
    assert [a.grad, b.grad] == pytest.approx(x.grad.tolist(), rel=1e-10)


def test_fused_dot_and_sum_match_the_op_by_op_graph() -> None:
    ws = [Value(0.3), Value(-1.2), Value(0.7)]
    xs = [Value(2.0), 1.5, Value(-0.4)]
    b = Value(0.1)
    fused = Value.dot(ws, xs, b).tanh() + Value.sum([ws[0], 2.0, xs[0]], start=b)
    fused.backward()
    fused_grads = [v.grad for v in (*ws, xs[0], xs[2], b)]
    for v in (*ws, xs[0], xs[2], b):
        v.grad = 0.0
    composed = sum((w * x for w, x in zip(ws, xs)), b).tanh() + (b + ws[0] + 2.0 + xs[0])
    composed.backward()
    assert fused.data == pytest.approx(composed.data)
    assert fused_grads == pytest.approx([v.grad for v in (*ws, xs[0], xs[2], b)])


def test_dot_of_different_lengths_is_an_error() -> None:
    with pytest.raises(ValueError, match="lengths 2 and 1"):
        Value.dot([Value(1.0), Value(2.0)], [3.0])
