"""tg.compile on functions of Values: the replay is float arithmetic equal to eager, bit for bit."""

from __future__ import annotations

import functools
import itertools
import math
import random
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg


class MLP:
    """micrograd's MLP(2, [16, 16, 1]) of Values (ReLU hidden, linear output)."""

    def __init__(self, seed: int, dot: bool = False) -> None:
        rng = random.Random(seed)
        sizes = [2, 16, 16, 1]
        self.dot = dot
        self.layers = [
            [
                ([tg.Value(rng.uniform(-1, 1)) for _ in range(n_in)], tg.Value(0.0))
                for _ in range(n_out)
            ]
            for n_in, n_out in itertools.pairwise(sizes)
        ]

    def __call__(self, x: list) -> tg.Value:
        for i, layer in enumerate(self.layers):
            if self.dot:
                v = [tg.Value.dot(w, x, b) for w, b in layer]
            else:
                v = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
            x = v if i == len(self.layers) - 1 else [vj.relu() for vj in v]
        return x[0]

    def parameters(self) -> list[tg.Value]:
        return [p for layer in self.layers for w, b in layer for p in (*w, b)]


def train_step(model: MLP, x0: float, x1: float, target: float) -> tg.Value:
    loss = (model([x0, x1]) - target) ** 2
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    for p in model.parameters():
        p.data -= 0.05 * p.grad
    return loss


def samples(n: int) -> list[tuple[float, float, float]]:
    rng = random.Random(1)
    points = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(n)]
    return [(a, b, 1.0 if a * b > 0 else -1.0) for a, b in points]


@pytest.mark.parametrize("dot", [False, True])
def test_a_compiled_value_mlp_trains_exactly_as_eager_for_100_steps(dot: bool) -> None:
    eager, compiled = MLP(0, dot), MLP(0, dot)
    step = tg.compile(lambda a, b, t: train_step(compiled, a, b, t))
    for a, b, t in samples(100):
        expected, got = train_step(eager, a, b, t), step(a, b, t)
        assert got.data == expected.data and got.grad == expected.grad == 1.0
    for p, q in zip(eager.parameters(), compiled.parameters()):
        assert (p.data, p.grad) == (q.data, q.grad)
    assert step.cache_size == 1


def test_the_replay_is_straight_line_float_code_in_sections() -> None:
    w = tg.Value(0.5, label="w")

    @tg.compile
    def f(x: float) -> tg.Value:
        y = (w * x).tanh()
        w.grad = 0.0
        y.backward()
        w.data -= 0.1 * w.grad
        return y

    f(1.0)
    code = f.code
    assert "tanh(" in code and "w.data = " in code and "w.grad = " in code
    sections = [line.strip() for line in code.splitlines() if line.strip().startswith("#")]
    assert sections == ["# load", "# forward", "# backward", "# update"]
    assert "for " not in code and "Value(" not in code.split("return")[0]


def test_value_arguments_are_inputs_and_receive_their_gradients() -> None:
    @tg.compile
    def f(a: tg.Value, b: tg.Value) -> tg.Value:
        c = a * b + a.exp() - b / a
        c.backward()
        return c

    for x, y in [(1.5, -2.0), (0.3, 4.0), (-1.0, 0.5)]:
        a, b, a2, b2 = tg.Value(x), tg.Value(y), tg.Value(x), tg.Value(y)
        eager = a * b + a.exp() - b / a
        eager.backward()
        got = f(a2, b2)
        assert (got.data, a2.grad, b2.grad) == (eager.data, a.grad, b.grad)
    assert f.cache_size == 1


UNARY = ["relu", "tanh", "sigmoid", "exp", "log"]
BINARY = ["add", "sub", "mul", "div", "pow", "radd", "rsub", "rmul", "rdiv", "rpow", "vpow"]


def apply(op: str, a: tg.Value, b: tg.Value, c: float) -> tg.Value:
    """One operation of the Value catalogue (a, b Values, c a number)."""
    table = {
        "add": lambda: a + b,
        "sub": lambda: a - b,
        "mul": lambda: a * b,
        "div": lambda: a / b,
        "pow": lambda: a ** (c % 3),
        "radd": lambda: c + a,
        "rsub": lambda: c - a,
        "rmul": lambda: c * a,
        "rdiv": lambda: c / a,
        "rpow": lambda: abs(c) ** a,
        "vpow": lambda: (a * a + 1.0) ** b,
        "neg": lambda: -a,
    }
    if op in table:
        return table[op]()
    return getattr(a if op != "log" else a * a + 0.5, op)()


@given(
    ops=st.lists(st.sampled_from(UNARY + BINARY + ["neg"]), min_size=1, max_size=8),
    xs=st.lists(st.floats(-2, 2), min_size=3, max_size=3),
    c=st.floats(-3, 3).filter(lambda c: abs(c) > 0.1),
)
def test_random_chains_of_value_operations_replay_exactly(
    ops: list[str], xs: list[float], c: float
) -> None:
    def chain(a: tg.Value, b: tg.Value, k: float) -> tg.Value:
        for op in ops:
            a, b = apply(op, a, b, c).tanh() * k, a
        out = tg.Value.sum([a, b, 1.0]) + tg.Value.dot([a, b], [b, 2.0], 0.5)
        out.backward()
        return out

    step = tg.compile(chain)
    step(tg.Value(0.1), tg.Value(0.2), 1.0)  # the trace
    for x, y, k in [xs, [x + 0.5 for x in xs]]:
        a, b, a2, b2 = tg.Value(x), tg.Value(y), tg.Value(x), tg.Value(y)
        eager, got = chain(a, b, k), step(a2, b2, k)
        same = [(eager.data, got.data), (a.grad, a2.grad), (b.grad, b2.grad)]
        for e, g in same:
            assert g == e or (math.isnan(e) and math.isnan(g)), (ops, same)


def test_float_of_a_traced_value_is_refused_with_advice() -> None:
    step = tg.compile(lambda x: float(tg.Value(2.0) * x))
    with pytest.raises(tg.CompileError, match=r"float\(\).*tg.where.*out of the compiled"):
        step(1.0)


def test_branching_on_traced_data_is_refused() -> None:
    w = tg.Value(1.0)

    def f(x: float) -> tg.Value:
        y = w * x
        return y.relu() if y.data > 0 else y

    with pytest.raises(tg.CompileError, match=">"):
        tg.compile(f)(2.0)


def test_the_tracing_wrappers_are_gone_after_a_trace_and_after_a_refusal() -> None:
    before = dict(vars(tg.Value))
    tg.compile(lambda x: tg.Value(x) * 2)(1.0)
    with pytest.raises(tg.CompileError):
        tg.compile(lambda x: int(tg.Value(1.0).data * x))(1.0)
    assert dict(vars(tg.Value)) == before
    assert tg.engine.backward.__module__ == "tinygrad4h03.engine"


def test_int_arguments_are_constants_that_retrace_and_floats_are_inputs() -> None:
    w = tg.Value(2.0)
    step = tg.compile(lambda x, n: w * x**n)
    assert step(3.0, 2).data == 18.0
    assert step(2.0, 2).data == 8.0 and step.cache_size == 1
    assert step(2.0, 3).data == 16.0 and step.cache_size == 2


def test_captured_values_are_read_live() -> None:
    w = tg.Value(1.0)
    step = tg.compile(lambda x: w * x)
    assert step(2.0).data == 2.0
    w.data = 5.0
    assert step(2.0).data == 10.0


def test_results_keep_their_structure_and_python_constants() -> None:
    w = tg.Value(1.5)
    step = tg.compile(lambda x: {"y": (w * x, "label"), "n": 3})
    out = step(2.0)
    out = step(4.0)
    assert out["y"][0].data == 6.0 and out["y"][1] == "label" and out["n"] == 3


def test_a_trace_patches_nothing_on_value_or_the_engine_even_while_it_runs() -> None:
    before = dict(vars(tg.Value))
    engine_before = dict(vars(tg.engine))
    seen: list[bool] = []
    w = tg.Value(0.5)

    def same() -> bool:
        now, engine_now = dict(vars(tg.Value)), dict(vars(tg.engine))
        return (
            now.keys() == before.keys()
            and all(now[k] is before[k] for k in before)
            and all(engine_now[k] is v for k, v in engine_before.items() if callable(v))
        )

    @tg.compile
    def step(x: float) -> tg.Value:
        y = (w * x).tanh()
        seen.append(same())
        y.backward()
        return y

    step(1.0)
    assert seen == [True] and same()
    assert type(w.data) is float and type(w.grad) is float  # plain floats again


def test_the_slots_hold_plain_floats_after_a_trace_and_untouched_values_their_own() -> None:
    a, b, unused = tg.Value(1.5), tg.Value(-2.0), tg.Value(3.0)
    data, grad = unused.data, unused.grad
    keep = [unused]

    @tg.compile
    def f(x: float) -> tg.Value:
        y = a * b + x
        y.backward()
        return y if keep else y * 2

    y = f(0.5)
    for v in (a, b, y):
        assert type(v.data) is float and type(v.grad) is float
    assert unused.data is data and unused.grad is grad
    assert (y.data, a.grad, b.grad) == (-2.5, -2.0, 1.5)


def test_a_thread_running_eager_values_does_not_see_another_threads_trace() -> None:
    tracing, eager_done = threading.Event(), threading.Event()
    w = tg.Value(0.5)
    found: dict[str, object] = {}

    def traced(x: float) -> tg.Value:
        y = (w * x).tanh()
        tracing.set()
        assert eager_done.wait(10)
        return y

    def eager() -> None:
        assert tracing.wait(10)
        try:
            v = tg.Value(2.0)
            z = (v * v).exp()
            z.backward()
            found["tracer"] = tg.engine.state.tracer
            found["plain"] = type(z.data) is float and type(v.grad) is float
            found["branch"] = z.data > 1.0  # a traced float would refuse the comparison
            found["values"] = (z.data, v.grad)
        finally:
            eager_done.set()

    step = tg.compile(traced)
    other = threading.Thread(target=eager)
    other.start()
    y = step(2.0)
    other.join()
    assert found["tracer"] is None and found["plain"] and found["branch"]
    assert found["values"] == (math.exp(4.0), 4.0 * math.exp(4.0))
    assert "_exp" not in step.code and "tanh(" in step.code
    assert y.data == math.tanh(1.0) and tg.engine.state.tracer is None


def test_zeroing_grads_and_reading_data_before_the_forward_pass_are_followed() -> None:
    def step(model: MLP, x0: float, x1: float, target: float) -> tg.Value:
        for p in model.parameters():
            p.grad = 0.0
        scale = model.parameters()[0].data  # read before any operation on it
        loss = (model([x0, x1]) * scale - target) ** 2
        loss.backward()
        for p in model.parameters():
            p.data -= 0.05 * p.grad
        return loss

    eager, compiled = MLP(3), MLP(3)
    compiled_step = tg.compile(lambda a, b, t: step(compiled, a, b, t))
    for a, b, t in samples(20):
        assert compiled_step(a, b, t).data == step(eager, a, b, t).data
    for p, q in zip(eager.parameters(), compiled.parameters()):
        assert (p.data, p.grad) == (q.data, q.grad)


def test_values_made_from_traced_values_and_gradients_by_inputs_replay_exactly() -> None:
    w = tg.Value(0.5)

    def f(x: float) -> tuple[float, tg.Value]:
        y = (w * x).tanh() * tg.Value(w * x)
        (g,) = tg.engine.backward([y], [1.0], inputs=[w])
        return g * 2.0, y

    step = tg.compile(f)
    for x in (1.0, -2.0, 0.25):
        (g, y), (g2, y2) = f(x), step(x)
        assert (g, y.data) == (g2, y2.data) and type(g2) is float


@pytest.mark.parametrize(
    ("x", "y", "k"),
    [(0.0, 0.0, 0.0), (0.0, -1.0, 2.0), (0.0, 2.0, -1.0), (-2.0, 3.0, 0.5), (0.5, 0.0, 0.0)],
)
def test_powers_at_zero_and_zero_exponents_replay_bit_for_bit(x: float, y: float, k: float) -> None:
    def f(a: tg.Value, b: tg.Value, c: float) -> tg.Value:
        terms = [a**b, a**c, c**a, 0.0**a, a**0, (a * 1.0) ** 0.0]
        out = tg.Value.sum(t * (i + 1.0) for i, t in enumerate(terms))
        out.backward()
        return out

    step = tg.compile(f)
    step(tg.Value(0.25), tg.Value(0.75), 1.5)  # traced at ordinary values
    a, b, a2, b2 = tg.Value(x), tg.Value(y), tg.Value(x), tg.Value(y)
    eager, got = f(a, b, k), step(a2, b2, k)
    assert [repr(v) for v in (got.data, a2.grad, b2.grad)] == [
        repr(v) for v in (eager.data, a.grad, b.grad)
    ]


class Fitter:
    """A one-weight model whose step zeroes the gradient before the forward pass."""

    def __init__(self) -> None:
        self.w = tg.Value(1.5)

    def step(self, x: float) -> tg.Value:
        self.w.grad = 0.0
        loss = (self.w * x - 1.0) ** 2
        loss.backward()
        self.w.data -= 0.1 * self.w.grad
        return loss

    __call__ = step


def _fit(fitter: Fitter, x: float) -> tg.Value:
    return fitter.step(x)


@pytest.mark.parametrize("how", ["bound method", "callable object", "partial", "default"])
def test_values_reached_through_methods_objects_partials_and_defaults_are_followed(
    how: str,
) -> None:
    eager, fitter = Fitter(), Fitter()
    compiled = {
        "bound method": lambda: tg.compile(fitter.step),
        "callable object": lambda: tg.compile(fitter),
        "partial": lambda: tg.compile(functools.partial(_fit, fitter)),
        "default": lambda: tg.compile(lambda x, f=fitter: _fit(f, x)),
    }[how]()
    for x in (1.0, 0.5, 2.0, 1.0):
        assert compiled(x).data == eager.step(x).data
        assert (fitter.w.data, fitter.w.grad) == (eager.w.data, eager.w.grad)
