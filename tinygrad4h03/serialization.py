"""serialization.py: ``tg.save``/``tg.load``, a state dict to and from an ``.npz`` file.

The file format is NumPy's own ``.npz`` (one ``.npy`` array per key), so a state dict saved
here opens with ``np.load`` and, through ``torch.from_numpy``, in PyTorch; ``Module`` and
``Optimizer`` state dicts are the usual things to save.

Saving is atomic: the archive is written to a temporary file in the same directory, flushed
to disk (``fsync``) and moved over the target with ``os.replace``, so a crash mid-write leaves
the previous file intact. Loading never unpickles (``allow_pickle=False``): an archive holding
an object array, or a pickle, is refused with an error that says so.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from typing import IO, Any

import numpy as np

from .nn.module import Module
from .tensor import Tensor

__all__ = ["load", "save"]

PathLike = str | os.PathLike

# np.savez(file, *args, allow_pickle=..., **arrays) takes these as its own arguments
_RESERVED_KEYS = ("file", "allow_pickle")
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def save(obj: Mapping[str, Any], path: PathLike | IO[bytes]) -> None:
    """Write a state dict (name → ``np.ndarray``, ``Tensor`` or number) to an ``.npz`` file.

    ``path`` is used as given (no ``.npz`` is appended). A path is written atomically; an
    open binary file is written directly. Tensors are saved as their arrays (without the
    graph or ``.grad``).

    Args:
        obj: the state dict, e.g. ``model.state_dict()``; keys are strings.
        path: a file name, or a file object opened for binary writing.

    Raises:
        TypeError: ``obj`` is a ``Module`` (pass its ``state_dict()``) or not a mapping, a key
            is not a string, or a value is not a plain numeric (or string) array.
        ValueError: a key is ``"file"`` or ``"allow_pickle"``, which ``np.savez`` reserves.

    Shapes:
        Each array keeps its shape and dtype.

    Examples:
        >>> import os, tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "model.npz")
        ...     save({"weight": tg.ones(2, 3), "step": 7}, path)
        ...     print(sorted(load(path)))
        ['step', 'weight']
    """
    arrays = _arrays(obj)
    if not isinstance(path, (str, os.PathLike)):
        np.savez(path, **arrays)
        return
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    temporary, handle = _create_temporary(directory, os.path.basename(target))
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def load(path: PathLike | IO[bytes]) -> dict[str, np.ndarray]:
    """Read a state dict written by ``save`` (or by ``np.savez``): name → ``np.ndarray``.

    Never unpickles (``allow_pickle=False``): an object array or a pickled file raises
    ``ValueError``. The values are NumPy arrays, not tensors (unlike ``torch.load``);
    ``Module.load_state_dict`` accepts them as they are.

    Args:
        path: a file name, or a file object opened for binary reading.

    Returns:
        A dict of name → ``np.ndarray``, in the order the archive lists them.

    Raises:
        ValueError: the file holds pickled data or object arrays, or is a single ``.npy``.

    Shapes:
        Each array has the shape and dtype it was saved with.

    Examples:
        >>> import os, tempfile
        >>> model = nn.Linear(3, 2)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     save(model.state_dict(), os.path.join(folder, "linear.npz"))
        ...     state = load(os.path.join(folder, "linear.npz"))
        >>> {name: array.shape for name, array in state.items()}
        {'weight': (2, 3), 'bias': (2,)}
        >>> model.load_state_dict(state)
        <All keys matched successfully>
    """
    name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else repr(path)
    try:
        archive = np.load(path, allow_pickle=False)
    except ValueError as error:
        raise ValueError(f"tg.load: refusing to load {name!r}: it holds pickled data, which "
                         f"tg.load never unpickles ({error})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"tg.load: {name!r} is a single .npy array, not an .npz state dict")
    with archive:
        return {key: _entry(archive, key, name) for key in archive.files}


def _entry(archive: Any, key: str, name: str) -> np.ndarray:
    try:
        value = archive[key]
    except ValueError:
        raise ValueError(
            f"tg.load: refusing to load {name!r}: entry {key!r} is an object array, which could "
            "only be read by unpickling it (tg.load never unpickles)"
        ) from None
    if not isinstance(value, np.ndarray):
        raise ValueError(f"tg.load: {name!r} is not an .npz state dict: entry {key!r} is not a "
                         "NumPy array (a torch.save file needs torch.load)")
    return value


def _arrays(obj: Any) -> dict[str, np.ndarray]:
    """The state dict as name → array, checked: string keys, numeric arrays."""
    if isinstance(obj, Module):
        raise TypeError("tg.save: pass a state dict, e.g. tg.save(model.state_dict(), path)")
    if not isinstance(obj, Mapping):
        raise TypeError(f"tg.save: expected a state dict (a mapping of name → array), "
                        f"got {type(obj).__name__}")
    arrays = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"tg.save: keys must be strings, got {key!r}")
        if key in _RESERVED_KEYS:
            raise ValueError(f"tg.save: {key!r} cannot be used as a key (np.savez reserves it)")
        arrays[key] = _array(value, key)
    return arrays


def _array(value: Any, key: str) -> np.ndarray:
    try:
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"tg.save: value for {key!r} is not an array: {error}") from None
    if array.dtype.kind in "OV":
        raise TypeError(f"tg.save: value for {key!r} has dtype {array.dtype}; only plain "
                        "numeric (or string) arrays can be saved without pickling")
    return array


def _create_temporary(directory: str, base: str) -> tuple[str, int]:
    """A new file next to the target; mode 0o666 minus the umask, as ``open`` would give."""
    while True:
        path = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
        except FileExistsError:
            continue


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (where the platform allows opening a directory)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
