"""The dependency rules the design promises, read from the source (issue 15)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tinygrad4h03"


def _imports(path: Path) -> set[str]:
    """Every module a file imports; relative imports keep their leading dots (``.tensor``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            if not node.module:  # from . import tensor
                found.update(base + alias.name for alias in node.names)
    return found


def test_the_lecture_reference_and_its_data_import_nothing_from_the_package() -> None:
    for name in ("deltarule.py", "data.py"):
        imported = _imports(PACKAGE / name)
        assert not {m for m in imported if m.startswith(".") or m.startswith("tinygrad4h03")}, name


def test_rules_and_engine_import_neither_node_kind() -> None:
    for name in ("rules.py", "engine.py"):
        imported = _imports(PACKAGE / name)
        assert not {m for m in imported if "tensor" in m or "value" in m}, (name, imported)


def _package_names(tree: ast.AST) -> set[str]:
    """The names a file binds by importing the package's modules and classes."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level or "tinygrad4h03" in (node.module or "")
        ):
            found.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
                if alias.name.startswith("tinygrad4h03")
            )
    return found


def _assignments_from_outside(path: Path) -> list[str]:
    """Where ``path`` assigns onto ``Tensor``/``Value`` (outside their own modules), and, in
    the compiler, any ``setattr`` and any attribute assigned onto an imported package module
    or class (``engine.backward = ...``, ``functional.np = ...``)."""
    tree = ast.parse(path.read_text())
    compiler = path.parent.name == "compiler"
    owners = {"Tensor", "Value"} if path.parent != PACKAGE or path.stem not in OWN else set()
    if compiler:
        owners |= _package_names(tree)
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            owner = target.value if isinstance(target, ast.Attribute) else None
            if isinstance(owner, ast.Name) and owner.id in owners:
                found.append(f"{path.name}:{node.lineno} assigns onto {owner.id}")
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr":
            first = node.args[0] if node.args else None
            if compiler or (isinstance(first, ast.Name) and first.id in owners):
                found.append(f"{path.name}:{node.lineno} calls setattr")
    return found


OWN = ("tensor", "value")  # the modules that define Tensor and Value


def test_nothing_assigns_onto_tensor_or_value_from_outside() -> None:
    found = [hit for path in PACKAGE.rglob("*.py") for hit in _assignments_from_outside(path)]
    assert not found, found


def test_the_checks_would_catch_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from .tensor import Tensor\nTensor.extra = 1\n")
    assert ".tensor" in _imports(bad)
    tree = ast.parse(bad.read_text())
    assigned = [n for n in ast.walk(tree) if isinstance(n, ast.Assign)]
    assert assigned[0].targets[0].value.id == "Tensor"  # type: ignore[attr-defined]
    assert _assignments_from_outside(bad) == ["bad.py:2 assigns onto Tensor"]


@pytest.mark.parametrize(
    "source",
    [
        "from .. import engine\nengine.backward = None\n",
        "from ..nn import functional\nfunctional.np = None\n",
        "def patch(owner, name, new):\n    setattr(owner, name, new)\n",
        "from .arrays import TracedArray\nTracedArray.tracer = None\n",
        "import tinygrad4h03.engine\ntinygrad4h03.backward = 1\n",
    ],
)
def test_the_compiler_check_catches_patching_through_any_imported_owner(
    tmp_path: Path, source: str
) -> None:
    folder = tmp_path / "compiler"
    folder.mkdir()
    (folder / "bad.py").write_text(source)
    assert _assignments_from_outside(folder / "bad.py")


def test_the_compiler_may_set_its_tracer_on_the_thread_state(tmp_path: Path) -> None:
    folder = tmp_path / "compiler"
    folder.mkdir()
    (folder / "ok.py").write_text("from .. import engine\nengine.state.tracer = None\n")
    assert _assignments_from_outside(folder / "ok.py") == []
