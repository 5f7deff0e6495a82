"""Draw the guide's pictures into docs/img/ — every picture on the site comes from here.

    python docs/pictures.py                 # all of them
    python docs/pictures.py graphs digits   # some of them

- ``graphs``: the computation graphs of ``tg.viz`` (a scalar expression and one layer of the
  lecture's network with its loss), as ``.dot`` text and, when Graphviz's ``dot`` is
  installed, ``.svg``. The tests check that the committed ``.dot`` files are still what the
  code draws, so the pictures cannot go stale unnoticed.
- ``digits``: ``tinygrad4h03 digits --plot``: the lecture network's loss curve and the five
  digits with their class probabilities (needs matplotlib).
- ``performance``: ``benchmarks/plot.py`` over the recorded reference run (needs matplotlib).
- ``dropout``, ``vanishing``, ``conv``: ``tinygrad4h03 digits --hidden sigmoid --dropout 0.2``,
  ``tinygrad4h03 vanishing`` and ``tinygrad4h03 conv``, each with ``--plot`` (needs matplotlib).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import tinygrad4h03 as tg

DOCS = Path(__file__).resolve().parent
IMG = DOCS / "img"
REFERENCE_RUN = DOCS.parent / "benchmarks" / "results" / "reference-run.json"


def scalar_expression() -> tg.Value:
    """The tutorial's first expression, d = tanh(a·b + a²), after ``backward()``; every
    intermediate result is labelled with the operation that made it."""
    a, b = tg.Value(2.0, label="a"), tg.Value(-3.0, label="b")
    ab = a * b
    ab.label = "a·b"
    a2 = a**2
    a2.label = "a²"
    c = ab + a2
    c.label = "c = a·b + a²"
    d = c.tanh()
    d.label = "d = tanh(c)"
    d.backward()
    return d


def layer_with_loss() -> tg.Tensor:
    """One ReLU layer of the lecture's network and a cross-entropy loss on one sample:
    ℰ = cross_entropy(relu(x Wᵀ + b), t)."""
    x = tg.tensor([[1.0, -2.0, 0.5]])
    W = tg.full((2, 3), 0.1, requires_grad=True)
    b = tg.zeros(2, requires_grad=True)
    loss = tg.nn.functional.cross_entropy((x @ W.T + b).relu(), tg.tensor([1]))
    loss.backward()
    return loss


GRAPHS = {"graph-scalar": scalar_expression, "graph-layer": layer_with_loss}


def draw_graphs(out: Path) -> list[Path]:
    written = []
    for name, build in GRAPHS.items():
        root = build()
        written.append(tg.viz.draw(root, out / f"{name}.dot"))
        if shutil.which("dot"):
            written.append(tg.viz.draw(root, out / f"{name}.svg"))
        else:
            print(f"{name}.svg not redrawn: Graphviz's `dot` is not installed", file=sys.stderr)
    return written


def draw_digits(out: Path) -> list[Path]:
    path = out / "digits.png"
    command = [sys.executable, "-m", "tinygrad4h03", "digits", "--plot", str(path)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return [path]


def draw_performance(out: Path) -> list[Path]:
    path = out / "performance.png"
    plot = DOCS.parent / "benchmarks" / "plot.py"
    subprocess.run(
        [sys.executable, str(plot), str(REFERENCE_RUN), "--out", str(path)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return [path]


def _command_picture(out: Path, name: str, *arguments: str) -> list[Path]:
    """``tinygrad4h03 ARGUMENTS --plot out/NAME``: a picture the command line draws."""
    path = out / name
    command = [sys.executable, "-m", "tinygrad4h03", *arguments, "--plot", str(path)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return [path]


def draw_dropout(out: Path) -> list[Path]:
    return _command_picture(
        out,
        "dropout.png",
        "digits",
        "--hidden",
        "sigmoid",
        "--dropout",
        "0.2",
        "--method",
        "deltarule",
        "--quiet",
    )


def draw_vanishing(out: Path) -> list[Path]:
    return _command_picture(out, "vanishing.png", "vanishing")


def draw_conv(out: Path) -> list[Path]:
    return _command_picture(out, "conv.png", "conv", "--method", "deltarule", "--quiet")


PICTURES = {
    "graphs": draw_graphs,
    "digits": draw_digits,
    "performance": draw_performance,
    "dropout": draw_dropout,
    "vanishing": draw_vanishing,
    "conv": draw_conv,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="*", help=f"any of {', '.join(PICTURES)} (default: all)")
    parser.add_argument("--out", type=Path, default=IMG, help="folder (default: docs/img)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.which if name not in PICTURES]
    if unknown:
        parser.error(f"no picture named {', '.join(unknown)}; choose from {', '.join(PICTURES)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.which or PICTURES:
        for path in PICTURES[name](args.out):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
