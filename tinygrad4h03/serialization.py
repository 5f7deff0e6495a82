"""serialization.py: ``tg.save``/``tg.load``, checkpoints to and from files, never unpickling.

Two formats, chosen by the file name:

- **``.npz``** (any name, e.g. ``"model.pth"``): NumPy's zip of ``.npy`` arrays. Tensors and
  arrays are entries; the structure around them (nested dicts, lists, tuples, numbers,
  strings, ``None``) is one more entry, ``__tinygrad4h03__``, a JSON document that names the
  entry of every array. Entries are named after their keys where the name is safe
  (``"0.weight"``, ``"model.0.weight"``), so ``np.load`` opens a saved state dict too; any
  other key (``"a.npy"``, one with a NUL) gets a generated entry name and keeps its exact
  spelling in the JSON, so every key round-trips. A plain ``np.savez`` archive loads as a
  dict of tensors.
- **``.safetensors``**: a flat dict of name → tensor through the ``safetensors`` package
  (NumPy API; an optional extra), the format PyTorch and other frameworks share.

Loading never unpickles. Before allocating an entry, ``load`` checks its ``.npy`` header
against the sizes the archive itself declares, so a damaged or crafted file is refused with
an error naming the file and the entry instead of exhausting memory. Saving is atomic: the
file is written next to the target, flushed to disk and moved over it (``os.replace``); a
symbolic link is followed (its target is replaced, the link stays), and an existing file
keeps its permission bits.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import secrets
import stat
import zipfile
import zlib
from collections.abc import Callable, Mapping
from typing import IO, Any, TypeGuard

import numpy as np

from .creation import from_numpy
from .nn.module import Module, Parameter
from .tensor import Tensor

__all__ = ["load", "save"]

PathLike = str | os.PathLike
FileLike = PathLike | IO[bytes]

_STRUCTURE = "__tinygrad4h03__"  # the entry holding the JSON structure
_FORMAT = 1
_NPY_MAGIC, _ZIP_MAGICS = b"\x93NUMPY", (b"PK\x03\x04", b"PK\x05\x06")
_RESERVED = {_STRUCTURE, "file", "allow_pickle"}  # np.savez takes the last two itself
_MAX_DEFLATE_RATIO = 1032  # zlib cannot expand data more than this
_CHUNK = 2**24  # bytes read at a time (one read of a whole large entry is slow)
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_KEY_TYPES = (str, int, float, bool, type(None))


def save(obj: Any, f: FileLike) -> None:
    """Write ``obj`` (a state dict, or nested dicts/lists of them) to a file, as ``torch.save``.

    ``obj`` may hold tensors (``Tensor``, ``Parameter``, CPU ``torch.Tensor``), NumPy arrays
    and numbers, Python ints, floats, bools, strings and ``None``, in dicts (keys: str, int,
    float, bool or ``None``), lists and tuples. A path ending in ``.safetensors`` is written
    in the safetensors format (a flat dict of name → tensor only); any other name as an
    ``.npz`` archive. A path is written atomically (see the module docstring); an open
    binary file is written directly.

    Args:
        obj: what to save, e.g. ``{"model": model.state_dict(), "optimizer":
            opt.state_dict(), "epoch": 3}``.
        f: a file name, or a file object opened for binary writing.

    Raises:
        TypeError: ``obj`` is a ``Module`` or holds a value that cannot be stored without
            pickling (the message names where it is).
        ValueError: a container holds itself.
        PermissionError: the existing file is read-only.

    Examples:
        >>> import os, tempfile
        >>> model = nn.Linear(3, 2)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     save({"model": model.state_dict(), "epoch": 7}, os.path.join(folder, "a.pth"))
        ...     checkpoint = load(os.path.join(folder, "a.pth"))
        >>> checkpoint["epoch"], tuple(checkpoint["model"]["weight"].shape)
        (7, (2, 3))
    """
    if _is_safetensors(f):
        _save_safetensors(obj, f)
        return
    arrays = _Encoder().archive(obj)
    if isinstance(f, str | os.PathLike):
        _write_atomically(f, lambda file: np.savez(file, **arrays))
    else:
        np.savez(f, **arrays)


def load(
    f: FileLike,
    map_location: Any = None,
    *,
    weights_only: bool | None = None,
    mmap: bool | None = None,
) -> Any:
    """Read what ``save`` wrote (or an ``np.savez`` archive, or a ``.safetensors`` file).

    Tensors come back as ``Tensor`` (a saved ``Parameter`` as a ``Parameter``; a tensor saved
    twice as one object), NumPy arrays as arrays, everything else as it was saved (dicts,
    lists, tuples, numbers, strings, ``None``). A plain ``np.savez`` archive and a
    ``.safetensors`` file give a dict of name → ``Tensor``.

    Nothing is ever unpickled: ``weights_only`` is accepted for PyTorch code and changes
    nothing (``False`` does not allow pickles either). ``map_location`` and ``mmap`` are
    accepted and ignored: tensors live in ordinary memory.

    Args:
        f: a file name, or a file object opened for binary reading.
        map_location: accepted for PyTorch code.
        weights_only: accepted for PyTorch code.
        mmap: accepted for PyTorch code.

    Raises:
        ValueError: the file is not one ``save`` writes (a text file, a pickle, a
            ``torch.save`` file, a single ``.npy``), is empty, truncated or damaged, or an
            entry's header disagrees with its size; the message names the file (and entry).

    Examples:
        >>> import os, tempfile
        >>> model = nn.Linear(3, 2)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     save(model.state_dict(), os.path.join(folder, "linear.pth"))
        ...     state = load(os.path.join(folder, "linear.pth"), weights_only=True)
        >>> {name: tuple(value.shape) for name, value in state.items()}
        {'weight': (2, 3), 'bias': (2,)}
        >>> model.load_state_dict(state)
        <All keys matched successfully>
    """
    if weights_only not in (None, True, False):
        raise TypeError(f"tg.load: weights_only must be a bool, got {weights_only!r}")
    name = os.fspath(f) if isinstance(f, str | os.PathLike) else repr(f)
    if _is_safetensors(f):
        return _load_safetensors(f, name)
    if isinstance(f, str | os.PathLike):
        with open(f, "rb") as file:
            entries = _read_archive(file, name)
    else:
        entries = _read_archive(f, name)
    if _STRUCTURE not in entries:
        return {key: _as_tensor(array) for key, array in entries.items()}
    return _Decoder(entries, name).root(entries[_STRUCTURE])


# --------------------------------------------------------------------------- writing


class _Encoder:
    """Turns ``obj`` into JSON-able nodes plus named arrays (``archive``)."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self.tensors: dict[int, dict[str, Any]] = {}  # id(tensor) → its node, saved once
        self.open: set[int] = set()  # containers being encoded (to refuse cycles)

    def archive(self, obj: Any) -> dict[str, Any]:
        if isinstance(obj, Module):
            raise TypeError(
                "tg.save: pass a state dict, e.g. tg.save(model.state_dict(), "
                "path), not the module itself"
            )
        document = {"format": _FORMAT, "root": self.node(obj, ())}
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return {**self.arrays, _STRUCTURE: np.frombuffer(text.encode(), dtype=np.uint8)}

    def node(self, value: Any, path: tuple[Any, ...]) -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, Tensor) or _is_torch_tensor(value):
            return self.tensor(value, path)
        if isinstance(value, np.ndarray):
            return {"ndarray": self.entry(_storable(value, path), path)}
        if isinstance(value, np.generic):
            return {"scalar": self.entry(_storable(np.asarray(value), path), path)}
        if isinstance(value, Mapping | list | tuple):
            return self.container(value, path)
        raise TypeError(
            f"tg.save: cannot store {_where(path)}, a {type(value).__name__}, "
            "without pickling; store tensors, arrays, numbers, strings, None "
            "and dicts/lists/tuples of them"
        )

    def container(self, value: Mapping | list | tuple, path: tuple[Any, ...]) -> Any:
        if id(value) in self.open:
            raise ValueError(f"tg.save: {_where(path)} contains itself")
        self.open.add(id(value))
        try:
            if isinstance(value, Mapping):
                return {
                    "dict": [
                        [_key(key, path), self.node(item, (*path, key))]
                        for key, item in value.items()
                    ]
                }
            kind = "tuple" if isinstance(value, tuple) else "list"
            return {kind: [self.node(item, (*path, i)) for i, item in enumerate(value)]}
        finally:
            self.open.discard(id(value))

    def tensor(self, value: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        if id(value) not in self.tensors:
            array = value.numpy() if isinstance(value, Tensor) else _torch_array(value, path)
            node: dict[str, Any] = {"tensor": self.entry(_storable(array, path), path)}
            if value.requires_grad:
                node["requires_grad"] = True
            if isinstance(value, Parameter) or type(value).__name__ == "Parameter":
                node["parameter"] = True
            self.tensors[id(value)] = node
        return self.tensors[id(value)]

    def entry(self, array: np.ndarray, path: tuple[Any, ...]) -> str:
        """A new entry name for ``array``: its dotted key path when that is safe."""
        name = ".".join(map(str, path)) or "tensor"
        if not _safe_entry_name(name) or name in self.arrays:
            name = next(
                f"entry{i}" for i in range(len(self.arrays) + 1) if f"entry{i}" not in self.arrays
            )
        self.arrays[name] = array
        return name


def _safe_entry_name(name: str) -> bool:
    """Whether ``np.load`` gives the entry back under exactly this name."""
    return (
        name.isprintable()
        and "\\" not in name  # zipfile turns it into "/" on Windows
        and not name.endswith(".npy")
        and name not in _RESERVED
        and len(name.encode()) <= 200
        and not name.startswith("entry")
    )


def _key(key: Any, path: tuple[Any, ...]) -> Any:
    if not isinstance(key, _KEY_TYPES):
        raise TypeError(
            f"tg.save: the key {key!r} in {_where(path)} is a "
            f"{type(key).__name__}; keys must be str, int, float, bool or None"
        )
    return key


def _where(path: tuple[Any, ...]) -> str:
    return "obj" + "".join(f"[{key!r}]" for key in path)


def _storable(array: np.ndarray, path: tuple[Any, ...]) -> np.ndarray:
    if array.dtype.hasobject or array.dtype.kind == "V":
        raise TypeError(
            f"tg.save: {_where(path)} has dtype {array.dtype}; only plain numeric "
            "(or string) arrays can be saved without pickling"
        )
    return array


def _is_torch_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def _torch_array(value: Any, path: tuple[Any, ...]) -> np.ndarray:
    try:
        return value.detach().cpu().numpy()
    except (TypeError, RuntimeError) as error:  # bfloat16, sparse, meta, ...
        raise TypeError(
            f"tg.save: cannot store the torch tensor at {_where(path)} ({error})"
        ) from None


def _write_atomically(path: PathLike, write: Callable[[IO[bytes]], object]) -> None:
    """Write through ``write`` into a new file, then move it over ``path``'s target."""
    target = os.path.realpath(os.fspath(path))  # through symbolic links, as open() writes
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise FileNotFoundError(2, f"tg.save: no such directory {directory!r}", os.fspath(path))
    existing = os.stat(target) if os.path.exists(target) else None
    if existing is not None and not os.access(target, os.W_OK):
        raise PermissionError(13, "tg.save: the existing file is not writable", os.fspath(path))
    temporary, handle = _create_temporary(directory, os.path.basename(target))
    try:
        with os.fdopen(handle, "wb") as file:
            if existing is not None:
                _copy_ownership(temporary, existing)
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _copy_ownership(path: str, existing: os.stat_result) -> None:
    """Give the new file the replaced file's permission bits (and group, where allowed)."""
    os.chmod(path, stat.S_IMODE(existing.st_mode))
    if hasattr(os, "chown"):
        with contextlib.suppress(OSError):
            os.chown(path, -1, existing.st_gid)


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


# --------------------------------------------------------------------------- reading


def _read_archive(file: IO[bytes], name: str) -> dict[str, np.ndarray]:
    """Every entry of an ``.npz`` archive, each checked before it is allocated."""
    origin = file.tell()
    _check_leading_bytes(file.read(16), name)
    size = file.seek(0, io.SEEK_END) - origin
    file.seek(origin)
    try:
        with zipfile.ZipFile(file) as archive:
            return {
                _entry_name(info, name): _read_entry(archive, info, size, name)
                for info in archive.infolist()
            }
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise ValueError(f"tg.load: {name!r} is damaged or truncated ({error})") from None


def _check_leading_bytes(start: bytes, name: str) -> None:
    if not start:
        raise ValueError(f"tg.load: {name!r} is empty (0 bytes); it holds no saved data")
    if start.startswith(_ZIP_MAGICS):
        return
    if start.startswith(_NPY_MAGIC):
        raise ValueError(
            f"tg.load: {name!r} is a single .npy array, not an .npz archive; read it with np.load"
        )
    if start[:1] == b"\x80":
        raise ValueError(
            f"tg.load: refusing to load {name!r}: it holds pickled data "
            "(pickle.dump or an old torch.save), which tg.load never unpickles"
        )
    if len(start) > 8 and start[8:9] == b"{":
        raise ValueError(
            f"tg.load: {name!r} looks like a safetensors file; give it a name "
            "ending in .safetensors to read it as one"
        )
    kind = "a text file" if _looks_like_text(start) else "not a file tg.save writes"
    raise ValueError(
        f"tg.load: {name!r} is {kind} (it starts with {start[:16]!r}); tg.load "
        "reads .npz archives (what tg.save and np.savez write) and .safetensors"
    )


def _looks_like_text(start: bytes) -> bool:
    text = start.decode("utf-8", errors="ignore")  # a multi-byte character may be cut at 16
    return len(text) >= len(start) // 4 and all(c.isprintable() or c in "\t\r\n" for c in text)


def _entry_name(info: zipfile.ZipInfo, name: str) -> str:
    if not info.filename.endswith(".npy"):
        torch_file = info.filename.endswith((".pkl", "/version", "/byteorder"))
        hint = " (a torch.save file: read it with torch.load)" if torch_file else ""
        raise ValueError(
            f"tg.load: {name!r} is not an .npz archive: entry {info.filename!r} "
            f"is not a NumPy array{hint}"
        )
    return info.filename[: -len(".npy")]


def _read_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int, name: str
) -> np.ndarray:
    key = info.filename[: -len(".npy")]
    _check_declared_sizes(info, size, name, key)
    with archive.open(info) as member:
        dtype, shape, fortran = _read_header(member, name, key)
        nbytes = math.prod(shape) * dtype.itemsize
        if member.tell() + nbytes != info.file_size:
            raise ValueError(
                f"tg.load: {name!r} is damaged: entry {key!r} declares shape {shape} of "
                f"{dtype} ({_bytes(nbytes)}) but holds {_bytes(info.file_size - member.tell())}"
                " of data; refusing to read it"
            )
        array = _read_data(member, dtype, shape, nbytes, name, key)
        if member.read(1):
            raise ValueError(
                f"tg.load: {name!r} is damaged: entry {key!r} is longer than its header says"
            )
    return array.reshape(shape, order="F" if fortran else "C")


def _check_declared_sizes(info: zipfile.ZipInfo, size: int, name: str, key: str) -> None:
    """The archive's own sizes must be possible for a file of ``size`` bytes."""
    if info.header_offset + info.compress_size > size:
        raise ValueError(
            f"tg.load: {name!r} is truncated: entry {key!r} runs past the end "
            f"of the file ({size} bytes)"
        )
    stored = info.compress_type == zipfile.ZIP_STORED
    if stored and info.file_size != info.compress_size:
        raise ValueError(
            f"tg.load: {name!r} is damaged: entry {key!r} is stored uncompressed "
            f"but declares {info.file_size} bytes in {info.compress_size}"
        )
    if not stored and info.compress_type != zipfile.ZIP_DEFLATED:
        raise ValueError(
            f"tg.load: {name!r}: entry {key!r} uses zip compression method "
            f"{info.compress_type}; np.savez archives use none or deflate"
        )
    if info.file_size > _MAX_DEFLATE_RATIO * info.compress_size + 1024:
        raise ValueError(
            f"tg.load: {name!r} is damaged: entry {key!r} declares "
            f"{_bytes(info.file_size)} from {_bytes(info.compress_size)} of "
            "compressed data, more than deflate can produce"
        )


def _read_header(member: IO[bytes], name: str, key: str) -> tuple[np.dtype, tuple[int, ...], bool]:
    try:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
        else:
            raise ValueError(f".npy format version {version} is not supported")
    except ValueError as error:
        raise ValueError(
            f"tg.load: {name!r} is damaged: entry {key!r} has no valid .npy header ({error})"
        ) from None
    if dtype.hasobject:
        raise ValueError(
            f"tg.load: refusing to load {name!r}: entry {key!r} is an object "
            "array, which could only be read by unpickling it (tg.load never "
            "unpickles)"
        )
    return dtype, tuple(shape), fortran


def _read_data(
    member: IO[bytes], dtype: np.dtype, shape: tuple[int, ...], nbytes: int, name: str, key: str
) -> np.ndarray:
    array = np.empty(math.prod(shape), dtype=dtype)
    if nbytes:
        view = array.view(np.uint8).data
        done = 0
        while done < nbytes and (
            # ZipFile.open gives a ZipExtFile (an io.BufferedIOBase, which has readinto);
            # typeshed declares it only as IO[bytes], which lacks readinto
            got := member.readinto(view[done : done + _CHUNK])  # type: ignore[attr-defined]
        ):
            done += got
        if done != nbytes:
            raise ValueError(
                f"tg.load: {name!r} is truncated: entry {key!r} ends after {done} of {nbytes} bytes"
            )
    return array


def _bytes(n: int) -> str:
    return f"{n} bytes" if n < 2**20 else f"{n / 2**30:.2f} GiB"


def _as_tensor(array: np.ndarray, requires_grad: bool = False) -> Tensor | np.ndarray:
    """A tensor sharing ``array`` (freshly read, so no copy is needed); strings stay arrays."""
    if array.dtype.kind not in "biuf":
        return array
    tensor = from_numpy(array.astype(array.dtype.newbyteorder("="), copy=False))
    return tensor.requires_grad_(True) if requires_grad else tensor


class _Decoder:
    """Rebuilds the saved object from the JSON structure and the entries, checking both."""

    def __init__(self, entries: dict[str, np.ndarray], name: str) -> None:
        self.entries, self.name = entries, name
        self.tensors: dict[str, Tensor] = {}

    def root(self, structure: np.ndarray) -> Any:
        try:
            document = json.loads(structure.tobytes().decode())
            if not isinstance(document, dict) or document.get("format") != _FORMAT:
                raise ValueError(
                    f"unknown format {document.get('format')!r}"
                    if isinstance(document, dict)
                    else "not an object"
                )
            return self.node(document["root"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as error:
            raise ValueError(
                f"tg.load: {self.name!r} is damaged: its structure entry "
                f"{_STRUCTURE!r} cannot be read ({error})"
            ) from None

    def node(self, node: Any) -> Any:
        if node is None or isinstance(node, bool | int | float | str):
            return node
        if not isinstance(node, dict) or len(set(node) & _TAGS) != 1:
            raise ValueError(f"unexpected node {str(node)[:80]}")
        if "dict" in node:
            return {self.key(key): self.node(value) for key, value in node["dict"]}
        if "list" in node:
            return [self.node(value) for value in node["list"]]
        if "tuple" in node:
            return tuple(self.node(value) for value in node["tuple"])
        if "tensor" in node:
            return self.tensor(node)
        array = self.array(node.get("ndarray", node.get("scalar")))
        return array if "ndarray" in node else array[()]

    def key(self, key: Any) -> Any:
        if not isinstance(key, _KEY_TYPES):
            raise ValueError(f"a key of type {type(key).__name__}")
        return key

    def array(self, entry: Any) -> np.ndarray:
        if not isinstance(entry, str) or entry not in self.entries or entry == _STRUCTURE:
            raise ValueError(f"it names a missing entry {entry!r}")
        return self.entries[entry]

    def tensor(self, node: dict[str, Any]) -> Tensor:
        entry = node["tensor"]
        if entry not in self.tensors:
            array = self.array(entry)
            if node.get("parameter"):
                self.tensors[entry] = Parameter(array)
            else:
                tensor = _as_tensor(array, requires_grad=bool(node.get("requires_grad")))
                if not isinstance(tensor, Tensor):
                    raise ValueError(f"entry {entry!r} of dtype {array.dtype} is not a tensor")
                self.tensors[entry] = tensor
        return self.tensors[entry]


_TAGS = {"dict", "list", "tuple", "tensor", "ndarray", "scalar"}


# --------------------------------------------------------------------------- safetensors


def _is_safetensors(f: Any) -> TypeGuard[PathLike]:
    return isinstance(f, str | os.PathLike) and os.fspath(f).lower().endswith(".safetensors")


def _safetensors_numpy(action: str, path: PathLike) -> Any:
    try:
        import safetensors.numpy
    except ImportError:
        raise ModuleNotFoundError(
            f"tg.{action}: {os.fspath(path)!r} is a .safetensors file, which needs the "
            "safetensors package: pip install 'tinygrad4h03[safetensors]'",
            name="safetensors",
        ) from None
    return safetensors.numpy


def _save_safetensors(obj: Any, path: PathLike) -> None:
    """A flat dict of name → tensor or array, written atomically in the safetensors format."""
    backend = _safetensors_numpy("save", path)
    if isinstance(obj, Module) or not isinstance(obj, Mapping):
        raise TypeError(
            f"tg.save: a .safetensors file holds a flat dict of name → tensor "
            f"(e.g. model.state_dict()), got {type(obj).__name__}"
        )
    arrays = {key: _safetensors_array(key, value) for key, value in obj.items()}
    try:
        data = backend.save(arrays)
    except Exception as error:  # the library's own error type (dtypes it cannot store)
        raise TypeError(
            f"tg.save: cannot write {os.fspath(path)!r} as safetensors: {error}"
        ) from None
    _write_atomically(path, lambda file: file.write(data))


def _safetensors_array(key: Any, value: Any) -> np.ndarray:
    if not isinstance(key, str):
        raise TypeError(f"tg.save: .safetensors keys must be strings, got {key!r}")
    if isinstance(value, Tensor):
        return np.ascontiguousarray(value.numpy())
    if _is_torch_tensor(value):
        return np.ascontiguousarray(_torch_array(value, (key,)))
    if isinstance(value, np.ndarray):
        return np.ascontiguousarray(value)
    raise TypeError(
        f"tg.save: a .safetensors file holds only tensors; the value for "
        f"{key!r} is a {type(value).__name__} (save it as .npz instead)"
    )


def _load_safetensors(path: PathLike, name: str) -> dict[str, Tensor | np.ndarray]:
    backend = _safetensors_numpy("load", path)
    with open(path, "rb") as file:
        data = file.read()
    try:
        arrays = backend.load(data)
    except KeyError as error:  # the library's lookup of a dtype NumPy lacks
        raise ValueError(
            f"tg.load: {name!r} holds {error.args[0]} tensors, a dtype NumPy has "
            "no equivalent of; convert them (e.g. to float32) where the file was "
            "written"
        ) from None
    except Exception as error:  # SafetensorError: a damaged or truncated file
        raise ValueError(
            f"tg.load: {name!r} is not a readable safetensors file ({error})"
        ) from None
    return {key: _as_tensor(array) for key, array in arrays.items()}
