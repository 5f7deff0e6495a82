"""viz.py: pictures of the recorded graph, the graph the chain rule walks, as Graphviz DOT.

``to_dot(t)`` needs nothing but this package; ``draw(t, "graph.svg")`` also needs the
Graphviz program ``dot`` (``apt install graphviz``, ``brew install graphviz``, ...). Without
it, write ``draw(t, "graph.dot")`` or print ``to_dot(t)`` and paste the text into any
Graphviz viewer.

Each tensor is one node: the operation that made it (``t.grad_fn``), its shape and dtype,
and whether it holds a ``.grad``. Leaves are boxes (filled when they require grad);
results of operations are ellipses. Edges run from each operand to its result, in argument
order, numbered when an operation has several operands (``a - b``: 0 is ``a``). A scalar
``tg.Value`` graph is drawn the same way, with its ``label``, ``data`` and ``grad``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from .tensor import Tensor
from .value import Value

Node = Tensor | Value

_FORMATS = ("svg", "png", "pdf")
_LEAF_STYLE = 'shape=box, style="rounded,filled", fillcolor="#cfe2f3"'
_CONSTANT_STYLE = 'shape=box, style="rounded,dashed"'
_OP_STYLE = "shape=ellipse"


def to_dot(root: Node, *, rankdir: str = "LR", name: str = "graph") -> str:
    """The graph that ``root`` was computed by, as the text of a Graphviz ``digraph``.

    Nodes appear parents first; the walk is iterative, so deep graphs are fine. Node styles
    and labels are described in the module docstring.

    Args:
        root: a ``Tensor`` or ``Value``; everything it was computed from is drawn.
        rankdir: Graphviz's layout direction (``"LR"``: inputs on the left, ``"TB"``: on top).
        name: the name of the ``digraph``.

    Returns:
        The DOT text, ending in a newline.

    Examples:
        >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
        >>> text = to_dot((x * x).sum())
        >>> [line.strip() for line in text.splitlines() if "->" in line]
        ['n0 -> n1 [label="0"];', 'n0 -> n1 [label="1"];', 'n1 -> n2;']
    """
    nodes = _graph_nodes(root)
    ids = {id(node): f"n{i}" for i, node in enumerate(nodes)}
    lines = [f"digraph {_quote(name)} {{", f"  rankdir={rankdir};"]
    lines.append('  node [fontname="Helvetica"];')
    for node in nodes:
        lines.append(f"  {ids[id(node)]} [label={_quote(_label(node))}, {_style(node)}];")
    for node in nodes:
        lines.extend(_edges(node, ids))
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw(root: Node, path: str | Path, *, rankdir: str = "LR") -> Path:
    """Write the graph of ``root`` to ``path``, as DOT text or as a picture made by Graphviz.

    The format comes from the file extension: ``.dot``/``.gv`` write the text of ``to_dot``
    (no Graphviz needed); ``.svg``/``.png``/``.pdf`` run Graphviz's ``dot`` program.

    Args:
        root: a ``Tensor`` or ``Value``; everything it was computed from is drawn.
        path: the file to write; its extension picks the format.
        rankdir: Graphviz's layout direction (``"LR"`` or ``"TB"``).

    Returns:
        The path written, as a ``Path``.

    Raises:
        RuntimeError: a picture was asked for and ``dot`` is not installed, or it failed (the
            DOT text still works: write a ``.dot`` file, or paste ``to_dot(t)`` into any
            Graphviz viewer).
        ValueError: the file extension is none of the above.

    Examples:
        >>> import pathlib, tempfile
        >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = draw((x * 2).sum(), pathlib.Path(folder) / "graph.dot")
        ...     print(path.name, path.read_text().startswith("digraph"))
        graph.dot True
    """
    path = Path(path)
    text = to_dot(root, rankdir=rankdir)
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("dot", "gv"):
        path.write_text(text)
        return path
    if suffix not in _FORMATS:
        raise ValueError(
            f"draw: cannot tell the format from {path.name!r}; use a name ending in "
            ".svg, .png, .pdf, or .dot for the DOT text"
        )
    _run_dot(text, suffix, path)
    return path


def _run_dot(text: str, fmt: str, path: Path) -> None:
    program = shutil.which("dot")
    if program is None:
        raise RuntimeError(
            f"draw: Graphviz's `dot` program is not installed (not found on PATH), so {path.name} "
            "cannot be rendered. Install Graphviz (e.g. `apt install graphviz` or "
            "`brew install graphviz`), or write the DOT text instead with "
            "tg.viz.draw(t, 'graph.dot') or print(tg.viz.to_dot(t)) and paste it into any "
            "Graphviz viewer."
        )
    result = subprocess.run(
        [program, f"-T{fmt}", "-o", str(path)],
        input=text.encode(),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"draw: `dot` failed: {result.stderr.decode(errors='replace').strip()}")


# --------------------------------------------------------------------------- the walk


def _graph_nodes(root: Node) -> list[Node]:
    """Every node ``root`` depends on, parents before children (an explicit stack)."""
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        parents: tuple[Node, ...] = node._parents
        stack.extend((parent, False) for parent in reversed(parents))
    return order


def _edges(node: Node, ids: dict[int, str]) -> list[str]:
    parents = node._parents
    numbered = len(parents) > 1
    lines = []
    for position, parent in enumerate(parents):
        label = f' [label="{position}"]' if numbered else ""
        lines.append(f"  {ids[id(parent)]} -> {ids[id(node)]}{label};")
    return lines


# --------------------------------------------------------------------------- labels


def _label(node: Node) -> str:
    if isinstance(node, Value):
        return _value_label(node)
    if node.grad_fn is not None:
        title = node.grad_fn.name
    else:
        title = "leaf" if node.requires_grad else "constant"
    dtype = str(node.dtype)
    grad = "yes" if node.grad is not None else "no"
    return f"{title}\nshape {tuple(node.shape)}  {dtype}\ngrad: {grad}"


def _value_label(node: Value) -> str:
    title = node.label or ("leaf" if not node._parents else "value")
    return f"{title}\ndata {node.data:.4g}\ngrad {node.grad:.4g}"


def _style(node: Node) -> str:
    if node._parents:
        return _OP_STYLE
    if isinstance(node, Value) or node.requires_grad:
        return _LEAF_STYLE
    return _CONSTANT_STYLE


def _quote(text: Any) -> str:
    """A DOT string literal (backslashes and quotes escaped, newlines as ``\\n``)."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
