"""utils/data/dataloader.py: ``DataLoader`` and the collation of samples into batches
(``default_collate``, ``default_convert``), as ``torch.utils.data.dataloader``.

Examples:
    >>> [batch.tolist() for batch in DataLoader(range(5), batch_size=2)]
    [[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

import copy
from collections.abc import (
    Callable,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from typing import Any

import numpy as np

from ...tensor import Tensor, stack, tensor
from .dataset import IterableDataset
from .sampler import (
    BatchSampler,
    RandomSampler,
    SequentialSampler,
    _check_positive_int,
    _length,
)

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]

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
    tuple or list position by position: a tuple gives a tuple (API.md §7: "a tuple of tensors
    for a dataset of tuples"; PyTorch's gives a list, which unpacks the same way).

    Raises:
        RuntimeError: the sequences in the batch have different lengths.
        TypeError: a sample of another type (or an array of strings or objects).

    Examples:
        >>> default_collate([(tg.ones(2), 0), (tg.zeros(2), 1)])
        (tensor([[1., 1.],
                [0., 0.]]), tensor([0, 1]))
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


def _rebuild(like: object, contents: Any) -> Any:
    """``like``'s class built from ``contents`` (``TypeError`` when it takes no such argument)."""
    make: Callable[[Any], Any] = type(like)
    return make(contents)


def _collate_mapping(elem: Mapping, batch: Sequence[Any]) -> Any:
    collated = {key: default_collate([sample[key] for sample in batch]) for key in elem}
    if isinstance(elem, MutableMapping):
        clone = copy.copy(elem)
        clone.update(collated)
        return clone
    try:
        return _rebuild(elem, collated)
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
        return tuple(columns)
    try:
        return _rebuild(elem, columns)
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
            return _rebuild(data, converted)
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
        timeout: accepted (non-negative, as PyTorch checks it).
        worker_init_fn: accepted and never called, as with ``num_workers=0``.
        multiprocessing_context: accepted for PyTorch code.
        generator: the random source of the shuffling.
        prefetch_factor: accepted (only with ``num_workers > 0``, as PyTorch checks it).
        persistent_workers: accepted (only with ``num_workers > 0``, as PyTorch checks it).
        pin_memory_device: accepted for PyTorch code.
        in_order: accepted; batches always come in order.

    Raises:
        ValueError: contradictory options, as PyTorch (``shuffle`` with ``sampler``, a
            ``batch_sampler`` with ``batch_size``, shuffling an ``IterableDataset``, ...).

    Examples:
        >>> X, y = tg.arange(10.0).reshape(5, 2), tg.tensor([0, 1, 0, 1, 1])
        >>> loader = DataLoader(tg.utils.data.TensorDataset(X, y), batch_size=2)
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
        self.dataset = dataset
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.pin_memory_device = pin_memory_device
        self.in_order = in_order
        self.generator = generator
        self._iterable = isinstance(dataset, IterableDataset)
        self._set_order(batch_size, shuffle, sampler, batch_sampler, drop_last)
        self._auto_collation = self.batch_sampler is not None or (
            self._iterable and self.batch_size is not None
        )
        self.collate_fn = collate_fn or (
            default_collate if self._auto_collation else default_convert
        )

    def _set_order(
        self,
        batch_size: int | None,
        shuffle: bool | None,
        sampler: Iterable[Any] | None,
        batch_sampler: Iterable[list[Any]] | None,
        drop_last: bool,
    ) -> None:
        """The sampler and the batch sampler, as PyTorch picks them (after its checks)."""
        if self._iterable:
            _check_iterable_options(shuffle, sampler, batch_sampler)
        _check_order_options(batch_size, shuffle, sampler, batch_sampler, drop_last)
        if batch_sampler is not None:
            batch_size, drop_last = None, False
        if sampler is None and not self._iterable:
            sampler = (
                RandomSampler(self.dataset, generator=self.generator)
                if shuffle
                else SequentialSampler(self.dataset)
            )
        # sampler is None exactly for an IterableDataset (the checks above)
        if batch_size is not None and batch_sampler is None and sampler is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if batch_size is not None:
            _check_positive_int("batch_size", batch_size)
        self.batch_size, self.drop_last = batch_size, drop_last
        self.sampler, self.batch_sampler = sampler, batch_sampler

    def __iter__(self) -> _Batches:
        if self._iterable:
            batches = self._iterable_batches()
        elif self.batch_sampler is not None:
            batches = (self.collate_fn(self._fetch(list(i))) for i in self.batch_sampler)
        else:
            sampler = self.sampler
            if sampler is None:  # only a user who set loader.sampler = None gets here
                raise TypeError("DataLoader: sampler is None; a map-style dataset needs one")
            batches = (self.collate_fn(self.dataset[i]) for i in sampler)
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
            order = self.batch_sampler if self.batch_sampler is not None else self.sampler
            return _length(order, "DataLoader")
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
    num_workers: int,
    timeout: float,
    prefetch_factor: int | None,
    persistent_workers: bool,
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


def _check_order_options(
    batch_size: int | None,
    shuffle: bool | None,
    sampler: Any,
    batch_sampler: Any,
    drop_last: bool,
) -> None:
    if sampler is not None and shuffle:
        raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
    if batch_sampler is not None and (
        batch_size != 1 or shuffle or sampler is not None or drop_last
    ):
        raise ValueError(
            "DataLoader: batch_sampler option is mutually exclusive with "
            "batch_size, shuffle, sampler, and drop_last"
        )
    if batch_sampler is None and batch_size is None and drop_last:
        raise ValueError(
            "DataLoader: batch_size=None option disables auto-batching and "
            "is mutually exclusive with drop_last"
        )


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
