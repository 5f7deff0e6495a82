"""utils/data: ``tg.utils.data``, datasets, samplers and ``DataLoader`` as ``torch.utils.data``.

A *dataset* maps an index to a sample (``Dataset``: ``__getitem__`` and ``__len__``) or
yields samples (``IterableDataset``). A *sampler* yields the indices to read, in order
(``SequentialSampler``) or shuffled (``RandomSampler``); ``BatchSampler`` groups them. A
``DataLoader`` reads each group of samples and *collates* them into a batch
(``default_collate``: tensors, arrays and numbers stacked into one tensor, tuples and dicts
position by position and key by key). The files are PyTorch's: ``dataset.py``,
``sampler.py`` and ``dataloader.py`` (with the collation), so ``from
tinygrad4h03.utils.data.sampler import SubsetRandomSampler`` works as in PyTorch.

Loading always happens in the calling process: ``num_workers > 0`` is accepted (code written
for PyTorch runs unchanged) and gives the same batches as ``num_workers=0``.

Randomness (shuffling, ``random_split``) comes from the package's generator, which
``tg.manual_seed`` reseeds, or from a ``generator=`` argument: a ``tg.Generator`` or a NumPy
``np.random.Generator``. The orders differ from PyTorch's for the same seed; the batches'
contents, shapes and dtypes for a given order are PyTorch's.

Examples:
    >>> from tinygrad4h03.utils.data import DataLoader, TensorDataset
    >>> X, y = tg.ones(5, 2), tg.tensor([0, 1, 0, 1, 1])
    >>> [len(yb) for xb, yb in DataLoader(TensorDataset(X, y), batch_size=2)]
    [2, 2, 1]
"""

from __future__ import annotations

from .dataloader import DataLoader, default_collate, default_convert, get_worker_info
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

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
    "StackDataset",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "random_split",
]
