"""optim: the optimisers and learning-rate schedules, as ``torch.optim``.

This is where the gradients that ``backward()`` leaves in ``.grad`` become weight updates:
the lecture's W ← W + α δ yᵀ is ``SGD`` with momentum 0. Each optimiser follows PyTorch's
update rule step for step; ``lr_scheduler`` changes the groups' learning rates between
steps. The files, as in PyTorch:

- ``optimizer.py``: the base class ``Optimizer`` (groups, state, ``zero_grad``, state dicts);
- ``sgd.py``, ``adam.py`` (``Adam``, ``AdamW``), ``rmsprop.py``, ``adagrad.py``,
  ``adadelta.py``, ``adamax.py``, ``nadam.py``, ``radam.py``: one optimiser each, with its
  update as a function on NumPy arrays; ``lbfgs.py``: ``LBFGS``, which takes a closure;
- ``lr_scheduler.py``: ``StepLR``, ``MultiStepLR``, ``ExponentialLR``, ``CosineAnnealingLR``,
  ``LambdaLR``, ``ReduceLROnPlateau``.

Examples:
    >>> w = nn.Parameter(tg.tensor([1.0, -1.0]))
    >>> opt = tg.optim.SGD([w], lr=0.1)
    >>> scheduler = tg.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> for epoch in range(4):
    ...     opt.zero_grad(); (w ** 2).sum().backward(); opt.step(); scheduler.step()
    >>> scheduler.get_last_lr()
    [0.025]
"""

from . import lr_scheduler
from .adadelta import Adadelta, adadelta_update
from .adagrad import Adagrad, adagrad_update
from .adam import Adam, AdamW, adam_update
from .adamax import Adamax, adamax_update
from .lbfgs import LBFGS
from .nadam import NAdam, nadam_update
from .optimizer import Optimizer
from .radam import RAdam, radam_update
from .rmsprop import RMSprop, rmsprop_update
from .sgd import SGD, sgd_update

__all__ = [
    "LBFGS",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "adadelta_update",
    "adagrad_update",
    "adam_update",
    "adamax_update",
    "lr_scheduler",
    "nadam_update",
    "radam_update",
    "rmsprop_update",
    "sgd_update",
]
