"""dtypes.py: PyTorch's dtype names (``tg.float``, ``tg.long``, ...) and the default dtype.

A dtype here is a NumPy scalar type: ``tg.float32 is np.float32``, and ``t.dtype`` (a
``np.dtype``) compares equal to it (``t.dtype == tg.float``). PyTorch's aliases map to the
same types: ``float``/``float32``, ``double``/``float64``, ``half``/``float16``,
``long``/``int64``, ``int``/``int32``, ``short``/``int16``, ``bool``. NumPy has no
``bfloat16``, so there is none here. Complex, string and object dtypes are refused by every
function that takes ``dtype=``.

The default dtype (``float32`` unless ``set_default_dtype`` changed it) is the dtype of
floating tensors made without ``dtype=``: ``tg.zeros(2)``, ``tg.randn(3)``, ``tg.linspace``.
This module imports nothing from the package, so every other module may use it.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

float16 = half = np.float16
# PyTorch's spellings shadow the builtins float, int and bool inside this module, on purpose
float32 = float = np.float32
float64 = double = np.float64
int8, uint8 = np.int8, np.uint8
int16 = short = np.int16
int32 = int = np.int32
int64 = long = np.int64
bool = bool_ = np.bool_

_FLOATING = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_default = np.dtype(np.float32)


def as_dtype(dtype: Any, op: str = "tensor") -> np.dtype:
    """``dtype`` as a ``np.dtype``, refusing what no tensor can hold (complex, str, object).

    Accepts the aliases above, NumPy dtypes and types, and names such as ``"float64"``.

    Raises:
        TypeError: naming ``op`` and the dtype, for complex, string, object and unknown dtypes.

    Examples:
        >>> as_dtype(tg.long)
        dtype('int64')
        >>> as_dtype(complex, "zeros")
        Traceback (most recent call last):
        ...
        TypeError: zeros: dtype complex128 is not supported; use a floating, integer or bool dtype
    """
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{op}: {dtype!r} is not a dtype; use e.g. tg.float32") from None
    if resolved.kind not in "biuf":
        raise TypeError(
            f"{op}: dtype {resolved} is not supported; use a floating, integer or bool dtype"
        )
    return resolved


def get_default_dtype() -> np.dtype:
    """The dtype of floating tensors made without ``dtype=`` (``float32`` at start).

    Examples:
        >>> tg.get_default_dtype()
        dtype('float32')
    """
    return _default


def set_default_dtype(dtype: Any) -> None:
    """Make ``dtype`` (``float16``, ``float32`` or ``float64``) the default floating dtype.

    Raises:
        TypeError: for a non-floating dtype, as PyTorch.

    Examples:
        >>> tg.set_default_dtype(tg.float64)
        >>> tg.zeros(2).dtype
        dtype('float64')
        >>> tg.set_default_dtype(tg.float32)
    """
    global _default
    resolved = as_dtype(dtype, "set_default_dtype")
    if resolved not in _FLOATING:
        raise TypeError(
            f"set_default_dtype: only floating-point types are supported as the default type, "
            f"got {resolved}"
        )
    _default = resolved


def finfo(dtype: Any = None) -> np.finfo:
    """Machine limits of a floating dtype (``eps``, ``max``, ``tiny``, ...), as ``torch.finfo``.

    Without an argument, of the default dtype.

    Examples:
        >>> tg.finfo(tg.float32).bits, tg.finfo(tg.float32).eps.item() == 2.0**-23
        (32, True)
    """
    resolved = _default if dtype is None else as_dtype(dtype, "finfo")
    if resolved.kind != "f":
        raise TypeError(f"finfo: {resolved} is not a floating dtype (use tg.iinfo)")
    return np.finfo(resolved)


def iinfo(dtype: Any) -> np.iinfo:
    """Machine limits of an integer dtype (``min``, ``max``, ``bits``), as ``torch.iinfo``.

    Examples:
        >>> tg.iinfo(tg.int32).max
        2147483647
    """
    resolved = as_dtype(dtype, "iinfo")
    if resolved.kind not in "iu":
        raise TypeError(f"iinfo: {resolved} is not an integer dtype (use tg.finfo)")
    return np.iinfo(resolved)


def python_array(data: Any, op: str = "tensor", array: np.ndarray | None = None) -> np.ndarray:
    """Nested Python numbers as an array, refusing integers beyond ``int64`` as PyTorch does.

    NumPy would silently store such integers as ``uint64``, ``float64`` or objects; PyTorch
    refuses them (``ValueError``) unless a float in the data makes the tensor floating.
    ``array``, when given, is what ``np.asarray(data)`` already returned.

    Raises:
        ValueError: naming ``op`` and the first integer outside [-2**63, 2**63 - 1].

    Examples:
        >>> python_array([1, 2]).dtype
        dtype('int64')
        >>> python_array([1, 2**63])
        Traceback (most recent call last):
        ...
        ValueError: tensor: the integer 9223372036854775808 does not fit in int64 ...
    """
    array = np.asarray(data) if array is None else array
    if array.dtype.kind in "uOf":
        leaves = _leaves(data)
        if not any(_is_float(x) for x in leaves):
            big = next((x for x in leaves if _is_big_int(x)), None)
            if big is not None:
                raise ValueError(
                    f"{op}: the integer {big} does not fit in int64 (the range is "
                    "[-2**63, 2**63 - 1]); give it as a float to make a floating tensor"
                )
        elif array.dtype.kind == "O":
            array = np.asarray(data, dtype=np.float64)  # floats with huge ints: a float tensor
    return array


def _leaves(data: Any) -> list[Any]:
    """The non-list items of nested lists and tuples, in order (no recursion)."""
    leaves, stack = [], [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        else:
            leaves.append(item)
    return leaves


def _is_float(x: Any) -> builtins.bool:
    if isinstance(x, (builtins.float, np.floating)):
        return True
    kind = getattr(getattr(x, "dtype", None), "kind", "")
    return kind == "f"


def _is_big_int(x: Any) -> builtins.bool:
    return (
        isinstance(x, builtins.int)
        and not isinstance(x, builtins.bool)
        and not -(2**63) <= x < 2**63
    )
