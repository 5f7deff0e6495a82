"""autograd.py: ``tg.grad``, gradients returned as values (``torch.autograd.grad``).

The front end of ``engine.backward`` for tensors: it checks and seeds the outputs, asks the
engine for the gradients of the given inputs only, and returns them as tensors of the
inputs' dtypes, without touching any ``.grad``. With ``create_graph=True`` the gradients
are graph nodes themselves, which is how second derivatives, Hessian-vector products and
``tg.gradgradcheck`` are computed.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

from . import engine
from .creation import Variable as Variable  # PyTorch's old spelling, tg.autograd.Variable
from .creation import from_numpy
from .custom_function import Function as Function
from .engine import detect_anomaly as detect_anomaly
from .tensor import Tensor, backward_seeds, increment_version

graph = SimpleNamespace(increment_version=increment_version)
"""``tg.autograd.graph``, as ``torch.autograd.graph``: ``increment_version(tensors)``."""


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """∂(Σ_k ⟨grad_outputs_k, outputs_k⟩)/∂input for each input, as ``torch.autograd.grad``.

    For one output y and weight w (``grad_outputs``; 1 for a scalar y) the gradient of input x
    is the vector-Jacobian product wᵀ ∂y/∂x, summed over y's entries. Nothing is written to
    ``.grad``. With ``create_graph=True`` the returned gradients are in the graph and can be
    differentiated again. An input the outputs do not depend on raises, unless
    ``allow_unused=True``, where its gradient is ``None``.

    Args:
        outputs: a tensor, or a sequence of tensors, to differentiate.
        inputs: a tensor, or a sequence of tensors with ``requires_grad=True``.
        grad_outputs: ∂ℰ/∂output for each output: ``None`` (ones; only for one-element
            outputs), a tensor (used for every output), or a sequence with one tensor or
            array-like per output.
        retain_graph: accepted for PyTorch compatibility; the graph is always kept.
        create_graph: record the backward pass, so the gradients can be differentiated.
        allow_unused: return ``None`` for an unused input instead of raising.

    Returns:
        A tuple with one gradient per input, each of the input's shape and dtype.

    Raises:
        RuntimeError: an input does not require grad, an output is not differentiable or is
            non-scalar without ``grad_outputs``, or an input is unused (without
            ``allow_unused``).
        ShapeError: a ``grad_outputs`` entry does not have its output's shape.

    Shapes:
        ``grad_outputs[k]`` has ``outputs[k]``'s shape; the i-th result has ``inputs[i]``'s.

    Examples:
        >>> x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (g,) = tg.grad((x ** 3).sum(), x, create_graph=True); g
        tensor([ 3., 12., 27.], grad_fn=<...>)
        >>> tg.grad(g.sum(), x), x.grad is None
        ((tensor([ 6., 12., 18.]),), True)
    """
    one_output = isinstance(outputs, Tensor)
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs)
    elif one_output and not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]  # one array-like seed for the one output
    elif len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"grad: got {len(outputs)} outputs but {len(grad_outputs)} grad_outputs; "
            "give one per output"
        )
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError(f"grad: input of shape {t.shape} does not require grad")
    seeds = backward_seeds(outputs, grad_outputs, create_graph, "grad")
    found = engine.backward(outputs, seeds, create_graph, inputs=inputs) or []
    return tuple(
        _as_result(g, t, allow_unused, i)
        for i, (g, t) in enumerate(zip(found, inputs, strict=False))
    )


def _as_result(g: Any, t: Tensor, allow_unused: bool, position: int) -> Tensor | None:
    if g is None:
        if not allow_unused:
            raise RuntimeError(
                f"grad: input {position} (shape {t.shape}) was not used to compute the outputs; "
                "pass allow_unused=True to get None for it"
            )
        return None
    if isinstance(g, Tensor):
        return g if g.dtype == t.dtype else g.to(t.dtype)
    out = from_numpy(np.array(g, dtype=t.dtype))
    if engine.state.tracer is not None:  # tg.compile: out holds the gradient g
        engine.state.tracer.made(out, g)
    return out


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """``torch.autograd.backward``: ``t.backward(g)`` for each output, summed into ``.grad``.

    Examples:
        >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
        >>> tg.autograd.backward([(x * x).sum(), x.sum()]); x.grad
        tensor([3., 5.])
    """
    outputs = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    grads = grad_tensors if isinstance(grad_tensors, (list, tuple)) else [grad_tensors]
    if grad_tensors is None:
        grads = [None] * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"backward: got {len(grads)} grad_tensors for {len(outputs)} tensors")
    for t, g in zip(outputs, grads, strict=True):
        t.backward(g, create_graph=create_graph)


class set_detect_anomaly:
    """``tg.autograd.set_detect_anomaly(mode)``: anomaly checks on or off, as PyTorch.

    Called alone it switches the mode from then on; used in a ``with`` block it restores
    the previous mode at the end.

    Examples:
        >>> with tg.autograd.set_detect_anomaly(True):
        ...     tg.is_anomaly_enabled()
        True
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._previous = engine.state.anomaly
        engine.state.anomaly = bool(mode)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        engine.state.anomaly = self._previous


def __getattr__(name: str) -> Any:
    # tg.autograd.gradcheck/gradgradcheck, as torch.autograd (gradcheck.py imports this module)
    if name in ("gradcheck", "gradgradcheck"):
        return getattr(importlib.import_module("tinygrad4h03.gradcheck"), name)
    raise AttributeError(f"module 'tinygrad4h03.autograd' has no attribute {name!r}")


# tg.autograd.functional (jacobian, hessian, vjp, jvp, vhp, hvp), importable by its dotted name
from . import autograd_functional as functional  # noqa: E402  (it uses grad, defined above)

sys.modules[__name__ + ".functional"] = functional
