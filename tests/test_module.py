"""The ``nn.Module`` surface of API.md §3, side by side with PyTorch's.

State dicts (shared memory, keys, loading from every kind of value, the errors), buffers,
registration edge cases, ``to``/``cpu``/``cuda``, the containers (``Sequential``,
``ModuleList``, ``ModuleDict``) and their reprs. Each test builds the same structure in both
frameworks through one function of ``lib`` where it can, and compares what they report.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import nn


def _torch() -> Any:
    return pytest.importorskip("torch")


def _error_of(make: Callable[[], Any]) -> type[BaseException]:
    with pytest.raises(Exception) as caught:
        make()
    return caught.type


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(3, 2)
        self.register_buffer("steps", tg.zeros(1))
        self.register_buffer("scratch", tg.ones(2), persistent=False)

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        return self.linear(x)


# --------------------------------------------------------------------------- state dicts


def test_state_dict_values_are_detached_tensors_sharing_memory() -> None:
    block = Block()
    state = block.state_dict()
    assert list(state) == ["steps", "linear.weight", "linear.bias"]
    weight = state["linear.weight"]
    assert isinstance(weight, tg.Tensor) and not weight.requires_grad and weight.is_leaf
    assert np.shares_memory(weight.numpy(), block.linear.weight.numpy())
    with tg.no_grad():
        block.linear.weight.mul_(0.0)
    assert np.all(np.asarray(state["linear.weight"]) == 0)  # it follows training, as PyTorch
    snapshot = copy.deepcopy(block.state_dict())
    with tg.no_grad():
        block.linear.weight.add_(1.0)
    assert np.all(np.asarray(snapshot["linear.weight"]) == 0)


def test_state_dict_options_prefix_keep_vars_destination() -> None:
    block = Block()
    assert list(block.state_dict(prefix="m.")) == ["m.steps", "m.linear.weight", "m.linear.bias"]
    kept = block.state_dict(keep_vars=True)
    assert kept["linear.weight"] is block.linear.weight
    target: dict[str, Any] = {"other": 1}
    assert block.state_dict(destination=target) is target and len(target) == 4


def test_state_dict_keys_and_order_match_pytorch_for_a_nested_model() -> None:
    torch = _torch()

    def build(lib: Any) -> Any:
        net = lib.nn.Sequential(
            lib.nn.Linear(4, 3),
            lib.nn.BatchNorm1d(3),
            lib.nn.ReLU(),
            lib.nn.ModuleDict({"a": lib.nn.Linear(3, 2), "b": lib.nn.Linear(3, 1)}),
        )
        net.register_buffer("extra", lib.zeros(2))
        return net

    ours, theirs = build(tg).state_dict(), build(torch).state_dict()
    assert list(ours) == list(theirs)
    assert {k: tuple(v.shape) for k, v in ours.items()} == {
        k: tuple(v.shape) for k, v in theirs.items()
    }


@pytest.mark.parametrize(
    "convert",
    [
        lambda v: v,
        lambda v: v.numpy().copy(),
        lambda v: v.numpy().astype(np.float64),
        lambda v: v.tolist(),
        lambda v: tg.tensor(v.numpy(), requires_grad=True),
    ],
)
def test_load_state_dict_accepts_tensors_arrays_and_lists(convert: Callable[[Any], Any]) -> None:
    source, target = Block(), Block()
    arrays = {k: v.numpy() for k, v in target.state_dict().items()}
    result = target.load_state_dict({k: convert(v) for k, v in source.state_dict().items()})
    assert result == ([], []) and result.missing_keys == [] and result.unexpected_keys == []
    for key, value in target.state_dict().items():
        assert value.numpy() is arrays[key] or np.shares_memory(value.numpy(), arrays[key])
        np.testing.assert_array_equal(value.numpy(), source.state_dict()[key].numpy())
        assert value.dtype == np.float32


def test_load_state_dict_accepts_pytorch_tensors_that_require_grad() -> None:
    torch = _torch()
    theirs = torch.nn.Linear(3, 2)
    ours = nn.Linear(3, 2)
    ours.load_state_dict(theirs.state_dict(keep_vars=True))  # Parameters requiring grad
    np.testing.assert_array_equal(ours.weight.numpy(), theirs.weight.detach().numpy())
    ours.load_state_dict({"weight": theirs.weight, "bias": theirs.bias})
    np.testing.assert_array_equal(ours.bias.numpy(), theirs.bias.detach().numpy())
    back = torch.nn.Linear(3, 2)
    back.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in ours.state_dict().items()})
    np.testing.assert_array_equal(back.weight.detach().numpy(), ours.weight.numpy())


def test_load_state_dict_errors_as_pytorch() -> None:
    torch = _torch()
    for lib in (tg, torch):
        layer = lib.nn.Linear(2, 1)
        assert _error_of(lambda layer=layer: layer.load_state_dict([1])) is TypeError
        assert (
            _error_of(
                lambda layer=layer, lib=lib: layer.load_state_dict(
                    {"weight": lib.zeros(1, 3), "bias": lib.zeros(1)}
                )
            )
            is RuntimeError
        )
        result = layer.load_state_dict(
            {"weight": lib.zeros(1, 2), "extra": lib.zeros(1)}, strict=False
        )
        assert (result.missing_keys, result.unexpected_keys) == (["bias"], ["extra"])
        assert tuple(result) == (["bias"], ["extra"])
    layer = nn.Linear(2, 1)
    before = layer.weight.numpy().copy()
    with pytest.raises(RuntimeError, match=r'"weight".*could not read') as caught:
        layer.load_state_dict({"weight": [[1.0, 2.0], [3.0]], "bias": [0.5]})
    assert "Linear" in str(caught.value)
    with pytest.raises(RuntimeError, match=r'"bias".*dtype <U1'):
        layer.load_state_dict({"weight": [[1.0, 2.0]], "bias": ["a"]})
    with pytest.raises(RuntimeError, match=r"Missing key.*bias"):
        layer.load_state_dict({"weight": [[1.0, 2.0]]})
    np.testing.assert_array_equal(layer.weight.numpy(), before)  # nothing copied on an error


def test_load_state_dict_assign_takes_the_loaded_memory_and_dtype() -> None:
    layer = nn.Linear(2, 1)
    weight = np.ones((1, 2))
    layer.load_state_dict({"weight": weight, "bias": np.zeros(1)}, assign=True)
    assert layer.weight.dtype == np.float64 and isinstance(layer.weight, nn.Parameter)


def test_loading_changes_parameters_in_place_and_invalidates_saved_graphs() -> None:
    layer = nn.Linear(2, 1)
    parameter = layer.weight
    loss = (layer(tg.ones(1, 2)) * layer.weight).sum()  # the product saves the weight
    layer.load_state_dict(nn.Linear(2, 1).state_dict())
    assert layer.weight is parameter
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()  # as PyTorch: never a gradient computed from the overwritten values


# ------------------------------------------------------------------ buffers and registration


def test_buffers_persistence_and_listing_match_pytorch() -> None:
    torch = _torch()

    def build(lib: Any) -> Any:
        m = lib.nn.Module()
        m.register_buffer("mean", lib.zeros(2))
        m.register_buffer("tmp", lib.ones(1), persistent=False)
        m.register_buffer("absent", None)
        m.child = lib.nn.BatchNorm1d(2)
        return m

    ours, theirs = build(tg), build(torch)
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers(recurse=False)] == [
        n for n, _ in theirs.named_buffers(recurse=False)
    ]
    assert list(ours.parameters()) and len(list(ours.parameters())) == len(
        list(theirs.parameters())
    )


@pytest.mark.parametrize(
    "action",
    [
        lambda lib, m: m.register_buffer("a.b", lib.zeros(1)),
        lambda lib, m: m.register_buffer("", lib.zeros(1)),
        lambda lib, m: m.register_buffer(1, lib.zeros(1)),
        lambda lib, m: m.register_buffer("x", [1.0]),
        lambda lib, m: m.register_buffer("training", lib.zeros(1)),
        lambda lib, m: m.register_parameter("w", lib.zeros(1)),
        lambda lib, m: m.register_parameter("a.b", None),
        lambda lib, m: m.add_module("x.y", lib.nn.ReLU()),
        lambda lib, m: m.add_module("x", 3),
        lambda lib, m: setattr(m, "weight", lib.zeros(2)),
        lambda lib, m: setattr(m, "layer", 3),
        lambda lib, m: m.get_submodule("missing"),
        lambda lib, m: m.get_submodule("weight"),
        lambda lib, m: m.get_parameter("layer.nothing"),
    ],
)
def test_registration_errors_have_pytorchs_types(action: Callable[[Any, Any], Any]) -> None:
    torch = _torch()

    def build(lib: Any) -> Any:
        m = lib.nn.Module()
        m.weight = lib.nn.Parameter(lib.zeros(2))
        m.layer = lib.nn.Linear(1, 1)
        return m

    theirs = _error_of(lambda: action(torch, build(torch)))
    ours = _error_of(lambda: action(tg, build(tg)))
    assert issubclass(ours, theirs), (ours, theirs)


def test_setattr_and_delattr_move_names_between_registries_as_pytorch() -> None:
    torch = _torch()

    def story(lib: Any) -> list[Any]:
        m = lib.nn.Module()
        m.w = lib.nn.Parameter(lib.zeros(1))
        m.w = None  # a declared but absent parameter
        seen = [sorted(dict(m.named_parameters())), "w" in m._parameters]
        seen.append(_error_of(lambda: setattr(m, "w", lib.nn.Linear(1, 1))).__name__)
        del m.w
        m.w = lib.nn.Linear(1, 1)  # now a module
        seen += [sorted(dict(m.named_parameters())), sorted(m._modules)]
        del m.w
        seen += [sorted(m._modules), hasattr(m, "w")]
        m.register_buffer("b", lib.zeros(1))
        m.b = lib.ones(1)  # a tensor assigned to a buffer's name stays a buffer
        seen += [sorted(dict(m.named_buffers())), float(m.b.sum())]
        m.b = None
        seen += [sorted(dict(m.named_buffers())), list(m.state_dict())]
        return seen

    assert story(tg) == story(torch)


def test_shared_parameters_are_counted_once_and_recurse_false_lists_own() -> None:
    torch = _torch()

    def build(lib: Any) -> Any:
        shared = lib.nn.Linear(2, 2)
        net = lib.nn.Sequential(shared, lib.nn.ReLU(), shared)
        net.scale = lib.nn.Parameter(lib.ones(1))
        return net

    ours, theirs = build(tg), build(torch)
    assert len(list(ours.parameters())) == len(list(theirs.parameters())) == 3
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in ours.named_parameters(remove_duplicate=False)] == [
        n for n, _ in theirs.named_parameters(remove_duplicate=False)
    ]
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_get_submodule_parameter_and_buffer() -> None:
    net = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.BatchNorm1d(3)))
    assert net.get_submodule("") is net
    assert net.get_submodule("1.0") is net[1][0]
    assert net.get_parameter("0.weight") is net[0].weight
    assert net.get_buffer("1.0.running_var") is net[1][0].running_var
    with pytest.raises(AttributeError, match="has no attribute `7`"):
        net.get_submodule("7")
    with pytest.raises(AttributeError, match="not a buffer"):
        net.get_buffer("0.weight")


# ------------------------------------------------------------------ modes, dtypes and devices


def test_train_eval_and_the_training_flag_match_pytorch() -> None:
    torch = _torch()
    for lib in (tg, torch):
        net = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Dropout(0.5))
        assert net.training and net[1].training
        assert net.eval() is net and not net[1].training
        assert net.train() is net and net[1].training
        net.train(False)
        assert not net.training
        assert _error_of(lambda net=net: net.train("yes")) is ValueError


@pytest.mark.parametrize(
    "args",
    [
        ((np.float64,), {}),
        (("cpu",), {}),
        (("cpu", np.float64), {}),
        ((), {"dtype": np.float16}),
        ((), {"device": "cpu", "dtype": np.float64, "non_blocking": True}),
        ((tg.zeros(1, dtype=tg.float64),), {}),
        ((tg.device("cpu"),), {}),
    ],
)
def test_module_to_converts_floating_state_in_place(args: tuple[tuple[Any, ...], dict]) -> None:
    positional, keywords = args
    net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    weight = net[0].weight
    net[0](tg.ones(1, 2)).sum().backward()
    assert net.to(*positional, **keywords) is net
    expected = {"float64": np.float64, "float16": np.float16}
    wanted = next((v for k, v in expected.items() if k in str(args)), np.float32)
    assert net[0].weight is weight and weight.dtype == wanted
    assert weight.grad is not None and weight.grad.dtype == wanted
    assert net[1].running_mean.dtype == wanted
    assert net[1].num_batches_tracked.dtype == np.int64  # integer buffers stay


def test_module_to_refuses_other_devices_and_integer_dtypes() -> None:
    torch = _torch()
    net = nn.Linear(2, 1)
    with pytest.raises(tg.DeviceUnavailableError, match="cuda"):
        net.to("cuda")
    with pytest.raises(RuntimeError, match="cuda"):
        net.cuda()
    assert _error_of(lambda: net.to(tg.int64)) is _error_of(
        lambda: torch.nn.Linear(2, 1).to(torch.int64)
    )
    assert net.cpu() is net and net.weight.dtype == np.float32
    assert net.half().weight.dtype == np.float16 and net.float().weight.dtype == np.float32
    assert net.double().bias.dtype == np.float64


# --------------------------------------------------------------------------- containers


def _names(container: Any) -> list[str]:
    return [f"{name}:{type(m).__name__}" for name, m in container.named_children()]


SEQUENCE_STORIES: list[Callable[[Any, Any], Any]] = [
    lambda lib, s: s.append(lib.nn.Tanh()),
    lambda lib, s: s.extend([lib.nn.Tanh(), lib.nn.Sigmoid()]),
    lambda lib, s: s.insert(1, lib.nn.Sigmoid()),
    lambda lib, s: s.insert(0, lib.nn.Sigmoid()),
    lambda lib, s: s.insert(3, lib.nn.Sigmoid()),
    lambda lib, s: s.insert(-1, lib.nn.Sigmoid()) if isinstance(s, lib.nn.Sequential) else None,
    lambda lib, s: s.pop(1),
    lambda lib, s: s.pop(-1),
    lambda lib, s: s.__delitem__(0),
    lambda lib, s: s.__delitem__(slice(0, 2)),
    lambda lib, s: s.__setitem__(-1, lib.nn.Tanh()),
    lambda lib, s: s.__iadd__(
        type(s)([lib.nn.Tanh()] if isinstance(s, lib.nn.ModuleList) else lib.nn.Tanh())
    ),
]


@pytest.mark.parametrize("story", SEQUENCE_STORIES)
@pytest.mark.parametrize("kind", ["Sequential", "ModuleList"])
def test_sequence_containers_change_as_pytorchs(
    story: Callable[[Any, Any], Any], kind: str
) -> None:
    torch = _torch()
    results = []
    for lib in (tg, torch):
        layers = [lib.nn.ReLU(), lib.nn.Linear(1, 1), lib.nn.ReLU()]
        container = (
            lib.nn.Sequential(*layers) if kind == "Sequential" else lib.nn.ModuleList(layers)
        )
        returned = story(lib, container)
        results.append((_names(container), type(returned).__name__, list(container.state_dict())))
    assert results[0] == results[1]


@pytest.mark.parametrize("kind", ["Sequential", "ModuleList"])
def test_sequence_indexing_slicing_adding_and_errors(kind: str) -> None:
    torch = _torch()
    views = []
    for lib in (tg, torch):
        layers = [lib.nn.ReLU(), lib.nn.Linear(1, 1), lib.nn.Tanh(), lib.nn.ReLU()]
        make = getattr(lib.nn, kind)
        container = make(*layers) if kind == "Sequential" else make(layers)
        views.append(
            [
                type(container[-1]).__name__,
                _names(container[1:3]),
                _names(container[::2]),
                type(container[1:]).__name__,
                _names(container + container),
                len(container),
                [type(m).__name__ for m in container],
                _error_of(lambda c=container: c[4]),
                _error_of(lambda c=container: c.append(3)),
            ]
        )
    assert views[0] == views[1]


def test_sequential_insert_out_of_range_is_an_index_error_as_pytorch() -> None:
    torch = _torch()
    for lib in (tg, torch):
        net = lib.nn.Sequential(lib.nn.ReLU())
        for index in (2, -2):
            assert _error_of(lambda net=net, i=index, lib=lib: net.insert(i, lib.nn.Tanh())) is (
                IndexError
            )
    with pytest.raises(IndexError, match=r"ModuleList\.insert: index 9"):
        nn.ModuleList([nn.ReLU()]).insert(9, nn.Tanh())  # PyTorch leaves a gap in the names


def test_sequential_runs_its_children_and_keeps_names_given_by_a_dict() -> None:
    net = nn.Sequential({"hidden": nn.Linear(2, 3), "act": nn.ReLU()})
    assert _names(net) == ["hidden:Linear", "act:ReLU"]
    x = tg.randn(4, 2)
    np.testing.assert_allclose(net(x).numpy(), np.maximum(net.hidden(x).numpy(), 0))


def test_module_dict_behaves_as_pytorchs() -> None:
    torch = _torch()

    def story(lib: Any) -> list[Any]:
        d = lib.nn.ModuleDict({"a": lib.nn.ReLU(), "b": lib.nn.Linear(2, 1)})
        d["c"] = lib.nn.Tanh()
        d.update([("d", lib.nn.Sigmoid())])
        d.update(lib.nn.ModuleDict({"e": lib.nn.ReLU()}))
        seen = [
            list(d),
            list(d.keys()),
            [type(v).__name__ for v in d.values()],
            [k for k, _ in d.items()],
            "a" in d,
            "z" in d,
            len(d),
            list(d.state_dict()),
        ]
        seen.append(type(d.pop("a")).__name__)
        del d["c"]
        seen += [list(d), _names(d)]
        for bad in (
            lambda: d.__setitem__("x.y", lib.nn.ReLU()),
            lambda: d.__setitem__("keys", lib.nn.ReLU()),
            lambda: d.__setitem__(1, lib.nn.ReLU()),
            lambda: d["missing"],
            lambda: d.update([("only-one",)]),
        ):
            seen.append(_error_of(bad).__name__)
        d.clear()
        seen.append(len(d))
        return seen

    assert story(tg) == story(torch)


@given(st.lists(st.sampled_from(["ReLU", "Tanh", "Sigmoid"]), min_size=0, max_size=7))
def test_module_list_repr_groups_repeats_as_pytorch(kinds: list[str]) -> None:
    torch = _torch()
    ours = nn.ModuleList([getattr(nn, k)() for k in kinds])
    theirs = torch.nn.ModuleList([getattr(torch.nn, k)() for k in kinds])
    assert repr(ours) == repr(theirs)


def test_reprs_match_pytorch_for_nested_containers() -> None:
    torch = _torch()

    def build(lib: Any) -> Any:
        return lib.nn.Sequential(
            lib.nn.Linear(3, 4),
            lib.nn.ModuleDict({"act": lib.nn.ReLU()}),
            lib.nn.ModuleList([lib.nn.Linear(4, 4), lib.nn.Linear(4, 4)]),
        )

    assert repr(build(tg)) == repr(build(torch))
    assert repr(nn.ModuleDict()) == repr(torch.nn.ModuleDict())
    assert repr(nn.Sequential()) == repr(torch.nn.Sequential())
