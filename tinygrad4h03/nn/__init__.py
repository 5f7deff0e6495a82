"""nn: PyTorch-style modules (``tg.nn.Module``), layers, activations, containers and losses.

Everything is re-exported here, so ``tg.nn.Linear`` works as ``torch.nn.Linear`` does. The
files:

- ``module.py``: ``Module``, ``Parameter``, ``Sequential``, ``ModuleList`` — registration,
  ``named_parameters()`` and ``state_dict()`` with PyTorch's names.
- ``layers.py``: ``Linear`` (alias ``Dense``; the lecture's v = W y + b), the activation
  modules ``ReLU``, ``Sigmoid``, ``Tanh``, ``Softmax``, ``LogSoftmax`` (the lecture's
  y = φ(v)), ``LeakyReLU``, ``GELU``, ``ELU``, ``Softplus``, ``Identity``, ``Flatten``,
  ``Dropout``, ``Conv2d``, ``MaxPool2d``, ``AvgPool2d``, ``Embedding``, ``BatchNorm1d``,
  ``BatchNorm2d`` and ``LayerNorm``.
- ``recurrent.py``: ``RNN``, ``LSTM``, ``GRU`` and the cells ``RNNCell``, ``LSTMCell``,
  ``GRUCell``: loops over time steps composed from the tensor operations.
- ``loss.py``: ``MSELoss``, ``SSELoss`` (the lecture's ℰ), ``CrossEntropyLoss``, ``NLLLoss``,
  ``L1Loss``, ``SmoothL1Loss``, ``HuberLoss``, ``BCELoss``, ``BCEWithLogitsLoss``.
- ``utils.py`` (``tg.nn.utils``): gradient clipping, parameters as one vector.
- ``functional.py`` (``tg.nn.functional``, ``F``): the same operations as functions, with
  the loss formulas.
- ``init.py`` (``tg.nn.init``): in-place weight initialisations, PyTorch's and the lecture's.
"""

from . import functional, init, utils
from .layers import (
    ELU,
    GELU,
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm1d,
    BatchNorm2d,
    Conv2d,
    Dense,
    Dropout,
    Dropout2d,
    Embedding,
    Flatten,
    Identity,
    LayerNorm,
    LeakyReLU,
    Linear,
    LogSoftmax,
    MaxPool2d,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
    SSELoss,
)
from .module import IncompatibleKeys, Module, ModuleDict, ModuleList, Parameter, Sequential
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase

__all__ = [
    "ELU",
    "GELU",
    "GRU",
    "LSTM",
    "RNN",
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dense",
    "Dropout",
    "Dropout2d",
    "Embedding",
    "Flatten",
    "GRUCell",
    "HuberLoss",
    "Identity",
    "IncompatibleKeys",
    "KLDivLoss",
    "L1Loss",
    "LSTMCell",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "RNNBase",
    "RNNCell",
    "RNNCellBase",
    "ReLU",
    "SSELoss",
    "Sequential",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Softplus",
    "Tanh",
    "functional",
    "init",
    "utils",
]
