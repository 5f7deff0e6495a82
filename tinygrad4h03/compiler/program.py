"""The straight-line program a trace becomes: statements, dead-code removal, Python source.

Both tracers (``scalar.py`` for ``Value``s, ``tensors.py`` for ``Tensor``s) append
:class:`Statement`s in the order the eager run executed them; :meth:`Program.source` drops
every statement whose result nothing uses and prints the rest as one Python function, with a
comment line where the section (forward, backward, update) changes.
"""

from __future__ import annotations

import builtins
import keyword
import re
from dataclasses import dataclass, field
from typing import Any

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Statement:
    """One line: ``targets = code`` (or ``code`` alone when ``targets`` is empty).

    ``deps`` are the variables the line reads; ``effect`` keeps a line that writes outside
    the function (a parameter, a ``.grad``, an ``out=`` buffer) even when no later line
    reads its targets.
    """

    section: str
    targets: tuple[str, ...]
    code: str
    deps: tuple[str, ...]
    effect: bool = False


@dataclass
class Program:
    """Statements in execution order, the constants they refer to, and fresh names."""

    statements: list[Statement] = field(default_factory=list)
    prologue: list[Statement] = field(default_factory=list)
    constants: dict[str, Any] = field(default_factory=dict)
    section: str = "forward"
    _used: set[str] = field(default_factory=set)
    _ids: dict[int, str] = field(default_factory=dict)

    def name(self, hint: str, exact: bool = False) -> str:
        """A fresh variable name from ``hint``: ``exact`` (a label) as it is, else numbered."""
        base = re.sub(r"\W", "_", hint) or "t"
        if base[0].isdigit():
            base = "_" + base
        if base not in self._used and (exact or base not in _NUMBERED) and not _reserved(base):
            self._used.add(base)
            return base
        n = 1
        while f"{base}{n}" in self._used or _reserved(f"{base}{n}"):
            n += 1
        self._used.add(f"{base}{n}")
        return f"{base}{n}"

    def constant(self, value: Any, hint: str, exact: bool = False) -> str:
        """The name under which the replay sees ``value`` (one name per object)."""
        found = self._ids.get(id(value))
        if found is not None:
            return found
        name = self.name(hint, exact)
        self.constants[name] = value
        self._ids[id(value)] = name
        return name

    def emit(self, code: str, deps: tuple[str, ...], hint: str = "t") -> str:
        """Append ``name = code`` and return the fresh name."""
        target = self.name(hint)
        self.statements.append(Statement(self.section, (target,), code, deps))
        return target

    def load(self, code: str, deps: tuple[str, ...], hint: str) -> str:
        """Append ``name = code`` to the prologue, which runs before every other line."""
        target = self.name(hint)
        self.prologue.append(Statement("load", (target,), code, deps))
        return target

    def effect(self, code: str, deps: tuple[str, ...]) -> None:
        """Append a line kept for its side effect."""
        self.statements.append(Statement(self.section, (), code, deps, effect=True))

    def source(self, params: list[str], returns: str, return_deps: tuple[str, ...]) -> str:
        """The function ``replay(params) -> returns`` without the dead statements."""
        live = set(return_deps)
        kept: list[Statement] = []
        for statement in reversed(self.prologue + self.statements):
            if statement.effect or live.intersection(statement.targets):
                kept.append(statement)
                live.update(statement.deps)
        lines = [f"def replay({', '.join(params)}):"]
        section = None
        for statement in reversed(kept):
            if statement.section != section:
                section = statement.section
                lines.append(f"    # {section}")
            target = ", ".join(statement.targets)
            lines.append(f"    {target} = {statement.code}" if target else f"    {statement.code}")
        lines.append(f"    return {returns}")
        return "\n".join(lines) + "\n"


_NUMBERED = {"t", "g", "grad", "w", "p", "x", "v", "result", "buf"}


def _reserved(name: str) -> bool:
    return keyword.iskeyword(name) or hasattr(builtins, name) or name in {"np", "math"}


def names_in(*symbols: str) -> tuple[str, ...]:
    """The variable names among ``symbols`` (constants written as literals are left out)."""
    return tuple(s for s in symbols if _NAME.fullmatch(s))
