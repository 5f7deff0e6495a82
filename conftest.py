"""Every example in the documentation runs as a test (Sybil, a maintained pytest plugin).

- ``README.md`` and ``docs/*.md``: each ```python block is one test; the blocks of a page run
  in order, in one namespace (a later block uses an earlier block's names), in a fresh
  temporary working directory. ``<!-- skip: next -->`` before a block skips it;
  ``<!-- skip: next if(torch is None, reason="needs PyTorch") -->`` skips it when PyTorch is
  not installed (``torch`` is ``None`` in every page's namespace then).
- ``tinygrad4h03/**/*.py``: every ``>>>`` example in a docstring runs as a doctest, with the
  module's own names and ``tg`` (the package), ``nn`` (``tg.nn``), ``F``
  (``tg.nn.functional``) and ``np`` (NumPy) in scope; ``tg.manual_seed(0)`` before each file.

Optional packages stay optional: an example that needs one that is not installed
(matplotlib, PyTorch, scikit-learn, safetensors) is skipped, not failed; without Sybil itself
(it is in the ``test`` extra) the examples are not collected and the header says so.
"""

from __future__ import annotations

import doctest
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import pytest

import tinygrad4h03 as tg

try:
    from sybil import Sybil
    from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser
    from sybil.parsers.rest import DocTestParser
except ImportError:  # the documentation examples need Sybil; the test suite does not
    Sybil = None

try:
    import torch
except ImportError:  # PyTorch is optional: pages skip the blocks that need it
    torch = None

DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
OPTIONAL_PACKAGES = ("matplotlib", "torch", "sklearn", "safetensors", "mkdocs")


def _missing_optional(error_or_report: Any) -> str | None:
    """The optional package whose absence made an example fail, or ``None``."""
    for name in OPTIONAL_PACKAGES:
        if isinstance(error_or_report, ModuleNotFoundError):
            if (error_or_report.name or "").split(".")[0] == name:
                return name
        elif isinstance(error_or_report, str) and f"No module named '{name}" in error_or_report:
            return name
    return None


def _skipping_when_optional_missing(evaluator: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wrap an example's evaluator: a missing optional package skips it instead of failing.

    A later example of the same page that fails once an earlier one was skipped this way is
    skipped too: it usually needs a name that the skipped example defined.
    """

    def evaluate(example: Any) -> Any:
        try:
            report = evaluator(example)
        except Exception as error:
            _skip_if_optional(example.namespace, error)
            raise
        if report:
            _skip_if_optional(example.namespace, report)
        return report

    return evaluate


def _skip_if_optional(namespace: dict[str, Any], failure: Any) -> None:
    missing = _missing_optional(failure)
    if missing is not None:
        namespace["_skipped_for_optional"] = missing
        pytest.skip(f"needs the optional package {missing}")
    if "_skipped_for_optional" in namespace:
        pytest.skip(f"an earlier example needed {namespace['_skipped_for_optional']}")


def _optional_aware(parser: Callable[[Any], Iterable[Any]]) -> Callable[[Any], Iterator[Any]]:
    def parse(document: Any) -> Iterator[Any]:
        for region in parser(document):
            if region.evaluator is not None:
                region.evaluator = _skipping_when_optional_missing(region.evaluator)
            yield region

    return parse


def _enter_scratch_directory(namespace: dict[str, Any]) -> None:
    """Run a page in its own empty directory, so the files its examples write go nowhere."""
    namespace["_previous_cwd"] = os.getcwd()
    namespace["_scratch"] = tempfile.mkdtemp(prefix="tinygrad4h03-docs-")
    os.chdir(namespace["_scratch"])
    os.environ.setdefault("MPLBACKEND", "Agg")  # pages that plot never open a window
    namespace.update(tg=tg, np=np, torch=torch)
    tg.manual_seed(0)


def _leave_scratch_directory(namespace: dict[str, Any]) -> None:
    os.chdir(namespace["_previous_cwd"])
    shutil.rmtree(namespace["_scratch"], ignore_errors=True)


def _docstring_namespace(namespace: dict[str, Any]) -> None:
    namespace.update(tg=tg, np=np, nn=tg.nn, F=tg.nn.functional)
    tg.manual_seed(0)


def pytest_report_header() -> str | None:
    if Sybil is None:
        return "sybil is not installed: the examples in README.md, docs/ and docstrings are skipped"
    return None


if Sybil is not None:
    _pages = Sybil(
        parsers=[_optional_aware(PythonCodeBlockParser()), SkipParser()],
        patterns=["README.md", "docs/*.md"],
        setup=_enter_scratch_directory,
        teardown=_leave_scratch_directory,
    )
    _docstrings = Sybil(
        parsers=[_optional_aware(DocTestParser(optionflags=DOCTEST_FLAGS))],
        path="tinygrad4h03",
        patterns=["*.py"],
        setup=_docstring_namespace,
    )
    pytest_collect_file = (_pages + _docstrings).pytest()
