"""Recurrent layers and cells (``nn.RNN``, ``nn.LSTM``, ``nn.GRU``, ``nn.RNNCell``,
``nn.LSTMCell``, ``nn.GRUCell``): outputs, final states and every parameter's gradient
against PyTorch with the same weights (moved through ``state_dict``), first and second
derivatives against float64 finite differences, PyTorch's names, reprs and errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import nn

LAYERS = ("RNN", "LSTM", "GRU")
CELLS = ("RNNCell", "LSTMCell", "GRUCell")
TOL = {"rtol": 1e-10, "atol": 1e-12}


def _pair(torch: Any, kind: str, **kwargs: Any) -> tuple[Any, Any]:
    """A float64 PyTorch module and ours with the same arguments and PyTorch's weights."""
    theirs = getattr(torch.nn, kind)(**kwargs, dtype=torch.float64)
    ours = getattr(nn, kind)(**kwargs, dtype=tg.float64)
    ours.load_state_dict(theirs.state_dict())
    return theirs, ours


def _flat(result: Any) -> list[Any]:
    """The tensors of a layer's result, e.g. ``output, (h_n, c_n)`` → [output, h_n, c_n]."""
    if isinstance(result, (tuple, list)):
        return [t for item in result for t in _flat(item)]
    return [result]


def _contract_and_backward(torch: Any, ours: list[Any], theirs: list[Any], seed: int) -> None:
    """Compare the results, then back-propagate Σ w ⊙ result with the same random w."""
    rng = np.random.default_rng(seed)
    assert len(ours) == len(theirs)
    loss_ours, loss_theirs = 0.0, 0.0
    for a, b in zip(ours, theirs):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), **TOL)
        w = rng.standard_normal(tuple(b.shape))
        loss_ours = loss_ours + (a * tg.tensor(w)).sum()
        loss_theirs = loss_theirs + (b * torch.tensor(w)).sum()
    loss_ours.backward()
    loss_theirs.backward()


def _assert_same_gradients(ours: Any, theirs: Any) -> None:
    named = dict(theirs.named_parameters())
    assert [n for n, _ in ours.named_parameters()] == list(named)
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), named[name].grad.numpy(), **TOL, err_msg=name)


@st.composite
def layer_settings(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(LAYERS))
    hidden = draw(st.integers(1, 4))
    kwargs: dict[str, Any] = {
        "input_size": draw(st.integers(1, 4)),
        "hidden_size": hidden,
        "num_layers": draw(st.integers(1, 3)),
        "bias": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "bidirectional": draw(st.booleans()),
    }
    if kind == "RNN":
        kwargs["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    if kind == "LSTM" and hidden > 1:
        kwargs["proj_size"] = draw(st.integers(0, hidden - 1))
    return {"kind": kind, **kwargs}


def _initial_state(torch: Any, layer: Any, batch: int | None, rng: np.random.Generator) -> Any:
    """Random (h_0,) or (h_0, c_0) for ``layer`` as PyTorch tensors that require grad."""
    layers = layer.num_layers * (2 if layer.bidirectional else 1)
    sizes = [getattr(layer, "proj_size", 0) or layer.hidden_size]
    if isinstance(layer, torch.nn.LSTM):
        sizes.append(layer.hidden_size)
    lead = (layers,) if batch is None else (layers, batch)
    return [torch.tensor(rng.standard_normal((*lead, n)), requires_grad=True) for n in sizes]


@settings(max_examples=30)
@given(
    options=layer_settings(),
    length=st.integers(1, 4),
    batch=st.integers(1, 3) | st.none(),
    with_state=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_layers_match_pytorch_outputs_states_and_every_gradient(
    options: dict[str, Any], length: int, batch: int | None, with_state: bool, seed: int
) -> None:
    torch = pytest.importorskip("torch")
    kind = options.pop("kind")
    theirs, ours = _pair(torch, kind, **options)
    rng = np.random.default_rng(seed)
    lead = (batch, length) if theirs.batch_first else (length, batch)
    lead = lead if batch is not None else (length,)
    x_theirs = torch.tensor(rng.standard_normal((*lead, theirs.input_size)), requires_grad=True)
    x_ours = tg.tensor(x_theirs.detach().numpy(), requires_grad=True)
    args_theirs, args_ours = [x_theirs], [x_ours]
    if with_state:
        state = _initial_state(torch, theirs, batch, rng)
        state_ours = [tg.tensor(h.detach().numpy(), requires_grad=True) for h in state]
        args_theirs.append(tuple(state) if kind == "LSTM" else state[0])
        args_ours.append(tuple(state_ours) if kind == "LSTM" else state_ours[0])
    _contract_and_backward(torch, _flat(ours(*args_ours)), _flat(theirs(*args_theirs)), seed)
    _assert_same_gradients(ours, theirs)
    np.testing.assert_allclose(x_ours.grad.numpy(), x_theirs.grad.numpy(), **TOL)
    if with_state:
        for h_ours, h_theirs in zip(state_ours, state):
            np.testing.assert_allclose(h_ours.grad.numpy(), h_theirs.grad.numpy(), **TOL)


@settings(max_examples=20)
@given(
    kind=st.sampled_from(CELLS),
    sizes=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    bias=st.booleans(),
    batch=st.integers(1, 3) | st.none(),
    with_state=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_cells_match_pytorch_over_a_few_steps(
    kind: str,
    sizes: tuple[int, int],
    bias: bool,
    batch: int | None,
    with_state: bool,
    seed: int,
) -> None:
    torch = pytest.importorskip("torch")
    theirs, ours = _pair(torch, kind, input_size=sizes[0], hidden_size=sizes[1], bias=bias)
    rng = np.random.default_rng(seed)
    lead = () if batch is None else (batch,)
    xs = [rng.standard_normal((*lead, sizes[0])) for _ in range(3)]
    state_theirs: Any = None
    state_ours: Any = None
    if with_state:
        count = 2 if kind == "LSTMCell" else 1
        arrays = [rng.standard_normal((*lead, sizes[1])) for _ in range(count)]
        state_theirs = tuple(torch.tensor(a) for a in arrays)
        state_ours = tuple(tg.tensor(a) for a in arrays)
        if count == 1:
            state_theirs, state_ours = state_theirs[0], state_ours[0]
    for x in xs:  # the state of one step feeds the next
        state_theirs = theirs(torch.tensor(x), state_theirs)
        state_ours = ours(tg.tensor(x), state_ours)
    _contract_and_backward(torch, _flat(state_ours), _flat(state_theirs), seed)
    _assert_same_gradients(ours, theirs)


def test_dropout_between_layers_only_in_training_and_repeatable_by_seed() -> None:
    layer = nn.LSTM(3, 4, num_layers=2, dropout=0.5, dtype=tg.float64)
    x = tg.randn(6, 2, 3, dtype=tg.float64)
    tg.manual_seed(1)
    first = layer(x)[0].numpy().copy()
    tg.manual_seed(1)
    np.testing.assert_array_equal(layer(x)[0].numpy(), first)
    tg.manual_seed(2)
    assert not np.allclose(layer(x)[0].numpy(), first)  # another mask
    layer.eval()
    no_drop = nn.LSTM(3, 4, num_layers=2, dtype=tg.float64)
    no_drop.load_state_dict(layer.state_dict())
    np.testing.assert_array_equal(layer(x)[0].numpy(), no_drop(x)[0].numpy())


def test_eval_mode_with_dropout_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    theirs, ours = _pair(torch, "GRU", input_size=2, hidden_size=3, num_layers=3, dropout=0.3)
    theirs.eval(), ours.eval()
    x = np.random.default_rng(0).standard_normal((5, 2, 2))
    np.testing.assert_allclose(ours(tg.tensor(x))[0].numpy(), theirs(torch.tensor(x))[0].detach())


@contextmanager
def _parameters_replaced(module: nn.Module, params: dict[str, tg.Tensor]) -> Iterator[None]:
    """Run ``module`` with other tensors in place of its parameters (for finite differences,
    which perturb copies): a functional call."""
    saved = dict(module._parameters)
    module._parameters.update(params)
    try:
        yield
    finally:
        module._parameters.update(saved)


def _as_function(module: nn.Module, has_state: bool) -> tuple[Any, list[str]]:
    """``module`` as a function of (x, [state,] *parameters), and the parameters' names."""
    names = [n for n, _ in module.named_parameters()]

    def run(x: tg.Tensor, *rest: tg.Tensor) -> list[tg.Tensor]:
        state, params = (rest[:1], rest[1:]) if has_state else ((), rest)
        with _parameters_replaced(module, dict(zip(names, params))):
            return _flat(module(x, *state))

    return run, names


@pytest.mark.parametrize(
    ("kind", "kwargs"),
    [
        ("RNN", {"nonlinearity": "tanh", "bidirectional": True}),
        ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
        ("LSTM", {"num_layers": 2}),
        ("LSTM", {"proj_size": 1, "bidirectional": True}),
        ("GRU", {"bidirectional": True}),
    ],
)
def test_layers_pass_gradcheck_and_gradgradcheck_in_every_input(
    kind: str, kwargs: dict[str, Any]
) -> None:
    tg.manual_seed(0)
    layer = getattr(nn, kind)(2, 2, dtype=tg.float64, **kwargs)
    fn, _ = _as_function(layer, has_state=kind != "LSTM")
    rng = np.random.default_rng(0)
    x = tg.tensor(rng.standard_normal((3, 2, 2)), requires_grad=True)
    inputs = [x]
    if kind != "LSTM":
        layers = layer.num_layers * (2 if layer.bidirectional else 1)
        inputs.append(tg.tensor(rng.standard_normal((layers, 2, 2)), requires_grad=True))
    inputs += [p.detach().requires_grad_() for p in layer.parameters()]
    assert tg.gradcheck(fn, inputs)
    assert tg.gradgradcheck(fn, inputs)


@pytest.mark.parametrize("kind", CELLS)
def test_cells_pass_gradcheck_and_gradgradcheck(kind: str) -> None:
    tg.manual_seed(0)
    cell = getattr(nn, kind)(3, 2, dtype=tg.float64)
    names = [n for n, _ in cell.named_parameters()]
    rng = np.random.default_rng(1)

    def run(x: tg.Tensor, h: tg.Tensor, c: tg.Tensor, *params: tg.Tensor) -> list[tg.Tensor]:
        with _parameters_replaced(cell, dict(zip(names, params))):
            return _flat(cell(x, (h, c) if kind == "LSTMCell" else h))

    arrays = [rng.standard_normal(shape) for shape in [(2, 3), (2, 2), (2, 2)]]
    inputs = [tg.tensor(a, requires_grad=True) for a in arrays]
    inputs += [p.detach().requires_grad_() for p in cell.parameters()]
    assert tg.gradcheck(run, inputs)
    assert tg.gradgradcheck(run, inputs)


@pytest.mark.parametrize(
    ("kind", "kwargs"),
    [
        ("RNN", {"num_layers": 2, "bidirectional": True, "bias": False}),
        ("LSTM", {"num_layers": 3, "bidirectional": True}),
        ("LSTM", {"num_layers": 2, "proj_size": 2}),
        ("GRU", {"num_layers": 2}),
        ("RNNCell", {"bias": False}),
        ("LSTMCell", {}),
        ("GRUCell", {}),
    ],
)
def test_state_dict_keys_and_shapes_equal_pytorchs_and_move_both_ways(
    kind: str, kwargs: dict[str, Any]
) -> None:
    torch = pytest.importorskip("torch")
    theirs = getattr(torch.nn, kind)(3, 4, **kwargs)
    ours = getattr(nn, kind)(3, 4, **kwargs)
    expected = {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == expected
    assert list(ours.state_dict()) == list(expected)  # the same order as well
    theirs.load_state_dict({k: torch.tensor(np.asarray(v)) for k, v in ours.state_dict().items()})
    for name, p in theirs.named_parameters():
        np.testing.assert_array_equal(p.detach().numpy(), ours.get_parameter(name).numpy())


@pytest.mark.parametrize(
    ("kind", "args", "kwargs"),
    [
        ("RNN", (3, 6), {"batch_first": True}),
        ("RNN", (3, 6, 2, "relu", False), {}),
        ("LSTM", (3, 6), {"num_layers": 2, "dropout": 0.25, "bidirectional": True}),
        ("LSTM", (3, 6), {"proj_size": 2}),
        ("GRU", (3, 6), {"num_layers": 2, "batch_first": True}),
        ("RNNCell", (3, 4), {"nonlinearity": "relu", "bias": False}),
        ("LSTMCell", (3, 4), {}),
        ("GRUCell", (3, 4), {"bias": False}),
    ],
)
def test_repr_and_settings_as_pytorch(kind: str, args: tuple, kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    theirs, ours = getattr(torch.nn, kind)(*args, **kwargs), getattr(nn, kind)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    for setting in ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout"):
        if hasattr(theirs, setting):
            assert getattr(ours, setting) == getattr(theirs, setting), setting


def test_default_initialisation_is_uniform_within_one_over_root_hidden() -> None:
    tg.manual_seed(0)
    for layer in (nn.LSTM(5, 16, num_layers=2), nn.GRUCell(5, 16), nn.RNN(5, 16)):
        values = np.concatenate([p.numpy().ravel() for p in layer.parameters()])
        assert np.abs(values).max() <= 0.25  # 1/√16
        assert np.abs(values).max() > 0.24  # and fills the range
        assert abs(values.mean()) < 0.02 and abs(values.var() - 0.25**2 / 3) < 0.003
        assert all(p.dtype == tg.float32 and p.requires_grad for p in layer.parameters())


def test_unbatched_input_gives_unbatched_results_equal_to_a_batch_of_one() -> None:
    tg.manual_seed(0)
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    x = tg.randn(5, 3)
    output, (h_n, c_n) = lstm(x)
    assert output.shape == (5, 8) and h_n.shape == (4, 4) and c_n.shape == (4, 4)
    batched, (h_b, _) = lstm(x.unsqueeze(1))
    np.testing.assert_allclose(output.numpy(), batched.numpy()[:, 0], rtol=1e-6)
    np.testing.assert_allclose(h_n.numpy(), h_b.numpy()[:, 0], rtol=1e-6)


def test_bidirectional_output_holds_the_forward_and_backward_final_states() -> None:
    tg.manual_seed(0)
    gru = nn.GRU(2, 3, bidirectional=True, batch_first=True)
    output, h_n = gru(tg.randn(4, 6, 2))
    np.testing.assert_array_equal(output.numpy()[:, -1, :3], h_n.numpy()[0])  # forward: last t
    np.testing.assert_array_equal(output.numpy()[:, 0, 3:], h_n.numpy()[1])  # backward: first t


def test_known_answer_of_one_rnn_step() -> None:
    rnn = nn.RNN(2, 1, bias=True)
    rnn.load_state_dict(
        {
            "weight_ih_l0": np.array([[0.5, -1.0]]),
            "weight_hh_l0": np.array([[2.0]]),
            "bias_ih_l0": np.array([0.1]),
            "bias_hh_l0": np.array([-0.1]),
        }
    )
    output, h_n = rnn(tg.tensor([[[2.0, 0.5]]]), tg.tensor([[[0.25]]]))
    expected = np.tanh(0.5 * 2.0 - 1.0 * 0.5 + 0.1 + 2.0 * 0.25 - 0.1)  # tanh(1.0)
    np.testing.assert_allclose(output.numpy().ravel(), [expected], rtol=1e-6)
    np.testing.assert_allclose(h_n.numpy().ravel(), [expected], rtol=1e-6)


def test_lstm_trains_a_sequence_regressor() -> None:
    tg.manual_seed(0)
    lstm, head = nn.LSTM(2, 8, batch_first=True), nn.Linear(8, 1)
    x = tg.randn(16, 5, 2)
    target = x.sum(dim=(1, 2)).unsqueeze(1)
    optimizer = tg.optim.Adam([*lstm.parameters(), *head.parameters()], lr=0.02)
    losses = []
    for _ in range(60):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(head(lstm(x)[0][:, -1]), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: nn.LSTM(3, 4)(tg.randn(5, 2, 4)),
            RuntimeError,
            r"LSTM.*Expected 3, got 4.*\(5, 2, 4\)",
        ),
        (
            lambda: nn.GRU(3, 4)(tg.randn(5, 2, 3, 1)),
            ValueError,
            r"GRU.*2D or 3D, got 4D.*\(5, 2, 3, 1\)",
        ),
        (
            lambda: nn.RNN(3, 4)(tg.randn(5, 2, 3), tg.zeros(1, 3, 4)),
            RuntimeError,
            r"RNN.*\(1, 2, 4\), got \[1, 3, 4\]",
        ),
        (
            lambda: nn.LSTM(3, 4)(tg.randn(5, 2, 3), (tg.zeros(1, 2, 4), tg.zeros(1, 2, 5))),
            RuntimeError,
            r"LSTM.*hx\[1\].*\(1, 2, 4\), got \[1, 2, 5\]",
        ),
        (
            lambda: nn.LSTM(3, 4)(tg.randn(5, 3), (tg.zeros(1, 2, 4), tg.zeros(1, 2, 4))),
            RuntimeError,
            "LSTM.*unbatched 2-D",
        ),
        (
            lambda: nn.LSTM(3, 4)(tg.randn(5, 2, 3), tg.zeros(1, 2, 4)),
            TypeError,
            r"LSTM.*\(h_0, c_0\)",
        ),
        (lambda: nn.GRU(3, 4)(tg.randn(0, 2, 3)), RuntimeError, "GRU.*sequence length"),
        (
            lambda: nn.RNN(3, 4)(tg.randn(5, 2, 3, dtype=tg.float64)),
            ValueError,
            "RNN.*dtype.*float64.*float32",
        ),
        (
            lambda: nn.LSTMCell(3, 4)(tg.randn(2, 5)),
            RuntimeError,
            r"LSTMCell.*got 5 expected 3.*\(2, 5\)",
        ),
        (lambda: nn.GRUCell(3, 4)(tg.randn(1, 2, 3)), ValueError, "GRUCell.*1D or 2D, got 3D"),
        (
            lambda: nn.RNNCell(3, 4)(tg.randn(2, 3), tg.zeros(3, 4)),
            RuntimeError,
            r"RNNCell.*\(2, 4\).*got \[3, 4\]",
        ),
        (
            lambda: nn.RNN(3, 4, nonlinearity="sigmoid"),
            ValueError,
            "RNN.*'sigmoid'.*'tanh' or 'relu'",
        ),
        (lambda: nn.RNNCell(3, 4, nonlinearity="gelu"), ValueError, "RNNCell.*'gelu'"),
        (lambda: nn.GRU(3, 4, dropout=1.5), ValueError, "GRU.*dropout.*range \\[0, 1\\]"),
        (lambda: nn.LSTM(3, 0), ValueError, "LSTM.*hidden_size must be greater than zero"),
        (lambda: nn.LSTM(3, 2.0), TypeError, "LSTM.*hidden_size should be of type int"),
        (lambda: nn.RNN(3, 4, num_layers=0), ValueError, "RNN.*num_layers"),
        (lambda: nn.LSTM(3, 4, proj_size=4), ValueError, "LSTM.*proj_size has to be smaller"),
        (
            lambda: nn.RNNBase("GRU", 3, 4, proj_size=2),
            ValueError,
            "proj_size.*only supported for LSTM",
        ),
    ],
)
def test_bad_input_names_the_layer_and_the_shapes(call: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_dropout_on_a_single_layer_warns_as_pytorch() -> None:
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.GRU(3, 4, dropout=0.2)


def test_parameters_follow_to_double_and_all_weights_lists_them_per_layer() -> None:
    lstm = nn.LSTM(2, 3, num_layers=2, bidirectional=True).double()
    output, _ = lstm(tg.randn(4, 1, 2, dtype=tg.float64))
    assert output.dtype == tg.float64
    assert len(lstm.all_weights) == 4 and all(len(ws) == 4 for ws in lstm.all_weights)
    assert lstm.all_weights[1][0] is lstm.weight_ih_l0_reverse
    lstm.flatten_parameters()  # PyTorch code calls it; nothing to do


# --------------------------------------------------------------------------- packed sequences


@st.composite
def lengths_and_order(draw: st.DrawFn) -> tuple[list[int], bool]:
    lengths = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    enforce_sorted = draw(st.booleans())
    return (sorted(lengths, reverse=True) if enforce_sorted else lengths), enforce_sorted


@settings(max_examples=25)
@given(
    options=layer_settings(),
    lengths_sorted=lengths_and_order(),
    with_state=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_packed_sequences_through_layers_match_pytorch(
    options: dict[str, Any], lengths_sorted: tuple[list[int], bool], with_state: bool, seed: int
) -> None:
    torch = pytest.importorskip("torch")
    rnn_utils = torch.nn.utils.rnn
    lengths, enforce_sorted = lengths_sorted
    kind = options.pop("kind")
    theirs, ours = _pair(torch, kind, **options)
    rng = np.random.default_rng(seed)
    shape = (len(lengths), max(lengths)) if theirs.batch_first else (max(lengths), len(lengths))
    x_theirs = torch.tensor(rng.standard_normal((*shape, theirs.input_size)), requires_grad=True)
    x_ours = tg.tensor(x_theirs.detach().numpy(), requires_grad=True)
    pack = {"batch_first": theirs.batch_first, "enforce_sorted": enforce_sorted}
    args_theirs = [rnn_utils.pack_padded_sequence(x_theirs, lengths, **pack)]
    args_ours = [nn.utils.rnn.pack_padded_sequence(x_ours, lengths, **pack)]
    np.testing.assert_array_equal(args_ours[0].data.numpy(), args_theirs[0].data.detach())
    assert args_ours[0].batch_sizes.tolist() == args_theirs[0].batch_sizes.tolist()
    if with_state:
        state = _initial_state(torch, theirs, len(lengths), rng)
        state_ours = [tg.tensor(h.detach().numpy(), requires_grad=True) for h in state]
        args_theirs.append(tuple(state) if kind == "LSTM" else state[0])
        args_ours.append(tuple(state_ours) if kind == "LSTM" else state_ours[0])
    packed_theirs, final_theirs = theirs(*args_theirs)
    packed_ours, final_ours = ours(*args_ours)
    padded_theirs, lengths_theirs = rnn_utils.pad_packed_sequence(packed_theirs, theirs.batch_first)
    padded_ours, lengths_ours = nn.utils.rnn.pad_packed_sequence(packed_ours, theirs.batch_first)
    assert lengths_ours.tolist() == lengths_theirs.tolist() == lengths
    results_ours, results_theirs = [padded_ours, final_ours], [padded_theirs, final_theirs]
    _contract_and_backward(torch, _flat(results_ours), _flat(results_theirs), seed)
    _assert_same_gradients(ours, theirs)
    np.testing.assert_allclose(x_ours.grad.numpy(), x_theirs.grad.numpy(), **TOL)
    if with_state:
        for h_ours, h_theirs in zip(state_ours, state):
            np.testing.assert_allclose(h_ours.grad.numpy(), h_theirs.grad.numpy(), **TOL)


@settings(max_examples=20)
@given(
    lengths=st.lists(st.integers(0, 4), min_size=1, max_size=4),
    batch_first=st.booleans(),
    padding_side=st.sampled_from(["right", "left"]),
    padding_value=st.sampled_from([0.0, -1.5]),
)
def test_pad_sequence_matches_pytorch_and_passes_gradients(
    lengths: list[int], batch_first: bool, padding_side: str, padding_value: float
) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(len(lengths))
    arrays = [rng.standard_normal((n, 2)) for n in lengths]
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    settings_ = {"batch_first": batch_first, "padding_value": padding_value}
    padded_ours = nn.utils.rnn.pad_sequence(ours, padding_side=padding_side, **settings_)
    padded_theirs = torch.nn.utils.rnn.pad_sequence(theirs, padding_side=padding_side, **settings_)
    _contract_and_backward(torch, [padded_ours], [padded_theirs], seed=1)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_pack_sequence_sorts_and_unsorts_as_pytorch() -> None:
    torch = pytest.importorskip("torch")
    arrays = [np.full((n, 1), float(n)) for n in (2, 4, 1, 4)]
    ours = nn.utils.rnn.pack_sequence([tg.tensor(a) for a in arrays], enforce_sorted=False)
    theirs = torch.nn.utils.rnn.pack_sequence([torch.tensor(a) for a in arrays], False)
    for field in ("data", "batch_sizes", "sorted_indices", "unsorted_indices"):
        assert getattr(ours, field).tolist() == getattr(theirs, field).tolist(), field
    padded, lengths = nn.utils.rnn.pad_packed_sequence(ours, total_length=6)
    assert padded.shape == (6, 4, 1) and lengths.tolist() == [2, 4, 1, 4]
    assert padded.numpy()[:, :, 0].T.tolist()[0] == [2.0, 2.0, 0, 0, 0, 0]


def test_a_packed_layer_gives_each_sequence_its_own_last_state() -> None:
    tg.manual_seed(0)
    gru = nn.GRU(2, 3, dtype=tg.float64)
    x = tg.randn(5, 3, 2, dtype=tg.float64)
    packed = nn.utils.rnn.pack_padded_sequence(x, [2, 5, 3], enforce_sorted=False)
    _, h_n = gru(packed)
    for b, n in enumerate([2, 5, 3]):
        _, alone = gru(x[:n, b : b + 1])  # the sequence by itself, without padding
        np.testing.assert_allclose(h_n.numpy()[:, b], alone.numpy()[:, 0], rtol=1e-12)


def test_packed_layer_passes_gradcheck() -> None:
    tg.manual_seed(0)
    lstm = nn.LSTM(2, 2, bidirectional=True, dtype=tg.float64)

    def run(x: tg.Tensor) -> list[tg.Tensor]:
        packed = nn.utils.rnn.pack_padded_sequence(x, [1, 3], enforce_sorted=False)
        output, (h_n, c_n) = lstm(packed)
        return [nn.utils.rnn.pad_packed_sequence(output)[0], h_n, c_n]

    x = tg.tensor(np.random.default_rng(0).standard_normal((3, 2, 2)), requires_grad=True)
    assert tg.gradcheck(run, [x])
    assert tg.gradgradcheck(run, [x])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: nn.utils.rnn.pack_padded_sequence(tg.zeros(4, 2, 1), [2, 3]),
            RuntimeError,
            "sorted in decreasing order",
        ),
        (
            lambda: nn.utils.rnn.pack_padded_sequence(tg.zeros(4, 2, 1), [3, 0]),
            RuntimeError,
            r"pack_padded_sequence.*\[1, 4\].*\(4, 2, 1\)",
        ),
        (
            lambda: nn.utils.rnn.pack_padded_sequence(tg.zeros(4, 2, 1), [3]),
            RuntimeError,
            "pack_padded_sequence: expected 2 lengths",
        ),
        (
            lambda: nn.utils.rnn.pad_sequence([tg.zeros(2, 1), tg.zeros(2, 3)]),
            RuntimeError,
            r"pad_sequence.*\[\(2, 1\), \(2, 3\)\]",
        ),
        (
            lambda: nn.GRU(3, 2)(nn.utils.rnn.pack_sequence([tg.zeros(2, 4)])),
            RuntimeError,
            r"GRU.*\(steps, 3\), got \(2, 4\)",
        ),
    ],
)
def test_bad_packing_names_the_function_and_the_shapes(
    call: Any, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
