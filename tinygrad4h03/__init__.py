"""tinygrad4h03: a small, correct, fast autograd framework on NumPy.

Where things live: ``engine.py`` (graph order, the backward sweep, grad mode), ``value.py``
(the scalar node), ``tensor.py`` (the tensor node), ``rules.py`` (every tensor operation's
derivative, as one table), ``nn/`` and ``optim.py`` (PyTorch-style modules and optimisers),
``deltarule.py`` (the lecture's hand-derived back-propagation), ``cli.py`` (the command line).
"""

from . import data, deltarule
from .autograd import grad
from .creation import (
    arange,
    eye,
    full,
    manual_seed,
    ones,
    ones_like,
    rand,
    randn,
    zeros,
    zeros_like,
)
from .engine import (
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .tensor import (
    AnomalyError,
    ShapeError,
    Tensor,
    bool_,
    cat,
    float16,
    float32,
    float64,
    int32,
    int64,
    stack,
    tensor,
    where,
)
from .value import Value

__version__ = "0.1.0"

__all__ = [
    "AnomalyError",
    "GradcheckError",
    "ShapeError",
    "Tensor",
    "Value",
    "arange",
    "bool_",
    "cat",
    "data",
    "deltarule",
    "detect_anomaly",
    "enable_grad",
    "eye",
    "float16",
    "float32",
    "float64",
    "full",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "int32",
    "int64",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "manual_seed",
    "no_grad",
    "ones",
    "ones_like",
    "rand",
    "randn",
    "set_grad_enabled",
    "stack",
    "tensor",
    "where",
    "zeros",
    "zeros_like",
]

# PyTorch-style modules, losses, optimisers and saving (they build on the names above)
from . import nn as nn
from . import optim as optim
from . import viz as viz
from .serialization import load as load
from .serialization import save as save
