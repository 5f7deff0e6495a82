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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__: list[str] = []  # the compiler's machinery; the API is tg.compile

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Statement:
    """One line: ``targets = code``, or ``code`` alone when it writes ``targets`` in place.

    ``deps`` are the variables the line reads; ``effect`` keeps a line that writes outside
    the replay (a parameter, a ``.grad``, optimiser state) even when no later line reads
    what it writes; a line writing a buffer (``out=``) is kept while the buffer is used.
    """

    section: str
    targets: tuple[str, ...]
    code: str
    deps: tuple[str, ...]
    effect: bool = False
    assign: bool = True
    into: Callable[[str], str] | None = None  # the same call writing into a given buffer


@dataclass
class Program:
    """Statements in execution order, the constants they refer to, and fresh names."""

    statements: list[Statement] = field(default_factory=list)
    prologue: list[Statement] = field(default_factory=list)
    constants: dict[str, Any] = field(default_factory=dict)
    section: str = "forward"
    _used: set[str] = field(default_factory=set)
    _ids: dict[int, str] = field(default_factory=dict)
    external: set[str] = field(default_factory=set)  # arrays that live outside the replay
    renamed: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # a view's name -> its base's name
    defined: dict[str, Statement] = field(default_factory=dict)  # name -> the line making it
    buffers: list[str] = field(default_factory=list)

    reserved: set[str] = field(default_factory=set)  # names the replay's helpers use

    def name(self, hint: str, exact: bool = False) -> str:
        """A fresh variable name from ``hint``: ``exact`` (a label) as it is, else numbered."""
        base = re.sub(r"\W", "_", hint) or "t"
        if base[0].isdigit():
            base = "_" + base
        numbered = base in _NUMBERED or base.endswith("_")
        if base not in self._used and (exact or not numbered) and not self._taken(base):
            self._used.add(base)
            return base
        joint = "_" if base[-1].isdigit() else ""  # dv3_1, not dv31
        base = base.rstrip("_") + ("_" if base.endswith("_") else "")
        n = 1
        while f"{base}{joint}{n}" in self._used or self._taken(f"{base}{joint}{n}"):
            n += 1
        self._used.add(f"{base}{joint}{n}")
        return f"{base}{joint}{n}"

    def _taken(self, name: str) -> bool:
        return _reserved(name) or name in self.reserved

    def rename(self, old: str, hint: str) -> str:
        """Give the variable (or buffer) ``old`` a fresh name from ``hint`` in the source."""
        new = self.name(hint, exact=True)
        self.renamed[old] = new
        return new

    def constant(self, value: Any, hint: str, exact: bool = False, buffer: bool = False) -> str:
        """The name under which the replay sees ``value`` (one name per object).

        A ``buffer`` is an array the trace allocated for results (``out=``).
        """
        found = self._ids.get(id(value))
        if found is not None:
            return found
        name = self.name(hint, exact)
        self.constants[name] = value
        self._ids[id(value)] = name
        if buffer:
            self.buffers.append(name)
        return name

    def emit(
        self,
        code: str,
        deps: tuple[str, ...],
        hint: str = "t",
        into: Callable[[str], str] | None = None,
    ) -> str:
        """Append ``name = code`` and return the fresh name (``into``: see ``Statement``)."""
        target = self.name(hint)
        self.statements.append(Statement(self.section, (target,), code, deps, into=into))
        self.defined[target] = self.statements[-1]
        return target

    def load(self, code: str, deps: tuple[str, ...], hint: str) -> str:
        """Append ``name = code`` to the prologue, which runs before every other line."""
        target = self.name(hint)
        self.prologue.append(Statement("load", (target,), code, deps))
        return target

    def check(self, code: str, name: str) -> bool:
        """Append the check ``code`` on ``name`` to the prologue, with the lines computing
        ``name`` moved there first, so that a failing check (``raise Retrace``) stops a
        replay before it writes or draws anything. ``False`` where those lines cannot move:
        one writes outside the replay, draws at random, or writes in place what an earlier
        line reads."""
        wanted, moved = self._with_bases((name,)), []
        for statement in reversed(self.statements):
            if wanted.intersection(statement.targets):
                moved.append(statement)
                wanted |= self._with_bases(statement.deps)
        random = any(isinstance(self.constants.get(n), _Generator) for n in wanted)
        if random or any(s.effect for s in moved) or self._overtakes(moved):
            return False
        ids = {id(s) for s in moved}
        self.statements = [s for s in self.statements if id(s) not in ids]
        for statement in reversed(moved):
            statement.section = "load"
            self.prologue.append(statement)
        self.prologue.append(Statement("load", (), code, (name,), effect=True, assign=False))
        return True

    def _overtakes(self, moved: list[Statement]) -> bool:
        """Whether moving ``moved`` first would change what a line staying behind reads: it
        reads an array that a moved line writes in place after it."""
        written: set[str] = set()
        ids = {id(s) for s in moved}
        for statement in reversed(self.statements):
            if id(statement) in ids:
                if not statement.assign and not statement.code.startswith("#"):
                    written.update(statement.targets)
            elif written.intersection(self._with_bases(statement.deps)):
                return True
        return False

    def effect(self, code: str, deps: tuple[str, ...], writes: tuple[str, ...] = ()) -> None:
        """Append a line that writes in place: kept if it writes outside or a used buffer."""
        external = not writes or any(w in self.external for w in writes)
        self.statements.append(Statement(self.section, writes, code, deps, external, False))

    def source(
        self,
        params: list[str],
        returns: str,
        return_deps: tuple[str, ...],
        globals_: Iterable[str] = (),
    ) -> str:
        """The function ``replay(params) -> returns`` without the dead statements.

        Constants (and the ``globals_`` it uses) become keyword-only defaults: local
        variables, the fastest names for Python to read.
        """
        live = set(return_deps)
        kept: list[Statement] = []
        live = self._with_bases(live)
        for statement in reversed(self.prologue + self.statements):
            if statement.effect or live.intersection(statement.targets):
                kept.append(statement)
                live.update(self._with_bases(statement.deps))
        body: list[str] = []
        section = None
        for statement in reversed(kept):
            if statement.section != section:
                section = statement.section
                body.append(f"    # {section}")
            if statement.assign:
                body.append(f"    {', '.join(statement.targets)} = {statement.code}")
            else:
                body.append(f"    {statement.code}")
        body.append(f"    return {returns}")
        used = set(_IDENTIFIER.findall("\n".join(body)))
        targets = {t for statement in kept if statement.assign for t in statement.targets}
        bound = sorted(used.intersection([*self.constants, *globals_]) - targets)
        signature = ", ".join([*params, "*", *(f"{n}={n}" for n in bound)] if bound else params)
        lines = [f"def replay({signature}):", *body]
        source = "\n".join(lines) + "\n"
        if self.renamed:
            words = "|".join(map(re.escape, self.renamed))
            pattern = re.compile(r"(?<![\w.])(" + words + r")\b")  # not np.tanh's tanh
            source = pattern.sub(lambda m: self.renamed[m.group(1)], source)
        return source

    def _with_bases(self, names: Iterable[str]) -> set[str]:
        """``names`` and the arrays they are views of (a view is live while its base is)."""
        found = set(names)
        todo = [n for n in found if n in self.aliases]
        while todo:
            base = self.aliases[todo.pop()]
            if base not in found:
                found.add(base)
                if base in self.aliases:
                    todo.append(base)
        return found

    def namespace(self) -> dict[str, Any]:
        """The constants under their final names (after :meth:`rename`)."""
        return {self.renamed.get(k, k): v for k, v in self.constants.items()}


_Generator = np.random.Generator
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBERED = {"t", "g", "grad", "w", "p", "x", "v", "result", "buf"}


def _reserved(name: str) -> bool:
    return keyword.iskeyword(name) or hasattr(builtins, name) or name in {"np", "math"}


def names_in(*symbols: str) -> tuple[str, ...]:
    """The variable names among ``symbols`` (constants written as literals are left out)."""
    return tuple(s for s in symbols if _NAME.fullmatch(s))
