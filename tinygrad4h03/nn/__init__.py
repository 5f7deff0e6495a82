"""PyTorch-style modules: ``tg.nn.Module``, layers, activations, containers and losses.

``tg.nn.functional`` holds the same operations as functions and ``tg.nn.init`` the weight
initialisations.
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
