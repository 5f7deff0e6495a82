"""Every example in the documentation runs as a test (Sybil, a maintained pytest plugin).

- ``README.md`` and ``docs/*.md``: each ```python block is one test; the blocks of a page run
  in order, in one namespace (a later block uses an earlier block's names), in a fresh
  temporary working directory. ``<!-- skip: next -->`` before a block skips it;
  ``<!-- skip: next if(torch is None, reason="needs PyTorch") -->`` skips it when PyTorch is
  not installed (``torch`` is ``None`` in every page's namespace then).
- ``tinygrad4h03/**/*.py``: every ``>>>`` example in a docstring runs as a doctest, with the
  module's own names and ``tg`` (the package), ``nn`` (``tg.nn``), ``F``
  (``tg.nn.functional``) and ``np`` (NumPy) in scope; ``tg.manual_seed(0)`` before each file.
"""

from __future__ import annotations

import doctest
import os
import shutil
import tempfile
from typing import Any

import numpy as np
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser
from sybil.parsers.rest import DocTestParser

import tinygrad4h03 as tg

try:
    import torch
except ImportError:  # PyTorch is optional: pages skip the blocks that need it
    torch = None

DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


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


_pages = Sybil(
    parsers=[PythonCodeBlockParser(), SkipParser()],
    patterns=["README.md", "docs/*.md"],
    setup=_enter_scratch_directory,
    teardown=_leave_scratch_directory,
)
_docstrings = Sybil(
    parsers=[DocTestParser(optionflags=DOCTEST_FLAGS)],
    path="tinygrad4h03",
    patterns=["*.py"],
    setup=_docstring_namespace,
)

pytest_collect_file = (_pages + _docstrings).pytest()
