"""tinygrad4h03: a small, correct, fast autograd framework on NumPy, with PyTorch's API.

Import it as ``import tinygrad4h03 as tg``: the public API (``tg.tensor``, ``tg.zeros``,
``tg.Value``, ``tg.no_grad``, ``tg.grad``, ``tg.nn``, ``tg.optim``, ...) is re-exported here.
Where things live (each file's docstring says more):

- the core: ``engine.py`` (graph order, the backward sweep, grad mode), ``value.py`` (the
  scalar node ``Value``), ``tensor.py`` (the tensor node ``Tensor``), ``rules.py`` (every
  tensor operation's derivative, as one table), ``autograd.py`` (``tg.grad``),
  ``creation.py`` (``tg.zeros``, ``tg.randn``, ``tg.manual_seed``, ...);
- checking derivatives: ``gradcheck.py`` (finite differences), ``testing.py`` (hypothesis
  strategies and ``assert_gradients_match``);
- training: ``nn/`` (modules, layers, losses, functional, init) and ``optim.py``
  (``SGD``, ``Adam``, ``AdamW``); ``serialization.py`` (``tg.save``, ``tg.load``);
  ``viz.py`` (graph pictures);
- the lecture (ChE 4H03): ``deltarule.py`` (the hand-derived back-propagation that autograd
  is checked against), ``data.py`` (the digits), ``lecture.py`` (the digit network),
  ``cli.py`` (the command line).

Examples:
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward(); x.grad
    tensor([2., 4.])
"""

from . import data, deltarule
from .autograd import grad
from .compiler import CompileError, compile
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
    "CompileError",
    "GradcheckError",
    "ShapeError",
    "Tensor",
    "Value",
    "arange",
    "bool_",
    "cat",
    "compile",
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
from . import utils as utils
from . import viz as viz
from .serialization import load as load
from .serialization import save as save
