"""autograd_functional.py: ``tg.autograd.functional``, as ``torch.autograd.functional``.

Derivatives of a whole function ``func(*inputs)`` rather than of a recorded graph:
``vjp`` (vᵀJ), ``jvp`` (J v), ``jacobian``, ``hessian``, ``vhp`` (vᵀH) and ``hvp`` (H v).
Everything is built on ``tg.grad``: ``vjp`` is one backward pass; ``jvp`` uses the
double-backward trick (J v = ∂(uᵀJ v)/∂u, the vjp differentiated in its weight u); a
Jacobian takes one backward pass per output entry (or, with ``strategy="forward-mode"``,
one jvp per input entry). Returns are shaped as PyTorch's: a tensor where ``inputs`` (and
the outputs) are single tensors, tuples (of tuples) where they are tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .autograd import grad
from .creation import zeros_like
from .engine import enable_grad
from .tensor import Tensor, stack

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]

Tensors = tuple[Tensor, ...]


def _as_tuple(value: Any, what: str, op: str) -> tuple[bool, Tensors]:
    """(whether ``value`` was a tuple, its tensors as a tuple); a TypeError for anything else."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"entry {i} is" if is_tuple else "it is"
            raise TypeError(
                f"{op}: the {what} must be a Tensor or a tuple of Tensors, "
                f"but {where} a {type(item).__name__}"
            )
    return is_tuple, items


def _prepare(inputs: Tensors, create_graph: bool) -> Tensors:
    """Inputs that require grad: still attached to their graph with ``create_graph`` (so the
    result can be differentiated in them), else fresh leaves sharing their data."""
    return tuple(
        x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_()
        for x in inputs
    )


def _finish(tensors: Sequence[Tensor], create_graph: bool, is_tuple: bool) -> Any:
    """Detached unless ``create_graph``; a tuple or the one tensor, as the caller's input was."""
    out = tuple(t if create_graph else t.detach() for t in tensors)
    return out if is_tuple else out[0]


def _check_v(v: Any, refs: Tensors, is_tuple: bool, op: str) -> Tensors:
    """``v`` as a tuple with one tensor of each reference's shape (RuntimeError otherwise)."""
    _, vs = _as_tuple(v, "v", op)
    if len(vs) != len(refs):
        raise RuntimeError(f"{op}: v has {len(vs)} tensors but {len(refs)} are needed")
    for i, (w, ref) in enumerate(zip(vs, refs, strict=True)):
        if w.shape != ref.shape:
            entry = f"entry {i} of " if is_tuple else ""
            raise RuntimeError(f"{op}: {entry}v has shape {w.shape} but should have {ref.shape}")
    return tuple(w.detach() for w in vs)


def _default_v(refs: Tensors, op: str, what: str) -> Tensors:
    if len(refs) != 1 or refs[0].numel() != 1:
        raise RuntimeError(
            f"{op}: v can only be None when {what} is a single Tensor with a single element; "
            f"got shapes {[tuple(r.shape) for r in refs]}"
        )
    return (Tensor(np.ones_like(refs[0].numpy())),)


def _weighted_grad(
    outputs: Tensors, weights: Sequence[Any], inputs: Tensors, create_graph: bool
) -> list[Tensor | None]:
    """Σ_k w_kᵀ ∂outputs_k/∂x for each input x (``None`` where no output depends on it); an
    output that does not require grad contributes nothing."""
    pairs = [(o, w) for o, w in zip(outputs, weights, strict=True) if o.requires_grad]
    if not pairs:
        return [None] * len(inputs)
    found = grad(
        [o for o, _ in pairs],
        inputs,
        [w for _, w in pairs],
        create_graph=create_graph,
        allow_unused=True,
    )
    return list(found)


def _filled(
    grads: Sequence[Tensor | None], refs: Tensors, strict: bool, op: str, what: str
) -> list[Tensor]:
    """Zeros of each reference's shape in place of ``None``; in strict mode, an error."""
    out = []
    for i, (g, ref) in enumerate(zip(grads, refs, strict=True)):
        if g is None and strict:
            raise RuntimeError(
                f"{op}: the output of the user-provided function is independent of {what} {i}; "
                "this is not allowed in strict mode"
            )
        out.append(zeros_like(ref) if g is None else g)
    return out


def vjp(
    func: Callable[..., Any],
    inputs: Tensor | Tensors,
    v: Tensor | Tensors | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), vᵀ J)``: the vector-Jacobian product, one backward pass.

    Args:
        func: a function of the input tensors returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        v: one tensor per output, of its shape; may be ``None`` for a one-element output.
        create_graph: keep the results in the graph (differentiable in ``inputs``).
        strict: raise if an input does not affect the outputs, instead of giving zeros.

    Returns:
        The outputs (detached unless ``create_graph``) and the product, shaped as
        ``inputs`` (a tensor, or a tuple).

    Raises:
        TypeError: ``inputs``, ``v`` or the outputs are not tensors (or tuples of them).
        RuntimeError: ``v`` is missing for a many-element output or has the wrong shape.

    Examples:
        >>> x = tg.tensor([1.0, 2.0, 3.0])
        >>> tg.autograd.functional.vjp(lambda t: t**2, x, tg.tensor([1.0, 1.0, 0.5]))
        (tensor([1., 4., 9.]), tensor([2., 4., 3.]))
    """
    with enable_grad():
        is_tuple, xs = _as_tuple(inputs, "inputs", "vjp")
        xs = _prepare(xs, create_graph)
        is_out_tuple, outputs = _as_tuple(func(*xs), "outputs of the function", "vjp")
        if v is None:
            vs = _default_v(outputs, "vjp", "the function's output")
        else:
            vs = _check_v(v, outputs, is_out_tuple, "vjp")
        grads = _weighted_grad(outputs, vs, xs, create_graph)
        result = _filled(grads, xs, strict, "vjp", "input")
    return _finish(outputs, create_graph, is_out_tuple), _finish(result, create_graph, is_tuple)


def _jvp_of(outputs: Tensors, xs: Tensors, vs: Tensors, create_graph: bool) -> list:
    """J v by the double-backward trick: g(u) = Jᵀu is linear in u, so ∂(g(u) · v)/∂u = J v.
    ``None`` for an output that does not depend on the inputs."""
    us = tuple(zeros_like(o).requires_grad_() for o in outputs)
    live = [(o, u) for o, u in zip(outputs, us, strict=True) if o.requires_grad]
    if not live:
        return [None] * len(outputs)
    weighted = sum(((o * u).sum() for o, u in live[1:]), (live[0][0] * live[0][1]).sum())
    gs = grad(weighted, xs, create_graph=True, allow_unused=True)
    terms = [(g * w).sum() for g, w in zip(gs, vs, strict=True) if g is not None]
    terms = [t for t in terms if t.requires_grad]
    if not terms:
        return [None] * len(outputs)
    total = sum(terms[1:], terms[0])
    return list(grad(total, us, create_graph=create_graph, allow_unused=True))


def jvp(
    func: Callable[..., Any],
    inputs: Tensor | Tensors,
    v: Tensor | Tensors | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), J v)``: the Jacobian-vector product (a directional derivative).

    Computed with two backward passes (the double-backward trick), so every operation in
    ``func`` needs a differentiable derivative, as they all have here.

    Args:
        func: a function of the input tensors returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        v: one tensor per input, of its shape; may be ``None`` for a one-element input.
        create_graph: keep the results in the graph (differentiable in ``inputs``).
        strict: raise if an output does not depend on the inputs, instead of giving zeros.

    Returns:
        The outputs (detached unless ``create_graph``) and J v, shaped as the outputs.

    Raises:
        TypeError: ``inputs``, ``v`` or the outputs are not tensors (or tuples of them).
        RuntimeError: ``v`` is missing for a many-element input or has the wrong shape.

    Examples:
        >>> x = tg.tensor([1.0, 2.0])
        >>> tg.autograd.functional.jvp(lambda t: t**3, x, tg.tensor([1.0, 0.5]))
        (tensor([1., 8.]), tensor([3., 6.]))
    """
    with enable_grad():
        is_tuple, xs = _as_tuple(inputs, "inputs", "jvp")
        xs = _prepare(xs, create_graph)
        vs = _default_v(xs, "jvp", "the input") if v is None else _check_v(v, xs, is_tuple, "jvp")
        is_out_tuple, outputs = _as_tuple(func(*xs), "outputs of the function", "jvp")
        result = _filled(_jvp_of(outputs, xs, vs, create_graph), outputs, strict, "jvp", "output")
    return _finish(outputs, create_graph, is_out_tuple), _finish(result, create_graph, is_out_tuple)


def _reverse_blocks(
    outputs: Tensors, xs: Tensors, create_graph: bool, strict: bool
) -> list[list[Tensor]]:
    """J[i][j] = ∂outputs_i/∂xs_j, of shape outputs_i.shape + xs_j.shape: one backward pass
    per entry of each output, with that entry's one-hot weight."""
    blocks = []
    for out in outputs:
        rows: list[list[Tensor]] = [[] for _ in xs]
        for k in range(out.numel()):
            grads = _weighted_grad((out,), [_onehot(out, k)], xs, create_graph)
            for j, g in enumerate(_filled(grads, xs, strict, "jacobian", "input")):
                rows[j].append(g)
        blocks.append([_stacked(r, out, x) for r, x in zip(rows, xs, strict=True)])
    return blocks


def _onehot(like: Tensor, k: int) -> Tensor:
    """A tensor of ``like``'s shape and dtype, 1 at flat index k and 0 elsewhere."""
    e = np.zeros(like.numel(), dtype=like.numpy().dtype)
    e[k] = 1
    return Tensor(e.reshape(like.shape))


def _stacked(rows: list[Tensor], out: Tensor, x: Tensor) -> Tensor:
    shape = (*out.shape, *x.shape)
    if not rows:  # an output with no entries
        return Tensor(x.numpy().reshape(-1)[:0].reshape(0, *x.shape)).reshape(shape)
    return stack(rows).reshape(shape)


def _forward_blocks(func: Callable[..., Any], xs: Tensors, outputs: Tensors) -> list:
    """The same blocks a column at a time: one Jacobian-vector product per input entry."""
    columns: list[list[list[Tensor]]] = [[[] for _ in xs] for _ in outputs]
    for j, x in enumerate(xs):
        for k in range(x.numel()):
            vs = tuple(_onehot(y, k) if i == j else zeros_like(y) for i, y in enumerate(xs))
            for i, col in enumerate(_jvp_of(outputs, xs, vs, False)):
                columns[i][j].append(zeros_like(outputs[i]) if col is None else col)
    return [
        [stack(cols, dim=-1).reshape(*o.shape, *x.shape) for cols, x in zip(row, xs, strict=True)]
        for row, o in zip(columns, outputs, strict=True)
    ]


def _nested(blocks: list[list[Tensor]], create_graph: bool, out_tuple: bool, in_tuple: bool) -> Any:
    rows = [_finish(row, create_graph, in_tuple) for row in blocks]
    return tuple(rows) if out_tuple else rows[0]


def jacobian(
    func: Callable[..., Any],
    inputs: Tensor | Tensors,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of ``func`` at ``inputs``: ``J[i][j]`` = ∂output_i/∂input_j.

    Block (i, j) has shape ``output_i.shape + input_j.shape``. The result is a tensor for
    one input and one output, a tuple over the inputs (or the outputs) where only they are a
    tuple, and a tuple of tuples ``J[i][j]`` where both are. ``vectorize`` is accepted for
    PyTorch's sake (the loop is the same either way); ``strategy="forward-mode"`` (which
    PyTorch allows only with ``vectorize=True``) builds the Jacobian a column at a time.

    Args:
        func: a function of the input tensors returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        create_graph: keep the Jacobian in the graph (differentiable in ``inputs``).
        strict: raise if an output does not depend on an input, instead of giving zeros.
        vectorize: accepted; no effect on the result.
        strategy: ``"reverse-mode"`` (a row per output entry) or ``"forward-mode"``.

    Raises:
        TypeError: ``inputs`` or the outputs are not tensors (or tuples of them).
        AssertionError: an unknown ``strategy`` (PyTorch's exception type).
        NotImplementedError: ``"forward-mode"`` without ``vectorize=True`` or with
            ``create_graph=True``, as PyTorch.
        RuntimeError: ``strict=True`` with ``vectorize=True``, as PyTorch.

    Examples:
        >>> x = tg.tensor([1.0, 2.0])
        >>> tg.autograd.functional.jacobian(lambda t: t**2 * t.sum(), x)
        tensor([[ 7.,  1.],
                [ 4., 16.]])
    """
    _check_strategy(strategy, vectorize, create_graph, strict)
    with enable_grad():
        is_tuple, xs = _as_tuple(inputs, "inputs", "jacobian")
        xs = _prepare(xs, create_graph)
        is_out_tuple, outputs = _as_tuple(func(*xs), "outputs of the function", "jacobian")
        if strategy == "forward-mode":
            blocks = _forward_blocks(func, xs, outputs)
        else:
            blocks = _reverse_blocks(outputs, xs, create_graph, strict)
    return _nested(blocks, create_graph, is_out_tuple, is_tuple)


def _check_strategy(strategy: str, vectorize: bool, create_graph: bool, strict: bool) -> None:
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            f'jacobian: strategy must be "forward-mode" or "reverse-mode", got {strategy!r}'
        )
    if vectorize and strict:
        raise RuntimeError("jacobian: strict=True and vectorize=True are not supported together")
    if strategy == "forward-mode" and create_graph:
        raise NotImplementedError(
            'jacobian: create_graph=True and strategy="forward-mode" are not supported together'
        )
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError('jacobian: strategy="forward-mode" needs vectorize=True')


def _scalar_output(func: Callable[..., Any], xs: Tensors, op: str) -> Tensor:
    out = func(*xs)
    if not isinstance(out, Tensor):
        raise RuntimeError(f"{op}: the function should return a single Tensor, not {type(out)}")
    if out.numel() != 1:
        raise RuntimeError(
            f"{op}: the Tensor returned by the function should have a single element, "
            f"but has shape {out.shape}"
        )
    return out


def hessian(
    func: Callable[..., Any],
    inputs: Tensor | Tensors,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar function: ``H[i][j]`` = ∂²func/∂input_i∂input_j.

    The Jacobian of the gradient (taken with ``create_graph=True``); block (i, j) has shape
    ``input_i.shape + input_j.shape``: a tensor for one input, a tuple of tuples for a
    tuple of inputs.

    Args:
        func: a function of the input tensors returning a one-element tensor.
        inputs: a tensor or a tuple of tensors.
        create_graph: keep the Hessian in the graph.
        strict: raise if the gradient does not depend on an input, instead of giving zeros.
        vectorize: accepted; no effect on the result.
        outer_jacobian_strategy: ``jacobian``'s ``strategy`` for the outer Jacobian.

    Raises:
        RuntimeError: ``func`` does not return a one-element tensor.

    Examples:
        >>> x = tg.tensor([1.0, 2.0])
        >>> tg.autograd.functional.hessian(lambda t: (t**3).sum() + t[0] * t[1], x)
        tensor([[ 6.,  1.],
                [ 1., 12.]])
    """
    is_tuple, xs = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*ys: Tensor) -> Tensors:
        out = _scalar_output(func, ys, "hessian")
        found = grad(out, ys, create_graph=True, allow_unused=True) if out.requires_grad else None
        return tuple(_filled(found or [None] * len(ys), ys, strict, "hessian", "input"))

    blocks = jacobian(gradient, xs, create_graph, strict, vectorize, outer_jacobian_strategy)
    return blocks if is_tuple else blocks[0][0]


def _second_order(
    op: str, func: Callable[..., Any], inputs: Any, v: Any, create_graph: bool
) -> tuple[bool, Tensors, Tensor, Tensors, list[Tensor | None]]:
    """The common start of ``vhp`` and ``hvp``: inputs, output, v and the gradient (in the
    graph)."""
    is_tuple, xs = _as_tuple(inputs, "inputs", op)
    xs = _prepare(xs, create_graph)
    vs = _default_v(xs, op, "the input") if v is None else _check_v(v, xs, is_tuple, op)
    out = _scalar_output(func, xs, op)
    gs = _weighted_grad((out,), [None], xs, create_graph=True)
    return is_tuple, xs, out, vs, gs


def vhp(
    func: Callable[..., Any],
    inputs: Tensor | Tensors,
    v: Tensor | Tensors | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Tensor, Any]:
    """``(func(*inputs), vᵀ H)``: a vector-Hessian product of a scalar function, two backward
    passes and never the whole Hessian.

    Args:
        func: a function of the input tensors returning a one-element tensor.
        inputs: a tensor or a tuple of tensors.
        v: one tensor per input, of its shape; may be ``None`` for a one-element input.
        create_graph: keep the results in the graph.
        strict: raise if the gradient does not depend on an input, instead of giving zeros.

    Examples:
        >>> x = tg.tensor([1.0, 2.0])
        >>> tg.autograd.functional.vhp(lambda t: (t**3).sum(), x, tg.tensor([1.0, 1.0]))
        (tensor(9.), tensor([ 6., 12.]))
    """
    with enable_grad():
        is_tuple, xs, out, vs, gs = _second_order("vhp", func, inputs, v, create_graph)
        live = [(g, w) for g, w in zip(gs, vs, strict=True) if g is not None]
        found = _weighted_grad(tuple(g for g, _ in live), [w for _, w in live], xs, create_graph)
        result = _filled(found, xs, strict, "vhp", "input")
    return _finish((out,), create_graph, False), _finish(result, create_graph, is_tuple)


def hvp(
    func: Callable[..., Any],
    inputs: Tensor | Tensors,
    v: Tensor | Tensors | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Tensor, Any]:
    """``(func(*inputs), H v)``: a Hessian-vector product of a scalar function.

    The Jacobian-vector product of the gradient (the double-backward trick, as PyTorch);
    H is symmetric for a twice continuously differentiable ``func``, so it equals ``vhp``'s
    result up to rounding. The arguments are ``vhp``'s.

    Examples:
        >>> x = tg.tensor([1.0, 2.0])
        >>> tg.autograd.functional.hvp(lambda t: t[0] ** 2 * t[1], x, tg.tensor([1.0, 0.0]))
        (tensor(2.), tensor([4., 2.]))
    """
    with enable_grad():
        is_tuple, xs, out, vs, gs = _second_order("hvp", func, inputs, v, create_graph)
        # H v = J_∇ v, the gradient's Jacobian (a missing gradient: zeros, a constant)
        filled = tuple(zeros_like(x) if g is None else g for g, x in zip(gs, xs, strict=True))
        found = _jvp_of(filled, xs, vs, create_graph)
        result = _filled(found, xs, strict, "hvp", "input")
    return _finish((out,), create_graph, False), _finish(result, create_graph, is_tuple)
