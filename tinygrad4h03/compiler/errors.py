"""``CompileError``, the one error the compiler raises: a function does something that a
trace cannot capture (a Python decision on a traced value), and ``refusal``, its message."""

from __future__ import annotations

__all__ = ["CompileError"]


class CompileError(RuntimeError):
    """``tg.compile`` refused a function: something in it cannot be replayed from a trace.

    Raised while tracing when a traced value is turned into a Python value (``.item()``,
    ``float()``, ``bool()``, ``.tolist()``, ``.numpy()``, ``if t > 0:``): the replay would
    silently reuse the first call's number or branch. The message names the call and what
    to do instead.

    Examples:
        >>> step = tg.compile(lambda x: float(x * 2))
        >>> step(tg.Value(1.0))
        Traceback (most recent call last):
        ...
        tinygrad4h03.compiler.errors.CompileError: tg.compile: float() of a traced Value...
    """


def refusal(call: str, kind: str = "value") -> CompileError:
    """The error for converting a traced ``kind`` to a Python value with ``call``."""
    return CompileError(
        f"tg.compile: {call} of a traced {kind} while tracing: the replay would reuse the "
        f"first call's number. Keep it a {kind} (use tg.where for a choice between values), "
        "or move the conversion out of the compiled function."
    )
