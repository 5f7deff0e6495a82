"""The command line: ``tinygrad4h03 SUBCOMMAND`` (also ``python -m tinygrad4h03``)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .value import Value


def demo(args: argparse.Namespace) -> int:
    """A scalar graph, differentiated: the first thing a student runs."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    d = (a * b + a**2).tanh()
    d.backward()
    print("d = tanh(a*b + a**2) with a = 2, b = -3")
    print(f"d     = {d.data:.6f}")
    print(f"dd/da = {a.grad:.6f}")
    print(f"dd/db = {b.grad:.6f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tinygrad4h03",
        description="A small autograd framework and the lecture's deep-network example.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo_parser = commands.add_parser("demo", help="differentiate a small scalar expression")
    demo_parser.set_defaults(run=demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)
