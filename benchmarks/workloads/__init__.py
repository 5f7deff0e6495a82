"""Every benchmark case, in the order the table prints them."""

from __future__ import annotations

from . import w1_lecture, w2_batch, w3_overhead, w4_scalar, w5_memory, w6_optim, w7_conv
from .case import Case, Measurement, Settings

CASES: list[Case] = [
    *w1_lecture.CASES,
    *w2_batch.CASES,
    *w3_overhead.CASES,
    *w4_scalar.CASES,
    *w5_memory.CASES,
    *w6_optim.CASES,
    *w7_conv.CASES,
]


def find(name: str) -> Case:
    """The case called ``name`` (``W2-128``), or ``KeyError`` listing the known ones."""
    for case in CASES:
        if case.name == name:
            return case
    raise KeyError(f"no case {name!r}; known: {', '.join(c.name for c in CASES)}")


def select(prefixes: list[str] | None) -> list[Case]:
    """The cases whose name is, or starts with, one of ``prefixes`` + ``-`` (all if none)."""
    if not prefixes:
        return list(CASES)
    return [c for c in CASES if any(c.name == p or c.name.startswith(p + "-") for p in prefixes)]


__all__ = ["CASES", "Case", "Measurement", "Settings", "find", "select"]
