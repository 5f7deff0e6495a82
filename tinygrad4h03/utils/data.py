"""utils/data.py: ``tg.utils.data``, datasets, samplers and ``DataLoader`` as ``torch.utils.data``.

A *dataset* maps an index to a sample (``Dataset``: ``__getitem__`` and ``__len__``) or
yields samples (``IterableDataset``). A *sampler* yields the indices to read, in order
(``SequentialSampler``) or shuffled (``RandomSampler``); ``BatchSampler`` groups them. A
``DataLoader`` reads each group of samples and *collates* them into a batch
(``default_collate``: tensors, arrays and numbers stacked into one tensor, tuples and dicts
position by position and key by key).

Loading always happens in the calling process: ``num_workers > 0`` is accepted (code written
for PyTorch runs unchanged) and gives the same batches as ``num_workers=0``.

Randomness (shuffling, ``random_split``) comes from the package's generator, which
``tg.manual_seed`` reseeds, or from a ``generator=`` argument: a ``tg.Generator`` or a NumPy
``np.random.Generator``. The orders differ from PyTorch's for the same
seed; the batches' contents, shapes and dtypes for a given order are PyTorch's.
"""

from __future__ import annotations

import bisect
import copy
import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from typing import Any

import numpy as np

from ..random import resolve
from ..tensor import Tensor, stack, tensor

__all__ = [
    "BatchSampler",
    "ChainDataset",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "random_split",
]


def _check_positive_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value!r}")


# --------------------------------------------------------------------------- datasets


class Dataset:
    """A map-style dataset: subclasses define ``__getitem__(index)`` and ``__len__()``.

    ``a + b`` concatenates two datasets (``ConcatDataset``).

    Examples:
        >>> class Squares(Dataset):
        ...     def __len__(self): return 4
        ...     def __getitem__(self, i): return i * i
        >>> [Squares()[i] for i in range(4)], len(Squares() + Squares())
        ([0, 1, 4, 9], 8)
    """

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__}: subclasses of Dataset should implement __getitem__"
        )

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset read as a stream: subclasses define ``__iter__``; it has no indices.

    A ``DataLoader`` over it takes the samples in the order ``__iter__`` yields them (it
    cannot shuffle them or take a sampler). ``a + b`` chains two streams (``ChainDataset``).

    Examples:
        >>> class Count(IterableDataset):
        ...     def __iter__(self): return iter(range(5))
        >>> [batch.tolist() for batch in DataLoader(Count(), batch_size=2)]
        [[0, 1], [2, 3], [4]]
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(
            f"{type(self).__name__}: subclasses of IterableDataset should implement __iter__"
        )

    def __add__(self, other: Dataset) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are rows: sample i is ``(tensors[0][i], tensors[1][i], ...)``.

    Args:
        *tensors: tensors with the same size in their first dim (inputs, targets, ...).

    Raises:
        TypeError: an argument is not a ``Tensor``.
        AssertionError: the first dims differ (PyTorch's "Size mismatch between tensors").

    Examples:
        >>> X, y = tg.arange(6.0).reshape(3, 2), tg.tensor([0, 1, 0])
        >>> dataset = TensorDataset(X, y)
        >>> len(dataset), dataset[1]
        (3, (tensor([2., 3.]), tensor(1)))
    """

    def __init__(self, *tensors: Tensor) -> None:
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"TensorDataset: argument {i} should be a Tensor, got {type(t).__name__}"
                )
            if t.ndim == 0:
                raise AssertionError(
                    f"TensorDataset: argument {i} is 0-d; each tensor needs "
                    "a first dim that indexes the samples"
                )
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) > 1:
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise AssertionError(
                f"TensorDataset: size mismatch between tensors: the first "
                f"dims differ in shapes {shapes}"
            )
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0] if self.tensors else 0


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order: ``subset[i]`` is
    ``dataset[indices[i]]``.

    Args:
        dataset: the whole dataset.
        indices: the indices to keep.

    Examples:
        >>> evens = Subset(range(10), [0, 2, 4])
        >>> len(evens), evens[2], evens[[0, 1]]
        (3, 4, [0, 2])
    """

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.__getitems__(index)
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        wanted = [self.indices[i] for i in indices]
        fetch = getattr(self.dataset, "__getitems__", None)
        if callable(fetch):
            return fetch(wanted)
        return [self.dataset[i] for i in wanted]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Datasets one after another: indices run through the first, then the second, ...

    Args:
        datasets: a non-empty iterable of map-style datasets.

    Raises:
        AssertionError: no datasets, or one is an ``IterableDataset`` (as PyTorch).

    Examples:
        >>> both = ConcatDataset([range(3), range(10, 12)])
        >>> len(both), both[3], both[-1], both.cumulative_sizes
        (5, 10, 11, [3, 5])
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        n = len(self)
        if index < 0:
            if -index > n:
                raise ValueError(
                    f"ConcatDataset: absolute value of index {index} should not "
                    f"exceed dataset length {n}"
                )
            index += n
        if index >= n:
            raise IndexError(f"ConcatDataset: index {index} is out of range for length {n}")
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][index - start]


class ChainDataset(IterableDataset):
    """Iterable datasets one after another, as one stream.

    Examples:
        >>> class Count(IterableDataset):
        ...     def __init__(self, n): self.n = n
        ...     def __iter__(self): return iter(range(self.n))
        >>> list(ChainDataset([Count(2), Count(3)]))
        [0, 1, 0, 1, 2]
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self.datasets)


def random_split(
    dataset: Any, lengths: Sequence[int | float], generator: Any = None
) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping ``Subset``s of the given lengths.

    Fractions that sum to 1 become lengths as PyTorch computes them: ``floor(n * fraction)``
    each, then the remainder handed out one by one to the first, second, ... split.

    Args:
        dataset: a map-style dataset (anything with ``__len__``).
        lengths: integer lengths summing to ``len(dataset)``, or fractions summing to 1.
        generator: the random source (``None``: the package's, see ``tg.manual_seed``).

    Raises:
        ValueError: a fraction outside [0, 1], or lengths that do not sum to the dataset's.

    Examples:
        >>> train, test = random_split(range(10), [0.75, 0.25])
        >>> len(train), len(test), sorted([*train, *test]) == list(range(10))
        (8, 2, True)
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        lengths = _fraction_lengths(lengths, n)
    if any(isinstance(k, float) for k in lengths) or sum(lengths) != n:
        raise ValueError(
            f"random_split: sum of input lengths {list(lengths)} does not equal "
            f"the length of the input dataset ({n})"
        )
    order = resolve(generator, "random_split").permutation(n).tolist()
    ends = np.cumsum(lengths).tolist()
    return [Subset(dataset, order[end - k : end]) for k, end in zip(lengths, ends)]


def _fraction_lengths(fractions: Sequence[float], n: int) -> list[int]:
    lengths = []
    for i, fraction in enumerate(fractions):
        if not 0 <= fraction <= 1:
            raise ValueError(
                f"random_split: fraction at index {i} ({fraction}) is not between 0 and 1"
            )
        lengths.append(math.floor(n * fraction))
    for i in range(n - sum(lengths)):
        lengths[i % len(lengths)] += 1
    for i, k in enumerate(lengths):
        if k == 0:
            warnings.warn(
                f"Length of split at index {i} is 0. This might result in an empty dataset.",
                stacklevel=3,
            )
    return lengths


# --------------------------------------------------------------------------- samplers


class Sampler:
    """Base of the samplers: an iterable of dataset indices (or of lists of them).

    Examples:
        >>> class Backwards(Sampler):
        ...     def __init__(self, n): self.n = n
        ...     def __iter__(self): return iter(range(self.n - 1, -1, -1))
        ...     def __len__(self): return self.n
        >>> [b.tolist() for b in DataLoader(range(5), batch_size=2, sampler=Backwards(5))]
        [[4, 3], [2, 1], [0]]
    """

    def __init__(self, data_source: Any = None) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(
            f"{type(self).__name__}: subclasses of Sampler should implement __iter__"
        )


class SequentialSampler(Sampler):
    """The indices 0, 1, ..., ``len(data_source) - 1`` in order.

    Examples:
        >>> list(SequentialSampler(range(3)))
        [0, 1, 2]
    """

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """The indices in a new random order on every pass (every epoch).

    Without replacement, each pass is a permutation (several, then part of one, when
    ``num_samples`` exceeds the dataset's length); with replacement, ``num_samples``
    independent draws.

    Args:
        data_source: the dataset.
        replacement: draw with replacement.
        num_samples: indices per pass; ``len(data_source)`` when ``None``.
        generator: the random source (``None``: the package's, see ``tg.manual_seed``).

    Raises:
        TypeError: ``replacement`` is not a bool.
        ValueError: ``num_samples`` is not a positive integer.

    Examples:
        >>> _ = tg.manual_seed(0)
        >>> sorted(RandomSampler(range(5)))
        [0, 1, 2, 3, 4]
        >>> len(RandomSampler(range(5), replacement=True, num_samples=8))
        8
    """

    def __init__(
        self,
        data_source: Any,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Any = None,
    ) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={replacement!r}"
            )
        self.data_source, self.replacement = data_source, replacement
        self._num_samples, self.generator = num_samples, generator
        _check_positive_int("num_samples", self.num_samples)

    @property
    def num_samples(self) -> int:
        """The number of indices per pass."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n, rng = len(self.data_source), resolve(self.generator, "RandomSampler")
        if self.replacement:
            yield from rng.integers(0, n, size=self.num_samples).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from rng.permutation(n).tolist()
        yield from rng.permutation(n)[: self.num_samples % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a new random order on every pass (no replacement).

    Examples:
        >>> sorted(SubsetRandomSampler([7, 3, 5]))
        [3, 5, 7]
    """

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices, self.generator = indices, generator

    def __iter__(self) -> Iterator[int]:
        for i in (
            resolve(self.generator, "SubsetRandomSampler").permutation(len(self.indices)).tolist()
        ):
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``.

    Args:
        weights: one non-negative weight per index (they need not sum to 1).
        num_samples: indices per pass.
        replacement: draw with replacement (without, ``num_samples <= len(weights)``).
        generator: the random source (``None``: the package's, see ``tg.manual_seed``).

    Examples:
        >>> sampler = WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], num_samples=6)
        >>> set(sampler) <= {1, 3}, len(sampler)
        (True, 6)
    """

    def __init__(
        self,
        weights: Sequence[float],
        num_samples: int,
        replacement: bool = True,
        generator: Any = None,
    ) -> None:
        _check_positive_int("num_samples", num_samples)
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement!r}"
            )
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim != 1 or np.any(w < 0) or not np.all(np.isfinite(w)) or w.sum() <= 0:
            raise ValueError(
                f"WeightedRandomSampler: weights should be a 1-D sequence of "
                f"finite non-negative numbers, not all 0; got shape {w.shape}"
            )
        if not replacement and num_samples > np.count_nonzero(w):
            raise RuntimeError(
                f"WeightedRandomSampler: cannot draw {num_samples} samples "
                f"without replacement from {np.count_nonzero(w)} non-zero weights"
            )
        self.weights, self.num_samples = w, int(num_samples)
        self.replacement, self.generator = replacement, generator

    def __iter__(self) -> Iterator[int]:
        rng = resolve(self.generator, "WeightedRandomSampler")
        p = self.weights / self.weights.sum()
        yield from rng.choice(len(p), size=self.num_samples, replace=self.replacement, p=p).tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``.

    Args:
        sampler: an iterable of indices.
        batch_size: indices per batch.
        drop_last: drop a last batch shorter than ``batch_size`` (else keep it).

    Raises:
        ValueError: ``batch_size`` is not a positive integer, ``drop_last`` not a bool.

    Examples:
        >>> list(BatchSampler(range(5), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
        >>> len(BatchSampler(range(5), batch_size=2, drop_last=True))
        2
    """

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        _check_positive_int("batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(
                f"drop_last should be a boolean value, but got drop_last={drop_last!r}"
            )
        self.sampler, self.batch_size, self.drop_last = sampler, int(batch_size), drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


# --------------------------------------------------------------------------- collation

_COLLATE_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _is_namedtuple(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def _is_text(value: Any) -> bool:
    return isinstance(value, str | bytes)


def _array_tensor(array: np.ndarray) -> Tensor:
    if array.dtype.kind in "SUO" or array.dtype.kind == "V":
        raise TypeError(_COLLATE_ERROR.format(array.dtype))
    return tensor(array)


def default_collate(batch: Sequence[Any]) -> Any:
    """Make one batch from a list of samples, as PyTorch's ``default_collate``.

    By the type of the first sample: tensors are stacked along a new first dim; NumPy arrays
    and NumPy numbers become tensors and are stacked (keeping their dtype); Python floats
    give a float64 tensor, ints an int64 tensor, bools a bool tensor; strings and bytes stay
    as they are; a dict is collated key by key, a named tuple field by field, and any other
    tuple or list position by position (a tuple gives a list, as in PyTorch).

    Raises:
        RuntimeError: the sequences in the batch have different lengths.
        TypeError: a sample of another type (or an array of strings or objects).

    Examples:
        >>> default_collate([(tg.ones(2), 0), (tg.zeros(2), 1)])
        [tensor([[1., 1.],
                [0., 0.]]), tensor([0, 1])]
        >>> default_collate([{"x": 1.5, "name": "a"}, {"x": 2.5, "name": "b"}])
        {'x': tensor([1.5, 2.5], dtype=float64), 'name': ['a', 'b']}
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch), 0)
    if isinstance(elem, np.ndarray):
        return stack([_array_tensor(b) for b in batch], 0)
    if isinstance(elem, np.generic) and not _is_text(elem):
        return _array_tensor(np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=np.float64)
    if isinstance(elem, int):
        return tensor(batch)
    if _is_text(elem):
        return batch
    if isinstance(elem, Mapping):
        return _collate_mapping(elem, batch)
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, Sequence):
        return _collate_sequence(elem, batch)
    raise TypeError(_COLLATE_ERROR.format(type(elem)))


def _collate_mapping(elem: Mapping, batch: Sequence[Any]) -> Any:
    collated = {key: default_collate([sample[key] for sample in batch]) for key in elem}
    if isinstance(elem, MutableMapping):
        clone = copy.copy(elem)
        clone.update(collated)
        return clone
    try:
        return type(elem)(collated)  # type: ignore[call-arg]
    except TypeError:
        return collated


def _collate_sequence(elem: Sequence, batch: Sequence[Any]) -> Any:
    size = len(elem)
    if any(len(sample) != size for sample in batch):
        sizes = sorted({len(sample) for sample in batch})
        raise RuntimeError(
            f"default_collate: each element in list of batch should be of "
            f"equal size (got sizes {sizes})"
        )
    columns = [default_collate(column) for column in zip(*batch)]
    if isinstance(elem, tuple):
        return columns
    try:
        return type(elem)(columns)  # type: ignore[call-arg]
    except TypeError:
        return columns


def default_convert(data: Any) -> Any:
    """Convert one sample without batching (``DataLoader(batch_size=None)``), as PyTorch.

    NumPy arrays and NumPy numbers become tensors; dicts, tuples and lists are converted
    element by element (a tuple gives a list); Python numbers, strings and tensors stay as
    they are.

    Examples:
        >>> default_convert((np.arange(2), 3))
        [tensor([0, 1]), 3]
    """
    if isinstance(data, np.ndarray | np.generic) and not _is_text(data):
        return data if data.dtype.kind in "SUOV" else tensor(data)
    if isinstance(data, Tensor) or _is_text(data):
        return data
    if isinstance(data, Mapping):
        return _convert_mapping(data)
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, Sequence):
        converted = [default_convert(d) for d in data]
        try:
            return type(data)(converted)  # type: ignore[call-arg]
        except TypeError:
            return converted
    return data


def _convert_mapping(data: Mapping) -> Any:
    converted = {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, MutableMapping):
        clone = copy.copy(data)
        clone.update(converted)
        return clone
    return converted


def get_worker_info() -> None:
    """Information about the current loading worker: always ``None`` (loading happens in the
    calling process, as PyTorch's ``get_worker_info()`` in the main process).

    Examples:
        >>> get_worker_info() is None
        True
    """
    return None


# --------------------------------------------------------------------------- DataLoader


class DataLoader:
    """Iterate over a dataset in batches: sample indices, read the samples, collate them.

    Every ``for batch in loader`` is one epoch; with ``shuffle=True`` each epoch has a new
    order (from ``generator``, or the package's generator that ``tg.manual_seed`` reseeds).
    The batches are those of ``torch.utils.data.DataLoader`` for the same order.

    Args:
        dataset: a map-style dataset (``Dataset``, a list, a tensor, ...) or an
            ``IterableDataset``.
        batch_size: samples per batch; ``None`` turns batching off (each sample is only
            converted, see ``default_convert``).
        shuffle: a new random order every epoch.
        sampler: the order of the indices (exclusive with ``shuffle``).
        batch_sampler: yields whole lists of indices (exclusive with ``batch_size``,
            ``shuffle``, ``sampler`` and ``drop_last``).
        num_workers: accepted for PyTorch code; loading always happens in this process.
        collate_fn: turns a list of samples into a batch (``default_collate``).
        pin_memory: accepted; tensors are in ordinary memory already.
        drop_last: drop the last batch when it is shorter than ``batch_size``.
        timeout, worker_init_fn, multiprocessing_context, prefetch_factor,
            persistent_workers, pin_memory_device, in_order: accepted as PyTorch (checked
            the same way); ``worker_init_fn`` is never called, as with ``num_workers=0``.
        generator: the random source of the shuffling.

    Raises:
        ValueError: contradictory options, as PyTorch (``shuffle`` with ``sampler``, a
            ``batch_sampler`` with ``batch_size``, shuffling an ``IterableDataset``, ...).

    Examples:
        >>> X, y = tg.arange(10.0).reshape(5, 2), tg.tensor([0, 1, 0, 1, 1])
        >>> loader = DataLoader(TensorDataset(X, y), batch_size=2)
        >>> len(loader), [tuple(xb.shape) for xb, yb in loader]
        (3, [(2, 2), (2, 2), (1, 2)])
        >>> _ = tg.manual_seed(0)
        >>> sorted(int(v) for batch in DataLoader(range(5), batch_size=2, shuffle=True)
        ...        for v in batch)
        [0, 1, 2, 3, 4]
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Iterable[Any] | None = None,
        batch_sampler: Iterable[list[Any]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[Any], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Any = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers)
        self.dataset, self.num_workers, self.pin_memory = dataset, num_workers, pin_memory
        self.timeout, self.worker_init_fn = timeout, worker_init_fn
        self.multiprocessing_context, self.prefetch_factor = (
            multiprocessing_context,
            prefetch_factor,
        )
        self.persistent_workers, self.pin_memory_device = persistent_workers, pin_memory_device
        self.in_order, self.generator = in_order, generator
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            _check_iterable_options(shuffle, sampler, batch_sampler)
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "DataLoader: batch_sampler option is mutually exclusive with "
                    "batch_size, shuffle, sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "DataLoader: batch_size=None option disables auto-batching and "
                "is mutually exclusive with drop_last"
            )
        if sampler is None and not self._iterable:
            sampler = (
                RandomSampler(dataset, generator=generator)
                if shuffle
                else SequentialSampler(dataset)
            )
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)  # type: ignore[arg-type]
        if batch_size is not None:
            _check_positive_int("batch_size", batch_size)
        self.batch_size, self.drop_last = batch_size, drop_last
        self.sampler, self.batch_sampler = sampler, batch_sampler
        batching = batch_sampler is not None or (self._iterable and batch_size is not None)
        self._auto_collation = batching
        self.collate_fn = collate_fn or (default_collate if batching else default_convert)

    def __iter__(self) -> _Batches:
        if self._iterable:
            batches = self._iterable_batches()
        elif self.batch_sampler is not None:
            batches = (self.collate_fn(self._fetch(list(i))) for i in self.batch_sampler)
        else:
            batches = (self.collate_fn(self.dataset[i]) for i in self.sampler)  # type: ignore[union-attr]
        return _Batches(batches, self)

    def _fetch(self, indices: list[Any]) -> list[Any]:
        fetch = getattr(self.dataset, "__getitems__", None)
        if callable(fetch):
            return fetch(indices)
        return [self.dataset[i] for i in indices]

    def _iterable_batches(self) -> Iterator[Any]:
        stream = iter(self.dataset)
        if not self._auto_collation:
            yield from (self.collate_fn(sample) for sample in stream)
            return
        assert self.batch_size is not None
        while batch := [sample for _, sample in zip(range(self.batch_size), stream)]:
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield self.collate_fn(batch)

    def __len__(self) -> int:
        if not self._iterable:
            return len(
                self.batch_sampler
                if self.batch_sampler is not None  # type: ignore[arg-type]
                else self.sampler
            )
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


class _Batches(Iterator[Any]):
    """One epoch of a ``DataLoader``: the batches, and ``len()`` as the loader's."""

    def __init__(self, batches: Iterator[Any], loader: DataLoader) -> None:
        self._batches, self._loader = batches, loader

    def __next__(self) -> Any:
        return next(self._batches)

    def __len__(self) -> int:
        return len(self._loader)


def _check_worker_options(
    num_workers: int, timeout: float, prefetch_factor: int | None, persistent_workers: bool
) -> None:
    if num_workers < 0:
        raise ValueError(
            "DataLoader: num_workers option should be non-negative; use "
            "num_workers=0 to disable multiprocessing"
        )
    if timeout < 0:
        raise ValueError("DataLoader: timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError(
            "DataLoader: prefetch_factor option could only be specified in "
            "multiprocessing. let num_workers > 0 to enable multiprocessing, "
            "otherwise set prefetch_factor to None."
        )
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("DataLoader: prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("DataLoader: persistent_workers option needs num_workers > 0")


def _check_iterable_options(shuffle: Any, sampler: Any, batch_sampler: Any) -> None:
    if shuffle not in (False, None):
        raise ValueError(
            f"DataLoader with IterableDataset: expected unspecified shuffle "
            f"option, but got shuffle={shuffle}"
        )
    if sampler is not None:
        raise ValueError(
            f"DataLoader with IterableDataset: expected unspecified sampler "
            f"option, but got sampler={sampler}"
        )
    if batch_sampler is not None:
        raise ValueError(
            f"DataLoader with IterableDataset: expected unspecified "
            f"batch_sampler option, but got batch_sampler={batch_sampler}"
        )
