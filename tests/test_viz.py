"""``tg.viz``: the recorded graph as DOT text, and drawing it with (or without) Graphviz."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import numpy as np
import pytest

import tinygrad4h03 as tg
from tinygrad4h03 import viz


def _nodes(dot: str) -> dict[str, str]:
    """node id → label text."""
    return dict(re.findall(r'^\s*(n\d+) \[label="([^"]*)"', dot, flags=re.M))


def _edges(dot: str) -> list[tuple[str, str, str]]:
    """(parent, child, position label or '') in the order written."""
    found = re.findall(r'^\s*(n\d+) -> (n\d+)(?: \[label="(\d+)"\])?;', dot, flags=re.M)
    return [(a, b, c) for a, b, c in found]


def _by_title(dot: str) -> dict[str, str]:
    """first label line (the op, or leaf/constant) → node id."""
    return {label.split("\\n")[0]: node for node, label in _nodes(dot).items()}


def test_one_node_per_tensor_with_op_shape_dtype_and_grad() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    w = tg.tensor(np.ones((3, 2)), requires_grad=True)
    y = (w @ x).relu().sum()
    y.backward()
    dot = viz.to_dot(y)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    labels = _nodes(dot)
    assert len(labels) == 5  # x, w, matmul, relu, sum
    titles = _by_title(dot)
    assert set(titles) == {"leaf", "matmul", "relu", "sum"}
    matmul = labels[titles["matmul"]]
    assert "shape (3,)" in matmul and "float64" in matmul and "grad: no" in matmul
    leaves = [label for label in labels.values() if label.startswith("leaf")]
    assert all("grad: yes" in label for label in leaves)
    assert {re.search(r"float\d+", label).group() for label in leaves} == {"float32", "float64"}


def test_edges_run_from_operands_to_result_in_argument_order() -> None:
    a = tg.tensor(1.0, requires_grad=True)  # shape (): told apart from b by its shape
    b = tg.tensor([2.0, 3.0], requires_grad=True)
    dot = viz.to_dot(b - a)  # argument 0 is b
    labels = _nodes(dot)
    sub = _by_title(dot)["sub"]
    into_sub = {position: parent for parent, child, position in _edges(dot) if child == sub}
    assert "shape (2,)" in labels[into_sub["0"]] and "shape ()" in labels[into_sub["1"]]
    order = list(labels)  # parents are written before their children
    assert order.index(into_sub["0"]) < order.index(sub)
    assert order.index(into_sub["1"]) < order.index(sub)


def test_leaves_constants_and_results_are_styled_differently() -> None:
    x = tg.tensor([1.0], requires_grad=True)
    c = tg.tensor([3.0])
    dot = viz.to_dot(x * c)
    lines = {line.split(" [")[0].strip(): line for line in dot.splitlines() if "[label=" in line}
    styles = {line.split("\\n")[0].split('"')[-1]: line for line in lines.values()}
    assert "filled" in styles["leaf"] and "box" in styles["leaf"]
    assert "dashed" in styles["constant"]
    assert "ellipse" in styles["mul"]


def test_a_node_used_twice_is_drawn_once_with_two_edges() -> None:
    x = tg.tensor(2.0, requires_grad=True)
    dot = viz.to_dot(x * x)
    assert len(_nodes(dot)) == 2
    assert [position for *_, position in _edges(dot)] == ["0", "1"]


def test_deep_graphs_need_no_recursion() -> None:
    x = tg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(5_000):
        y = y * 1.0
    dot = viz.to_dot(y)
    assert len(_nodes(dot)) == 5_001 and len(_edges(dot)) == 5_000


def test_value_graphs_show_label_data_and_grad() -> None:
    a = tg.Value(2.0, label="a")
    b = tg.Value(-3.0, label="b")
    c = (a * b).tanh()
    c.backward()
    dot = viz.to_dot(c)
    labels = list(_nodes(dot).values())
    assert len(labels) == 4
    assert any(label.startswith("a\\ndata 2") for label in labels)
    assert any(label.startswith("b\\ndata -3") for label in labels)


def test_labels_are_escaped() -> None:
    a = tg.Value(1.0, label='say "hi"\\')
    dot = viz.to_dot(a + 1)
    assert 'say \\"hi\\"\\\\' in dot


def test_draw_writes_dot_text_without_graphviz(tmp_path: Path) -> None:
    y = (tg.tensor([1.0, 2.0], requires_grad=True) * 2).sum()
    path = viz.draw(y, tmp_path / "graph.dot")
    assert path.read_text() == viz.to_dot(y)


def test_draw_without_dot_says_graphviz_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    y = tg.tensor(1.0, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="Graphviz's `dot` program is not installed") as error:
        viz.draw(y, tmp_path / "graph.svg")
    assert ".dot" in str(error.value) and "viewer" in str(error.value)


def test_draw_runs_dot_when_it_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in `dot` that records its arguments and copies stdin to the -o file.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dot"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{tmp_path}/args"\n'
        'while [ "$1" != "-o" ]; do shift; done\n'
        'cat > "$2"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bin_dir) + os.pathsep + os.environ.get("PATH", ""))
    y = tg.tensor(1.0, requires_grad=True).exp()
    out = viz.draw(y, tmp_path / "graph.png")
    assert out.read_text() == viz.to_dot(y)
    assert (tmp_path / "args").read_text().startswith("-Tpng -o")


def test_draw_rejects_unknown_extensions(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.svg"):
        viz.draw(tg.tensor(1.0) * 2, tmp_path / "graph.txt")


def test_available_as_tg_viz() -> None:
    assert tg.viz.to_dot is viz.to_dot
