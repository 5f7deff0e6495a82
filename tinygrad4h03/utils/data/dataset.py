"""utils/data/dataset.py: datasets (``Dataset``, ``TensorDataset``, ``Subset``, ...) and
``random_split``, as ``torch.utils.data.dataset``.

Examples:
    >>> len(ConcatDataset([range(3), range(2)]))
    5
"""

from __future__ import annotations

import bisect
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from ...random import resolve
from ...tensor import Tensor

__all__ = [
    "ChainDataset",
    "ConcatDataset",
    "Dataset",
    "IterableDataset",
    "StackDataset",
    "Subset",
    "TensorDataset",
    "random_split",
]


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
        >>> [batch.tolist() for batch in tg.utils.data.DataLoader(Count(), batch_size=2)]
        [[0, 1], [2, 3], [4]]
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(
            f"{type(self).__name__}: subclasses of IterableDataset should implement __iter__"
        )

    # Deliberately not a ConcatDataset as the base class returns: streams chain (PyTorch too)
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


class StackDataset(Dataset):
    """Datasets side by side: sample i is ``(a[i], b[i], ...)``, or ``{"a": a[i], ...}``.

    Args:
        *args: datasets of one length, for tuple samples.
        **kwargs: datasets of one length, for dict samples (not with ``args``).

    Raises:
        ValueError: no datasets, both ``args`` and ``kwargs``, or different lengths.

    Examples:
        >>> pairs = StackDataset(image=range(10, 13), label=["a", "b", "c"])
        >>> len(pairs), pairs[1]
        (3, {'image': 11, 'label': 'b'})
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ValueError(
                "StackDataset: give datasets either as arguments (tuple samples) "
                "or as keywords (dict samples), not both"
            )
        datasets = list(args or kwargs.values())
        if not datasets:
            raise ValueError("StackDataset: at least one dataset should be passed")
        lengths = [len(d) for d in datasets]
        if len(set(lengths)) > 1:
            raise ValueError(f"StackDataset: size mismatch between datasets (lengths {lengths})")
        self.datasets: tuple[Any, ...] | dict[str, Any] = args or kwargs
        self._length = lengths[0]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(self.datasets, dict):
            return {key: d[index] for key, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length


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
