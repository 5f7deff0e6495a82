"""The package reads as a map: every module says what it is for, every public class, function
and method has a docstring, and every class and module-level function shows a short example
(which the test suite runs as a doctest, see the root ``conftest.py``). Methods and properties
say what they do in a sentence and point to their rule; the math lives in ``rules.py``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import pytest

import tinygrad4h03

MODULES = [
    importlib.import_module(info.name)
    for info in pkgutil.walk_packages(tinygrad4h03.__path__, "tinygrad4h03.")
    if info.name != "tinygrad4h03.__main__"
] + [tinygrad4h03]


def public_names(module: ModuleType) -> list[str]:
    """``__all__``, or else the functions and classes the module itself defines."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    ]


def _own_members(cls: type) -> Iterator[tuple[str, object]]:
    """The public methods and properties ``cls`` defines (inherited ones are checked where
    they are defined)."""
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if inspect.isfunction(member) or isinstance(member, property):
            yield name, member


def documented_objects() -> dict[str, object]:
    """Every public function, class, method and property of the package, by dotted name."""
    found: dict[int, tuple[str, object]] = {}
    for module in MODULES:
        for name in public_names(module):
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # constants, type aliases and submodules
            if not obj.__module__.startswith("tinygrad4h03"):
                continue  # re-exported NumPy dtypes
            found.setdefault(id(obj), (f"{obj.__module__}.{obj.__qualname__}", obj))
            if inspect.isclass(obj):
                for member_name, member in _own_members(obj):
                    qualified = f"{obj.__module__}.{obj.__qualname__}.{member_name}"
                    found.setdefault(id(member), (qualified, member))
    return dict(found.values())


OBJECTS = documented_objects()
NEEDS_EXAMPLE = {
    # classes and module-level functions: what a reader meets first
    name
    for name, obj in OBJECTS.items()
    if inspect.isclass(obj) or (inspect.isfunction(obj) and "." not in obj.__qualname__)
}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_module_says_what_it_is_for(module: ModuleType) -> None:
    doc = inspect.getdoc(module) or ""
    assert len(doc.split()) >= 12, f"{module.__name__} needs a module docstring"


def test_the_walk_finds_the_public_api() -> None:
    assert "tinygrad4h03.tensor.Tensor.backward" in OBJECTS
    assert "tinygrad4h03.nn.layers.Linear" in OBJECTS
    assert "tinygrad4h03.deltarule.gradients" in OBJECTS
    assert len(OBJECTS) > 200


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_public_object_has_docstring_with_example(name: str) -> None:
    doc = inspect.getdoc(OBJECTS[name]) or ""
    assert doc.strip(), f"{name} has no docstring"
    if name in NEEDS_EXAMPLE:
        assert ">>>" in doc, f"{name}'s docstring has no example (a '>>>' doctest)"
