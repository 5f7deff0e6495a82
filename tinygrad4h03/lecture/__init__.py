"""lecture: the lecture's digit network, trained by either method, autograd checked against it.

ChE 4H03's motivating example (and P. Kim, *MATLAB Deep Learning*, ch. 5, ``DeepReLU.m``): a
25-20-20-20-5 network — L = 4 weight layers, ReLU hidden layers, a softmax output with the
cross-entropy loss, no biases — learns the five 5×5 digits one sample at a time. Everything
the command line's ``digits``, ``compare``, ``vanishing`` and ``conv`` do lives here, so that
tests and users can call it without parsing output. One file per job:

- `network` — building the network: `initial_weights`, `Architecture`, `build_network`,
  `network_arrays`, `autograd_loss`.
- `training` — training it with either method: `AutogradTrainer`, `DeltaRuleTrainer`,
  `train_digits` (``method="autograd"`` or ``"deltarule"``), with dropout masks from a
  `MaskStream`.
- `comparison` — comparing gradients: `autograd_gradients`, `compare_config`, `CONFIGS`,
  `naive_softmax_check`, and the dropout rules (`dropout_comparison`).
- `vanishing` — per-layer gradient norms of a deep sigmoid or ReLU network.
- `conv` — the book's convolutional network (ch. 6) by either method.

All arrays are float64 so that the two methods agree to rounding (1e-9 after thousands of
updates, 1e-10 relative for one gradient). Every name is also available here, as
``tinygrad4h03.lecture.NAME``.
"""

from __future__ import annotations

from . import comparison, conv, network, training, vanishing
from .comparison import (
    CONFIGS,
    Config,
    LayerComparison,
    NaiveCheck,
    autograd_gradients,
    compare_config,
    comparison_network,
    naive_softmax_check,
)
from .network import (
    INITS,
    LECTURE,
    LECTURE_SIZES,
    Architecture,
    MaskedDropout,
    autograd_loss,
    build_network,
    initial_weights,
    network_arrays,
)
from .training import (
    ENGINES,
    METHODS,
    AutogradTrainer,
    DeltaRuleTrainer,
    DigitsRun,
    MaskStream,
    train_digits,
)

__all__ = [
    "CONFIGS",
    "ENGINES",
    "INITS",
    "LECTURE",
    "LECTURE_SIZES",
    "METHODS",
    "Architecture",
    "AutogradTrainer",
    "Config",
    "DeltaRuleTrainer",
    "DigitsRun",
    "LayerComparison",
    "MaskStream",
    "MaskedDropout",
    "NaiveCheck",
    "autograd_gradients",
    "autograd_loss",
    "build_network",
    "compare_config",
    "comparison",
    "comparison_network",
    "conv",
    "initial_weights",
    "naive_softmax_check",
    "network",
    "network_arrays",
    "train_digits",
    "training",
    "vanishing",
]
