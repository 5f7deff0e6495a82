"""utils/data/sampler.py: the orders in which a ``DataLoader`` reads a dataset, as
``torch.utils.data.sampler``.

Examples:
    >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=True))
    [[0, 1], [2, 3]]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any

import numpy as np

from ...random import resolve

__all__ = [
    "BatchSampler",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
]


def _length(indices: object, owner: str) -> int:
    """``len(indices)``, or a ``TypeError`` naming ``owner`` when the indices have no length."""
    if not isinstance(indices, Sized):
        raise TypeError(f"{owner}: object of type '{type(indices).__name__}' has no len()")
    return len(indices)


def _check_positive_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value!r}")


class Sampler:
    """Base of the samplers: an iterable of dataset indices (or of lists of them).

    Examples:
        >>> class Backwards(Sampler):
        ...     def __init__(self, n): self.n = n
        ...     def __iter__(self): return iter(range(self.n - 1, -1, -1))
        ...     def __len__(self): return self.n
        >>> loader = tg.utils.data.DataLoader(range(5), batch_size=2, sampler=Backwards(5))
        >>> [b.tolist() for b in loader]
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
        self.sampler, self.batch_size, self.drop_last = (
            sampler,
            int(batch_size),
            drop_last,
        )

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
        n = _length(self.sampler, "BatchSampler")
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
