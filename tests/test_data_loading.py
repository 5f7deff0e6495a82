"""``tg.utils.data``: datasets, samplers, collation and ``DataLoader`` against
``torch.utils.data`` (contents, shapes, dtypes, lengths and errors for the deterministic
cases; permutations and reproducibility for the shuffled ones)."""

from __future__ import annotations

import warnings
from collections import namedtuple
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad4h03 as tg
import tinygrad4h03.utils.data
from tinygrad4h03.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    StackDataset,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    random_split,
)

Point = namedtuple("Point", ["x", "label"])


def _as_tuples(batch: Any) -> Any:
    """PyTorch's plain batch of a dataset of tuples, as ours: a tuple (API.md §7), not a list."""
    return ("tuple", batch[1]) if isinstance(batch, tuple) and batch[0] == "list" else batch


def plain(value: Any) -> Any:
    """A batch as comparable plain data: tensors (ours or torch's) → (dtype name, values)."""
    if isinstance(value, tg.Tensor):
        return ("tensor", np.dtype(value.dtype).name, value.shape, value.tolist())
    if type(value).__module__.startswith("torch") and hasattr(value, "numpy"):
        array = value.detach().numpy()
        return ("tensor", array.dtype.name, tuple(array.shape), array.tolist())
    if isinstance(value, dict):
        return {key: plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return (type(value).__name__, [plain(v) for v in value])
    return value


def torch_data() -> Any:
    return pytest.importorskip("torch").utils.data


def xy(n: int) -> tuple[np.ndarray, np.ndarray]:
    X = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    return X, (np.arange(n) % 4).astype(np.int64)


def test_the_module_imports_as_in_pytorch() -> None:
    assert tg.utils.data is tinygrad4h03.utils.data
    assert tg.utils.data.DataLoader is DataLoader


# --------------------------------------------------------------------------- batches vs torch


@given(st.integers(0, 12), st.integers(1, 5), st.booleans())
def test_tensor_dataset_batches_equal_pytorchs(n: int, batch_size: int, drop_last: bool) -> None:
    torch, data = pytest.importorskip("torch"), torch_data()
    X, y = xy(n)
    ours = DataLoader(
        TensorDataset(tg.tensor(X), tg.tensor(y)), batch_size=batch_size, drop_last=drop_last
    )
    theirs = data.DataLoader(
        data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
        batch_size=batch_size,
        drop_last=drop_last,
    )
    assert len(ours) == len(theirs)
    assert [plain(b) for b in ours] == [_as_tuples(plain(b)) for b in theirs]


SAMPLES = {
    "ints": [3, 1, 4],
    "floats": [0.5, 1.5, -2.0],
    "bools": [True, False, True],
    "float32 arrays": [np.full(2, i, np.float32) for i in range(3)],
    "int64 arrays": [np.arange(i, i + 3) for i in range(3)],
    "numpy scalars": [np.float32(i) for i in range(3)],
    "0-d arrays": [np.array(float(i)) for i in range(3)],
    "strings": ["a", "b", "c"],
    "tuples": [(np.ones(2, np.float32) * i, i, "s") for i in range(3)],
    "lists": [[i, 2.0 * i] for i in range(3)],
    "dicts": [{"x": np.ones(2) * i, "y": i, "meta": {"id": str(i), "w": [i, i]}} for i in range(3)],
    "named tuples": [Point(np.ones(2, np.float32) * i, i) for i in range(3)],
}


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_default_collate_equals_pytorchs(kind: str) -> None:
    data = torch_data()
    samples = SAMPLES[kind]
    theirs = plain(data.default_collate(samples))
    if kind == "tuples":  # API.md §7: a tuple of tensors for a dataset of tuples (PyTorch: a list)
        assert theirs[0] == "list"
        theirs = ("tuple", theirs[1])
    assert plain(default_collate(samples)) == theirs


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_default_convert_equals_pytorchs(kind: str) -> None:
    data = torch_data()
    for sample in SAMPLES[kind]:
        assert plain(default_convert(sample)) == plain(data.default_convert(sample))


@pytest.mark.parametrize("kind", ["dicts", "tuples", "named tuples", "lists"])
def test_a_loader_over_structured_samples_equals_pytorchs(kind: str) -> None:
    data = torch_data()
    samples = SAMPLES[kind] * 3  # 9 samples: batches of 4, 4, 1
    ours, theirs = DataLoader(samples, batch_size=4), data.DataLoader(samples, batch_size=4)
    expected = [plain(b) for b in theirs]
    if kind == "tuples":  # API.md §7: a tuple of tensors for a dataset of tuples
        expected = [_as_tuples(b) for b in expected]
    assert [plain(b) for b in ours] == expected
    assert isinstance(next(iter(ours)), tuple if kind == "tuples" else type(next(iter(theirs))))


def test_collating_tensors_stacks_them() -> None:
    batch = default_collate([tg.ones(2, 3), tg.zeros(2, 3)])
    assert batch.shape == (2, 2, 3) and batch.dtype == np.float32
    np.testing.assert_array_equal(batch.numpy()[0], np.ones((2, 3)))


def test_batch_size_none_converts_samples_without_batching() -> None:
    data = torch_data()
    samples = [(np.arange(2) + i, float(i)) for i in range(3)]
    ours, theirs = DataLoader(samples, batch_size=None), data.DataLoader(samples, batch_size=None)
    assert len(ours) == len(theirs) == 3
    assert [plain(b) for b in ours] == [plain(b) for b in theirs]


def test_an_epoch_iterator_has_the_loaders_length() -> None:
    epoch = iter(DataLoader(range(7), batch_size=3))
    assert len(epoch) == 3 and next(epoch).tolist() == [0, 1, 2]
    assert [b.tolist() for b in epoch] == [[3, 4, 5], [6]]


def test_a_custom_collate_fn_gets_the_list_of_samples() -> None:
    loader = DataLoader(range(5), batch_size=2, collate_fn=lambda batch: sum(batch))
    assert list(loader) == [1, 5, 4]


def test_num_workers_loads_the_same_batches_in_this_process() -> None:
    X, y = xy(7)
    dataset = TensorDataset(tg.tensor(X), tg.tensor(y))
    serial = [plain(b) for b in DataLoader(dataset, batch_size=3)]
    workers = DataLoader(
        dataset,
        batch_size=3,
        num_workers=4,
        pin_memory=True,
        prefetch_factor=2,
        persistent_workers=True,
        worker_init_fn=lambda i: None,
    )
    assert [plain(b) for b in workers] == serial


# --------------------------------------------------------------------------- iterable datasets


class Stream(IterableDataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self) -> Any:
        return iter({"v": float(i), "i": i} for i in range(self.n))

    def __len__(self) -> int:
        return self.n


@given(st.integers(0, 9), st.integers(1, 4), st.booleans())
def test_an_iterable_dataset_batches_equal_pytorchs(
    n: int, batch_size: int, drop_last: bool
) -> None:
    data = torch_data()

    class TorchStream(data.IterableDataset):  # type: ignore[misc, name-defined]
        def __iter__(self) -> Any:
            return iter(Stream(n))

        def __len__(self) -> int:
            return n

    ours = DataLoader(Stream(n), batch_size=batch_size, drop_last=drop_last)
    theirs = data.DataLoader(TorchStream(), batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    assert [plain(b) for b in ours] == [_as_tuples(plain(b)) for b in theirs]


def test_an_iterable_dataset_without_batching_yields_samples() -> None:
    assert [s["i"] for s in DataLoader(Stream(3), batch_size=None)] == [0, 1, 2]


def test_iterable_datasets_chain_with_plus() -> None:
    assert [s["i"] for s in Stream(2) + Stream(3)] == [0, 1, 0, 1, 2]


# --------------------------------------------------------------------------- shuffling


def shuffled_epoch(loader: DataLoader) -> list[int]:
    return [int(v) for batch in loader for v in batch[0].numpy()[:, 0] // 3]


def test_shuffling_gives_a_new_permutation_every_epoch() -> None:
    X, y = xy(30)
    loader = DataLoader(TensorDataset(tg.tensor(X), tg.tensor(y)), batch_size=4, shuffle=True)
    epochs = [shuffled_epoch(loader) for _ in range(3)]
    for epoch in epochs:
        assert sorted(epoch) == list(range(30))
    assert epochs[0] != epochs[1] != epochs[2]  # equal by chance with probability 1/30!


def test_shuffling_is_reproducible_with_manual_seed() -> None:
    X, y = xy(20)
    dataset = TensorDataset(tg.tensor(X), tg.tensor(y))

    def two_epochs() -> list[list[int]]:
        tg.manual_seed(123)
        loader = DataLoader(dataset, batch_size=3, shuffle=True)
        return [shuffled_epoch(loader), shuffled_epoch(loader)]

    assert two_epochs() == two_epochs()


@pytest.mark.parametrize(
    "make",
    [np.random.default_rng, lambda seed: tg.Generator().manual_seed(seed)],
    ids=["numpy", "tg.Generator"],
)
def test_shuffling_is_reproducible_with_a_generator(make: Any) -> None:
    if make is not np.random.default_rng and not hasattr(tg, "Generator"):
        pytest.skip("tg.Generator is not there yet")
    X, y = xy(20)
    dataset = TensorDataset(tg.tensor(X), tg.tensor(y))
    first = shuffled_epoch(DataLoader(dataset, batch_size=3, shuffle=True, generator=make(5)))
    tg.manual_seed(99)  # the global generator plays no part
    second = shuffled_epoch(DataLoader(dataset, batch_size=3, shuffle=True, generator=make(5)))
    assert first == second and sorted(first) == list(range(20))


def test_a_generator_of_another_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="generator"):
        list(RandomSampler(range(3), generator=42))


# --------------------------------------------------------------------------- samplers


@given(st.integers(0, 11), st.integers(1, 4), st.booleans())
def test_batch_sampler_equals_pytorchs(n: int, batch_size: int, drop_last: bool) -> None:
    data = torch_data()
    ours = BatchSampler(SequentialSampler(range(n)), batch_size, drop_last)
    theirs = data.BatchSampler(data.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_a_batch_sampler_drives_the_loader() -> None:
    loader = DataLoader(range(10), batch_sampler=[[0, 9], [5, 6, 7]])
    assert [b.tolist() for b in loader] == [[0, 9], [5, 6, 7]] and len(loader) == 2


def test_random_sampler_without_replacement_repeats_permutations() -> None:
    indices = list(RandomSampler(range(4), num_samples=10))
    assert len(indices) == 10
    assert sorted(indices[:4]) == sorted(indices[4:8]) == [0, 1, 2, 3]
    assert len(set(indices[8:])) == 2


def test_random_sampler_with_replacement_draws_in_range() -> None:
    indices = list(RandomSampler(range(3), replacement=True, num_samples=50))
    assert len(indices) == 50 and set(indices) == {0, 1, 2}


def test_subset_random_sampler_permutes_its_indices() -> None:
    sampler = SubsetRandomSampler([10, 20, 30, 40])
    assert sorted(sampler) == [10, 20, 30, 40] and len(sampler) == 4


def test_weighted_sampler_never_draws_zero_weights() -> None:
    drawn = list(WeightedRandomSampler([0.0, 2.0, 0.0, 1.0], num_samples=200))
    assert set(drawn) == {1, 3} and drawn.count(1) > drawn.count(3)
    unique = list(WeightedRandomSampler([1.0, 1.0, 1.0], num_samples=3, replacement=False))
    assert sorted(unique) == [0, 1, 2]


def test_a_custom_sampler_sets_the_order() -> None:
    loader = DataLoader(range(6), batch_size=4, sampler=[5, 4, 3, 2, 1, 0])
    assert [b.tolist() for b in loader] == [[5, 4, 3, 2], [1, 0]]


# --------------------------------------------------------------------------- datasets


def test_concat_dataset_and_subset_index_as_pytorchs() -> None:
    data = torch_data()
    parts = [list(range(3)), list(range(10, 15)), list(range(20, 21))]
    ours, theirs = ConcatDataset(parts), data.ConcatDataset(parts)
    assert len(ours) == len(theirs) == 9 and ours.cumulative_sizes == theirs.cumulative_sizes
    for i in range(-9, 9):
        assert ours[i] == theirs[i]
    with pytest.raises(ValueError, match="absolute value of index"):
        ours[-10]
    with pytest.raises(IndexError, match="out of range"):
        ours[9]
    subset = Subset(ours, [8, 0, 4])
    assert [subset[i] for i in range(3)] == [20, 0, 11] and subset[[2, 0]] == [11, 20]


def test_stack_dataset_batches_equal_pytorchs() -> None:
    data = torch_data()
    X, y = xy(5)
    for ours, theirs in [
        (StackDataset(X, y), data.StackDataset(X, y)),
        (StackDataset(x=X, y=list(y)), data.StackDataset(x=X, y=list(y))),
    ]:
        assert len(ours) == len(theirs) == 5
        assert [plain(b) for b in DataLoader(ours, batch_size=2)] == [
            _as_tuples(plain(b)) for b in data.DataLoader(theirs, batch_size=2)
        ]
    for args, kwargs in [((X,), {"y": y}), ((X, y[:3]), {}), ((), {})]:
        with pytest.raises(ValueError):
            data.StackDataset(*args, **kwargs)
        with pytest.raises(ValueError, match="StackDataset"):
            StackDataset(*args, **kwargs)


def test_datasets_concatenate_with_plus() -> None:
    class Numbers(Dataset):
        def __init__(self, values: list[int]) -> None:
            self.values = values

        def __getitem__(self, i: int) -> int:
            return self.values[i]

        def __len__(self) -> int:
            return len(self.values)

    both = Numbers([1, 2]) + Numbers([3])
    assert isinstance(both, ConcatDataset) and [both[i] for i in range(3)] == [1, 2, 3]


def test_a_dataset_without_getitem_says_so() -> None:
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]


@given(st.integers(0, 40), st.lists(st.integers(1, 10), min_size=1, max_size=4))
def test_random_split_fraction_lengths_equal_pytorchs(n: int, weights: list[int]) -> None:
    data = torch_data()
    fractions = [w / sum(weights) for w in weights]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = [len(s) for s in data.random_split(range(n), fractions)]
        except ValueError:
            with pytest.raises(ValueError, match="sum of input lengths"):
                random_split(range(n), fractions)
            return
        parts = random_split(range(n), fractions)
    assert [len(p) for p in parts] == expected
    assert sorted(v for p in parts for v in p) == list(range(n))


def test_random_split_with_lengths_is_reproducible() -> None:
    first = [list(p) for p in random_split(range(10), [3, 7], generator=np.random.default_rng(1))]
    second = [list(p) for p in random_split(range(10), [3, 7], generator=np.random.default_rng(1))]
    assert first == second and [len(p) for p in first] == [3, 7]
    assert sorted(first[0] + first[1]) == list(range(10))


def test_random_split_refuses_wrong_lengths() -> None:
    with pytest.raises(ValueError, match=r"sum of input lengths \[3, 3\].*\(10\)"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="fraction at index 1"):
        random_split(range(10), [0.5, 1.5, -1.0])


def test_random_split_warns_about_an_empty_split() -> None:
    with pytest.warns(UserWarning) as caught:
        random_split(range(2), [0.9, 0.05, 0.05])
    assert [str(w.message).split(" is 0")[0][-7:] for w in caught] == ["index 1", "index 2"]


# --------------------------------------------------------------------------- errors as PyTorch's


def test_tensor_dataset_names_mismatched_shapes() -> None:
    with pytest.raises(AssertionError, match=r"\(3, 2\), \(4,\)"):
        TensorDataset(tg.ones(3, 2), tg.ones(4))
    with pytest.raises(TypeError, match="argument 1 should be a Tensor"):
        TensorDataset(tg.ones(3), np.ones(3))  # type: ignore[arg-type]


def options_error(module: Any, **options: Any) -> type[BaseException] | None:
    try:
        module.DataLoader(range(4), **options)
    except Exception as error:
        return type(error)
    return None


@pytest.mark.parametrize(
    "options",
    [
        {"shuffle": True, "sampler": [0, 1]},
        {"batch_sampler": [[0]], "batch_size": 2},
        {"batch_sampler": [[0]], "drop_last": True},
        {"batch_size": None, "drop_last": True},
        {"batch_size": 0},
        {"batch_size": -1},
        {"num_workers": -1},
        {"timeout": -1},
        {"prefetch_factor": 2},
        {"persistent_workers": True},
        {"drop_last": "yes"},
    ],
    ids=str,
)
def test_contradictory_options_raise_as_pytorch(options: dict[str, Any]) -> None:
    data = torch_data()
    expected = options_error(data, **options)
    assert expected is not None
    with pytest.raises(expected):
        DataLoader(range(4), **options)


def test_an_iterable_dataset_cannot_be_shuffled() -> None:
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="expected unspecified sampler option"):
        DataLoader(Stream(3), sampler=[0, 1])


def test_collating_ragged_or_unknown_samples_raises_as_pytorch() -> None:
    with pytest.raises(RuntimeError, match=r"equal size \(got sizes \[1, 2\]\)"):
        default_collate([[1], [1, 2]])
    with pytest.raises(TypeError, match="found <class 'object'>"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_sampler_arguments_are_checked() -> None:
    with pytest.raises(TypeError, match="replacement should be a boolean"):
        RandomSampler(range(3), replacement=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        BatchSampler(range(3), batch_size=True, drop_last=False)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="without replacement"):
        WeightedRandomSampler([1.0, 0.0], num_samples=2, replacement=False)
