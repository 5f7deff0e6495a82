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
- ``extra_layers.py``: ``SiLU``, ``ReLU6``, ``PReLU``, ``SELU``, ``Hardtanh``, ``Mish``,
  ``Softsign``, ``Hardswish``, ``Hardsigmoid``, ``Tanhshrink``, ``LogSigmoid``, ``Softmin``,
  ``Conv1d``, ``MaxPool1d``, ``AvgPool1d``, ``AdaptiveMaxPool2d``, ``GroupNorm``,
  ``Unflatten``, ``Upsample``, ``ParameterList``, ``ParameterDict``, ``MultiheadAttention``;
  their functions are in ``functional_more.py``, re-exported by ``tg.nn.functional``.
- ``transpose_layers.py``: ``ConvTranspose1d``, ``ConvTranspose2d``; their functions are in
  ``functional_transpose.py``, re-exported by ``tg.nn.functional``.
- ``utils/`` (``tg.nn.utils``): gradient clipping, parameters as one vector; ``utils.rnn``
  pads and packs sequences of different lengths.
- ``functional.py`` (``tg.nn.functional``, ``F``): the same operations as functions, with
  the loss formulas.
- ``init.py`` (``tg.nn.init``): in-place weight initialisations, PyTorch's and the lecture's.
"""

from . import functional, init, utils
from .extra_layers import (
    SELU,
    AdaptiveMaxPool2d,
    AvgPool1d,
    Conv1d,
    GroupNorm,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LogSigmoid,
    MaxPool1d,
    Mish,
    MultiheadAttention,
    ParameterDict,
    ParameterList,
    PReLU,
    ReLU6,
    SiLU,
    Softmin,
    Softsign,
    Tanhshrink,
    Unflatten,
    Upsample,
)
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
from .transpose_layers import ConvTranspose1d, ConvTranspose2d

__all__ = [
    "ELU",
    "GELU",
    "GRU",
    "LSTM",
    "RNN",
    "SELU",
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "CrossEntropyLoss",
    "Dense",
    "Dropout",
    "Dropout2d",
    "Embedding",
    "Flatten",
    "GRUCell",
    "GroupNorm",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "HuberLoss",
    "Identity",
    "IncompatibleKeys",
    "KLDivLoss",
    "L1Loss",
    "LSTMCell",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSigmoid",
    "LogSoftmax",
    "MSELoss",
    "MaxPool1d",
    "MaxPool2d",
    "Mish",
    "Module",
    "ModuleDict",
    "ModuleList",
    "MultiheadAttention",
    "NLLLoss",
    "PReLU",
    "Parameter",
    "ParameterDict",
    "ParameterList",
    "RNNBase",
    "RNNCell",
    "RNNCellBase",
    "ReLU",
    "ReLU6",
    "SSELoss",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Softmin",
    "Softplus",
    "Softsign",
    "Tanh",
    "Tanhshrink",
    "Unflatten",
    "Upsample",
    "functional",
    "init",
    "utils",
]
