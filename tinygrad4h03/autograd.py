"""``tg.grad``: gradients as values, without touching ``.grad``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import engine
from .tensor import Tensor, _check_differentiable, _seed_for_mode, _seed_gradient


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """∂(Σ outputs · grad_outputs)/∂input for each input, as ``torch.autograd.grad``.

    Nothing is written to ``.grad``. With ``create_graph=True`` the returned gradients are in
    the graph and can be differentiated again. An input the outputs do not depend on raises,
    unless ``allow_unused=True``, where its gradient is ``None``.
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError(f"grad: input of shape {t.shape} does not require grad")
    seeds = []
    for out, given in zip(outputs, grad_outputs, strict=False):
        _check_differentiable(out, "grad")
        seeds.append(_seed_for_mode(_seed_gradient(out, given, "grad"), create_graph))
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
    return Tensor._wrap(np.array(g, dtype=t.dtype))
