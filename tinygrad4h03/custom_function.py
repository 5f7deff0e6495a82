"""custom_function.py: ``tg.autograd.Function``, an operation whose backward the user writes.

As ``torch.autograd.Function``: a subclass defines ``forward(ctx, *args)`` and
``backward(ctx, *grads)`` as static methods and is called with ``MyFunction.apply(*args)``.
The forward runs without recording (on tensors, as any code); the result becomes one node of
the graph whose backward calls the user's ``backward`` with ∂ℰ/∂output and takes one
gradient per argument of ``forward`` (``None`` for an argument without one). Under
``create_graph=True`` the user's backward is itself recorded, so it can be differentiated
again when it is written with differentiable operations. The forward may also omit ``ctx``
and leave the saving to a ``setup_context(ctx, inputs, output)`` static method (PyTorch 2's
style).

Examples:
    >>> class Cube(tg.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x**3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return 3 * x**2 * grad
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward(); x.grad
    tensor([ 3., 12.])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import engine
from .rules import Rule
from .tensor import Tensor, apply


class FunctionCtx:
    """What a ``Function``'s forward hands to its backward: ``save_for_backward(*tensors)``
    then ``saved_tensors``; ``needs_input_grad`` (one bool per argument); any attribute.

    Examples:
        >>> ctx = FunctionCtx((True, False))
        >>> ctx.save_for_backward(tg.ones(2)); len(ctx.saved_tensors), ctx.needs_input_grad
        (1, (True, False))
    """

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self._saved: tuple[Any, ...] = ()

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep ``tensors`` (or ``None``s) for the backward, as PyTorch's ``ctx``."""
        self._saved = tensors

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """What ``save_for_backward`` kept, in the same order."""
        return self._saved

    def mark_non_differentiable(self, *tensors: Any) -> None:
        """Accepted for PyTorch compatibility: an output's gradient is then ignored anyway."""

    def set_materialize_grads(self, value: bool) -> None:
        """Accepted for PyTorch compatibility: gradients reach ``backward`` as tensors."""


class Function:
    """The base class of operations with a hand-written backward (see the module docstring).

    Examples:
        >>> class Twice(tg.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         return x * 2
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         return grad * 2
        >>> x = tg.tensor([1.0], requires_grad=True)
        >>> Twice.apply(x).backward(tg.ones(1)); x.grad
        tensor([2.])
    """

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """The computation on tensors (not recorded); override it."""
        raise NotImplementedError("You must implement the forward function for custom Function")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        """One gradient per argument of ``forward`` (``None`` where there is none); override it."""
        raise NotImplementedError("You must implement the backward function for custom Function")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> None:
        """PyTorch 2's optional split: a ``forward`` without ``ctx`` saves here instead."""
        raise NotImplementedError

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run ``forward`` on ``args`` and make its result a node of the graph."""
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = FunctionCtx(needs)
        separate = cls.setup_context is not Function.setup_context
        with engine.no_grad():
            result = cls.forward(*args) if separate else cls.forward(ctx, *args)
        if separate:
            cls.setup_context(ctx, args, result)
        if not isinstance(result, Tensor):
            raise TypeError(
                f"{cls.__name__}.apply: forward must return one Tensor here, got "
                f"{type(result).__name__}"
            )
        if not (engine.is_grad_enabled() and any(needs)):
            return result
        if engine.state.tracer is not None:
            from .compiler.errors import CompileError

            raise CompileError(
                f"tg.compile: {cls.__name__}.apply (a custom autograd.Function) cannot be "
                "traced; call it outside the compiled function"
            )
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        rule = Rule(
            cls.__name__,
            lambda *arrays: result.numpy(),
            (_one_at_a_time,),
            variadic=True,
            split=_Backward(cls, ctx, positions, len(args)),
        )
        return apply(rule, *(args[i] for i in positions))


def _one_at_a_time(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a Function's gradients come from its split backward")  # never used


class _Backward:
    """The node's ``split``: the user's backward once, its gradients put in operand order."""

    def __init__(self, cls: type[Function], ctx: FunctionCtx, positions: list[int], n: int):
        self.cls, self.ctx, self.positions, self.n = cls, ctx, positions, n

    def __call__(self, xp: Any, grad: Any, out: Any, inputs: Sequence[Any]) -> list[Any]:
        on_tensors = isinstance(grad, Tensor)
        mode = engine.enable_grad() if on_tensors else engine.no_grad()
        with mode:
            grads = self.cls.backward(self.ctx, grad if on_tensors else Tensor(grad))
        grads = grads if isinstance(grads, tuple) else (grads,)
        if len(grads) != self.n:
            raise RuntimeError(
                f"function {self.cls.__name__}Backward returned an incorrect number of "
                f"gradients (expected {self.n}, got {len(grads)})"
            )
        picked = []
        for i, x in zip(self.positions, inputs, strict=True):
            g = grads[i]
            shape = x.shape
            if g is None:
                g = np.zeros(shape, dtype=np.asarray(x).dtype)
                picked.append(Tensor(g) if on_tensors else g)
            elif on_tensors:
                picked.append(g if isinstance(g, Tensor) else Tensor(g))
            else:
                picked.append(g.numpy() if isinstance(g, Tensor) else np.asarray(g))
        return picked
