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
- training: ``nn/`` (modules, layers, losses, functional, init) and ``optim/``
  (``SGD``, ``Adam``, ``AdamW``, ``RMSprop``, ``Adagrad``, ``Adadelta``, ``lr_scheduler``);
  ``serialization.py`` (``tg.save``, ``tg.load``); ``viz.py`` (graph pictures);
- the lecture (ChE 4H03): ``deltarule.py`` (the hand-derived back-propagation that autograd
  is checked against; also dropout and the book's convolutional network), ``data.py`` (the
  digits, MNIST's IDX files), ``lecture/`` (the digit network built, trained by either method
  and compared; vanishing gradients; the convolutional network), ``cli.py`` (the command line).

Examples:
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward(); x.grad
    tensor([2., 4.])
"""

from . import data, deltarule
from . import return_types as return_types
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
from .tensor import amax as amax
from .tensor import amin as amin
from .tensor import max as max
from .tensor import min as min
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

# PyTorch-style modules, losses, optimisers and saving; PyTorch's dtype names, devices,
# random streams and the rest of the creation functions (they build on the names above)
from . import accelerator as accelerator
from . import backends as backends
from . import cuda as cuda

# PyTorch's tensor functions (tg.sin, tg.matmul, tg.std, tg.einsum, tg.allclose, ...): each is
# the tensor method of the same name, see functions.py
from . import functions as _functions
from . import linalg as linalg
from . import nn as nn
from . import optim as optim
from . import random as random
from . import utils as utils
from . import viz as viz
from .creation import BoolTensor as BoolTensor
from .creation import DoubleTensor as DoubleTensor
from .creation import FloatTensor as FloatTensor
from .creation import IntTensor as IntTensor
from .creation import LongTensor as LongTensor
from .creation import as_tensor as as_tensor
from .creation import bernoulli as bernoulli
from .creation import empty as empty
from .creation import empty_like as empty_like
from .creation import from_numpy as from_numpy
from .creation import full_like as full_like
from .creation import is_floating_point as is_floating_point
from .creation import is_tensor as is_tensor
from .creation import linspace as linspace
from .creation import logspace as logspace
from .creation import multinomial as multinomial
from .creation import normal as normal
from .creation import rand_like as rand_like
from .creation import randint as randint
from .creation import randint_like as randint_like
from .creation import randn_like as randn_like
from .creation import randperm as randperm
from .devices import DeviceUnavailableError as DeviceUnavailableError
from .devices import device as device
from .devices import get_default_device as get_default_device
from .devices import set_default_device as set_default_device
from .dtypes import bool as bool
from .dtypes import double as double
from .dtypes import finfo as finfo
from .dtypes import float as float
from .dtypes import get_default_dtype as get_default_dtype
from .dtypes import half as half
from .dtypes import iinfo as iinfo
from .dtypes import int as int
from .dtypes import int8 as int8
from .dtypes import int16 as int16
from .dtypes import long as long
from .dtypes import set_default_dtype as set_default_dtype
from .dtypes import short as short
from .dtypes import uint8 as uint8
from .engine import RemovableHandle as RemovableHandle
from .engine import inference_mode as inference_mode
from .random import Generator as Generator
from .random import get_rng_state as get_rng_state
from .random import initial_seed as initial_seed
from .random import seed as seed
from .random import set_rng_state as set_rng_state
from .serialization import load as load
from .serialization import save as save
from .size import Size as Size

globals().update({_name: getattr(_functions, _name) for _name in _functions.__all__})
