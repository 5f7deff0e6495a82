"""An ``import torch`` that gives tinygrad4h03: the test copies this file to ``torch/__init__.py``.

Placed first on ``sys.path``, it makes an unchanged PyTorch program run on tinygrad4h03:
``import torch`` returns the ``tinygrad4h03`` package itself, and every ``torch.<sub>`` module
(``torch.nn``, ``torch.nn.functional``, ``torch.optim.lr_scheduler``, ``torch.utils.data``, ...)
is the module of the same name under ``tinygrad4h03``, or fails to import exactly as a missing
module does. Nothing is patched or added: what the program can use is what tinygrad4h03 has.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

import tinygrad4h03

PREFIX = "torch."


def _resolve(real_name: str) -> ModuleType | None:
    """The module ``real_name`` as an import gives it, or as an attribute chain if it is one."""
    try:
        return importlib.import_module(real_name)
    except ModuleNotFoundError as error:
        if error.name is None or not real_name.startswith(error.name):
            raise  # a module that exists failed to import one of its own dependencies
    value: object = tinygrad4h03
    for part in real_name.split(".")[1:]:
        value = getattr(value, part, None)
    return value if isinstance(value, ModuleType) else None


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, module: ModuleType) -> None:
        self.module = module

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return self.module

    def exec_module(self, module: ModuleType) -> None:
        """The module already ran under its own name: nothing to execute."""


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch.a.b`` as the already imported ``tinygrad4h03.a.b``, never a second copy."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(PREFIX):
            return None
        module = _resolve("tinygrad4h03." + fullname[len(PREFIX) :])
        if module is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module))


sys.meta_path.insert(0, _AliasFinder())
sys.modules["torch"] = tinygrad4h03
