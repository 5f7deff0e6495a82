"""nn: PyTorch-style modules (``tg.nn.Module``), layers, activations, containers and losses.

Everything is re-exported here, so ``tg.nn.Linear`` works as ``torch.nn.Linear`` does. The
files:

- ``module.py``: ``Module``, ``Parameter``, ``Sequential``, ``ModuleList`` — registration,
  ``named_parameters()`` and ``state_dict()`` with PyTorch's names.
- ``layers.py``: ``Linear`` (alias ``Dense``; the lecture's v = W y + b), the activation
  modules ``ReLU``, ``Sigmoid``, ``Tanh``, ``Softmax``, ``LogSoftmax`` (the lecture's
  y = φ(v)), ``Identity`` and ``Flatten``.
- ``loss.py``: ``MSELoss``, ``SSELoss`` (the lecture's ℰ), ``CrossEntropyLoss``, ``NLLLoss``.
- ``functional.py`` (``tg.nn.functional``, ``F``): the same operations as functions, with
  the loss formulas.
- ``init.py`` (``tg.nn.init``): in-place weight initialisations, PyTorch's and the lecture's.
"""

from . import functional, init
from .layers import Dense, Flatten, Identity, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .loss import CrossEntropyLoss, MSELoss, NLLLoss, SSELoss
from .module import IncompatibleKeys, Module, ModuleList, Parameter, Sequential

__all__ = [
    "CrossEntropyLoss",
    "Dense",
    "Flatten",
    "Identity",
    "IncompatibleKeys",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "SSELoss",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init",
]
