"""utils: helpers that PyTorch keeps under ``torch.utils``; here ``tg.utils.data`` (data loading).

Examples:
    >>> from tinygrad4h03.utils.data import DataLoader
    >>> len(DataLoader(range(10), batch_size=4))
    3
"""

from . import data

__all__ = ["data"]
