"""rnn (``tg.nn.utils.rnn``): sequences of different lengths for the recurrent layers.

As PyTorch's ``torch.nn.utils.rnn``: ``pad_sequence`` stacks sequences of different lengths
into one zero-padded tensor; ``pack_padded_sequence`` and ``pack_sequence`` make a
``PackedSequence`` (the steps of all sequences, longest first, without the padding), which
``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` take in place of a tensor, so that each sequence's
final state is the one after its own last step; ``pad_packed_sequence`` turns the packed
output back into a padded tensor and the lengths. Everything is indexing, ``cat`` and
``stack``, so gradients flow through to the sequences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ...creation import full
from ...tensor import Tensor, cat, stack
from .. import functional as F

__all__ = [
    "PackedSequence",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
]


class PackedSequence(NamedTuple):
    """Sequences of different lengths, packed time step by time step (PyTorch's fields).

    ``data`` holds, for t = 0, 1, ..., the step t of every sequence at least t + 1 long, the
    sequences sorted longest first; ``batch_sizes[t]`` is how many there are. With
    ``enforce_sorted=False`` the sort is recorded: ``sorted_indices[k]`` is the original
    position of the k-th longest sequence, ``unsorted_indices`` its inverse (both ``None``
    when the input was already sorted).

    Examples:
        >>> seqs = [tg.ones(2, 1), tg.zeros(3, 1)]
        >>> packed = nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
        >>> packed.batch_sizes.tolist(), packed.sorted_indices.tolist()
        ([2, 2, 1], [1, 0])
        >>> packed.data.flatten().tolist()  # step 0 of both, step 1 of both, step 2 of one
        [0.0, 1.0, 0.0, 1.0, 0.0]
    """

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None


def _lengths(lengths: Any) -> np.ndarray:
    array = lengths.numpy() if isinstance(lengths, Tensor) else np.asarray(lengths)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(
            f"pack_padded_sequence: lengths must be a 1-D list or tensor of ints, got {lengths!r}"
        )
    return array.astype(np.int64)


def _int_tensor(values: Any) -> Tensor:
    return Tensor(np.asarray(values, dtype=np.int64))


def pack_padded_sequence(
    input: Tensor, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded batch ``(L, B, *)`` (``(B, L, *)`` with ``batch_first``) whose sequence b
    is ``lengths[b]`` steps long.

    With ``enforce_sorted=True`` the lengths must not increase; otherwise the batch is
    sorted (stably) longest first and the order kept in the result.

    Raises:
        RuntimeError: lengths that increase under ``enforce_sorted``, a length ≤ 0 or
            longer than the input, or a number of lengths other than the batch size.

    Examples:
        >>> x = tg.arange(6.0).reshape(3, 2)  # 3 steps, 2 sequences (time-major)
        >>> packed = nn.utils.rnn.pack_padded_sequence(x, [3, 1])
        >>> packed.data.tolist(), packed.batch_sizes.tolist()
        ([0.0, 1.0, 2.0, 4.0], [2, 1, 1])
    """
    x = F._tensor(input, "pack_padded_sequence")
    if x.ndim < 2:
        raise ValueError(f"pack_padded_sequence: input must be at least 2-D, got {x.shape}")
    x = x.transpose(0, 1) if batch_first else x
    sizes = _lengths(lengths)
    if sizes.shape[0] != x.shape[1]:
        raise RuntimeError(
            f"pack_padded_sequence: expected {x.shape[1]} lengths for a batch of {x.shape[1]} "
            f"(input shape {tuple(input.shape)}), got {sizes.shape[0]}"
        )
    if (sizes <= 0).any() or (sizes > x.shape[0]).any():
        raise RuntimeError(
            f"pack_padded_sequence: every length must be in [1, {x.shape[0]}] for an input of "
            f"shape {tuple(input.shape)}, got {sizes.tolist()}"
        )
    order = None
    if enforce_sorted:
        if (np.diff(sizes) > 0).any():
            raise RuntimeError(
                "pack_padded_sequence: `lengths` array must be sorted in decreasing order when "
                f"`enforce_sorted` is True (got {sizes.tolist()}); pass enforce_sorted=False "
                "to sort them here"
            )
    else:
        order = np.argsort(-sizes, kind="stable")
        x, sizes = x[:, order], sizes[order]
    batch_sizes = [int((sizes > t).sum()) for t in range(int(sizes[0]))]
    data = cat([x[t, :n] for t, n in enumerate(batch_sizes)], dim=0)
    if order is None:
        return PackedSequence(data, _int_tensor(batch_sizes))
    inverse = np.argsort(order)
    return PackedSequence(data, _int_tensor(batch_sizes), _int_tensor(order), _int_tensor(inverse))


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Undo ``pack_padded_sequence``: the padded batch ``(L, B, *)`` (``(B, L, *)`` with
    ``batch_first``) in the original order, and the lengths as an int64 tensor.

    ``total_length`` pads to that many steps (at least the longest sequence).

    Examples:
        >>> packed = nn.utils.rnn.pack_sequence([tg.tensor([1.0, 2.0]), tg.tensor([3.0])])
        >>> padded, lengths = nn.utils.rnn.pad_packed_sequence(packed, batch_first=True)
        >>> padded.tolist(), lengths.tolist()
        ([[1.0, 2.0], [3.0, 0.0]], [2, 1])
    """
    data, batch_sizes = sequence.data, [int(n) for n in sequence.batch_sizes.tolist()]
    batch, steps = batch_sizes[0], len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                f"pad_packed_sequence: total_length {total_length} is shorter than the "
                f"longest sequence ({steps} steps)"
            )
        steps = int(total_length)
    rows, start = [], 0
    for t in range(steps):
        n = batch_sizes[t] if t < len(batch_sizes) else 0
        row = data[start : start + n]
        if n < batch:
            padding = full((batch - n, *data.shape[1:]), padding_value, dtype=data.dtype)
            row = cat([row, padding], dim=0) if n else padding
        rows.append(row)
        start += n
    padded = stack(rows)
    lengths = np.array([sum(n > b for n in batch_sizes) for b in range(batch)], dtype=np.int64)
    if sequence.unsorted_indices is not None:
        unsorted = sequence.unsorted_indices.numpy()
        padded, lengths = padded[:, unsorted], lengths[unsorted]
    return (padded.transpose(0, 1) if batch_first else padded), Tensor(lengths)


def pad_sequence(
    sequences: Sequence[Tensor],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack tensors ``(L_i, *)`` of different lengths into ``(max L_i, B, *)`` (``(B, max
    L_i, *)`` with ``batch_first``), padding with ``padding_value`` on ``padding_side``.

    Raises:
        ValueError: an empty list or a ``padding_side`` other than ``"right"``/``"left"``.
        RuntimeError: trailing shapes that differ.

    Examples:
        >>> nn.utils.rnn.pad_sequence([tg.tensor([1.0, 2.0]), tg.tensor([3.0])]).tolist()
        [[1.0, 3.0], [2.0, 0.0]]
    """
    if padding_side not in ("right", "left"):
        raise ValueError(
            f"pad_sequence: padding_side must be 'left' or 'right', got {padding_side!r}"
        )
    items = [F._tensor(s, "pad_sequence", "each sequence") for s in sequences]
    if not items:
        raise ValueError("pad_sequence: received an empty list of sequences")
    trailing = {tuple(s.shape[1:]) for s in items}
    if len(trailing) > 1 or any(s.ndim == 0 for s in items):
        shapes = [tuple(s.shape) for s in items]
        raise RuntimeError(f"pad_sequence: the sequences' trailing shapes differ: {shapes}")
    longest = max(s.shape[0] for s in items)
    padded = []
    for s in items:
        missing = longest - s.shape[0]
        if missing:
            filler = full((missing, *s.shape[1:]), padding_value, dtype=s.dtype)
            pieces = [s, filler] if padding_side == "right" else [filler, s]
            s = cat(pieces, dim=0)
        padded.append(s)
    return stack(padded, dim=0 if batch_first else 1)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)``: ``pad_sequence`` then ``pack_padded_sequence``.

    Examples:
        >>> packed = nn.utils.rnn.pack_sequence([tg.ones(3, 2), tg.ones(1, 2)])
        >>> packed.data.shape, packed.batch_sizes.tolist()
        ((4, 2), [2, 1, 1])
    """
    lengths = [int(F._tensor(s, "pack_sequence", "each sequence").shape[0]) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)
