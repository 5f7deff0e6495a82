"""cli.py: the command line, ``tinygrad4h03 SUBCOMMAND`` (also ``python -m tinygrad4h03``).

- ``demo`` differentiates a small scalar expression with ``Value``.
- ``digits`` trains the lecture's 25-20-20-20-5 network on the five 5×5 digits and shows them
  with their class probabilities.
- ``compare`` puts autograd's ∂E/∂W beside the lecture's delta rule, layer by layer, and exits
  with status 1 on a disagreement.

This file only parses arguments and prints; the shared logic is in ``lecture.py``. Every
option is documented in ``docs/cli.md``.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import data, lecture
from .value import Value

NOISE_FLIPS = (1, 2, 3)  # pixels flipped per noisy copy, one accuracy figure each
BAR_WIDTH = 20  # characters of a probability bar at p = 1


# --- argument types: a bad value exits with status 2 and says what was wrong ---------------------


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _positive_count(text: str) -> int:
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


# --- demo ----------------------------------------------------------------------------------------


def demo(args: argparse.Namespace) -> int:
    """The ``demo`` command: a scalar graph d = tanh(a·b + a²), differentiated by ``Value``.

    By the chain rule ∂d/∂a = (1 − d²)(b + 2a) and ∂d/∂b = (1 − d²) a; ``d.backward()`` gets
    both in one sweep. The first thing a student runs.

    Args:
        args: the parsed arguments (``demo`` takes none).

    Returns:
        The exit status, 0.

    Examples:
        >>> demo(argparse.Namespace())
        d = tanh(a*b + a**2) with a = 2, b = -3
        d     = -0.964028
        dd/da = 0.070651
        dd/db = 0.141302
        0
    """
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    d = (a * b + a**2).tanh()
    d.backward()
    print("d = tanh(a*b + a**2) with a = 2, b = -3")
    print(f"d     = {d.data:.6f}")
    print(f"dd/da = {a.grad:.6f}")
    print(f"dd/db = {b.grad:.6f}")
    return 0


# --- digits --------------------------------------------------------------------------------------


def _import_pyplot() -> Any:
    """matplotlib's pyplot with a file-only backend (the optional extra ``plot``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _progress_bar(epochs: int) -> Any:
    """A tqdm bar over the epochs, on stderr so that stdout keeps only the results."""
    from tqdm import tqdm

    return tqdm(total=epochs, desc="training", unit="epoch", file=sys.stderr)


def _describe_run(args: argparse.Namespace) -> list[str]:
    bias = "with biases" if args.bias else "no biases"
    init = "uniform (-1, 1), MATLAB's 2*rand-1" if args.init == "lecture" else "He normal"
    steps = "per-sample updates" if args.batch_size == 1 else f"mini-batches of {args.batch_size}"
    return [
        f"the lecture's network 25-20-20-20-5: {lecture.LECTURE.describe()}, {bias}",
        f"init {args.init} ({init}), seed {args.seed}, lr {args.lr:g}, {args.epochs} epochs of "
        f"{steps} in order 1..5, engine {args.engine}",
        f"digits: {args.variant} drawings, pixels unpacked "
        f"{'column by column (F)' if args.order == 'F' else 'row by row (C)'}",
    ]


def digit_report(x: np.ndarray, label: int, p: np.ndarray, order: str) -> str:
    """One digit as a 5×5 picture, its prediction and each class probability with a bar.

    The prediction is argmax_i p_i; each bar has ``round(20 p_i)`` blocks.

    Args:
        x: the unpacked image, ``(25,)``.
        label: its class index 0 … 4.
        p: the network's output y^(L) for it, ``(5,)`` class probabilities.
        order: the order ``x`` was unpacked in, ``"C"`` or ``"F"``.

    Returns:
        Six lines of text.

    Examples:
        >>> X, labels = data.lecture_digits()
        >>> print(digit_report(X[0], 0, np.array([0.9, 0.1, 0.0, 0.0, 0.0]), "C"))
        digit 1: predicted 1 (right)
          ·██··   p(1) = 0.9000 ██████████████████
          ··█··   p(2) = 0.1000 ██
          ··█··   p(3) = 0.0000
          ··█··   p(4) = 0.0000
          ·███·   p(5) = 0.0000
    """
    predicted = int(np.argmax(p))
    verdict = "right" if predicted == label else "WRONG"
    lines = [f"digit {data.DIGITS[label]}: predicted {data.DIGITS[predicted]} ({verdict})"]
    picture = data.digit_picture(x, order=order).splitlines()
    for row, digit, prob in zip(picture, data.DIGITS, p, strict=True):
        bar = "█" * round(BAR_WIDTH * float(prob))
        lines.append(f"  {row}   p({digit}) = {prob:.4f} {bar}".rstrip())
    return "\n".join(lines)


def _noisy_accuracies(run: lecture.DigitsRun, copies: int, seed: int) -> list[float]:
    """Accuracy on ``copies`` noisy copies of each digit, for each count of flipped pixels."""
    accuracies = []
    for flips in NOISE_FLIPS:
        Xn, yn = data.noisy_copies(run.X, run.labels, copies, flips, seed=seed)
        accuracies.append(run.accuracy(Xn, yn))
    return accuracies


def _summary(run: lecture.DigitsRun, args: argparse.Namespace) -> list[str]:
    right = int(np.sum(run.probabilities.argmax(axis=1) == run.labels))
    p_right = run.probabilities[np.arange(len(run.labels)), run.labels]
    noisy = _noisy_accuracies(run, args.noise_copies, args.seed)
    figures = ", ".join(
        f"{flips} pixel{'s' * (flips > 1)} flipped {100 * acc:.1f} %"
        for flips, acc in zip(NOISE_FLIPS, noisy, strict=True)
    )
    return [
        f"final loss {run.losses[-1][1]:.6g} (mean cross-entropy over the five digits), "
        f"training took {run.seconds:.1f} s",
        f"training digits: {right}/5 right, smallest probability of the right digit "
        f"{p_right.min():.4f}",
        f"noisy copies ({args.noise_copies} per digit, seed {args.seed}): {figures}",
    ]


def save_plot(run: lecture.DigitsRun, path: str, order: str, plt: Any) -> None:
    """The loss curve and each digit with its class probabilities, as one PNG (``digits --plot``).

    Args:
        run: a trained run from ``lecture.train_digits``.
        path: where to write the PNG.
        order: the order the run's images were unpacked in, ``"C"`` or ``"F"``.
        plt: ``matplotlib.pyplot`` (the command line imports it with the file-only Agg backend).

    Examples:
        >>> import os, tempfile
        >>> run = lecture.train_digits(epochs=2, engine="deltarule")
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     plt = _import_pyplot()   # matplotlib.pyplot with the Agg backend
        ...     save_plot(run, os.path.join(folder, "digits.png"), "F", plt)
        ...     print(os.listdir(folder))
        ['digits.png']
    """
    fig = plt.figure(figsize=(11, 7), layout="constrained")
    grid = fig.add_gridspec(3, 5, height_ratios=(1.3, 1, 0.8))
    ax = fig.add_subplot(grid[0, :])
    epochs, losses = zip(*run.losses, strict=True)
    ax.semilogy(epochs, losses)
    ax.set(xlabel="epoch", ylabel="mean loss over the five digits", title="training loss")
    classes = [str(d) for d in data.DIGITS]
    for k, (x, p) in enumerate(zip(run.X, run.probabilities, strict=True)):
        best = int(np.argmax(p))
        image = fig.add_subplot(grid[1, k])
        image.imshow(x.reshape(5, 5, order=order), cmap="Greys", vmin=0, vmax=1)
        image.set_xticks([])
        image.set_yticks([])
        image.set_title(f"digit {data.DIGITS[k]}: predicted {data.DIGITS[best]}")
        bars = fig.add_subplot(grid[2, k])
        colours = ["tab:green" if c == k else "tab:gray" for c in range(len(p))]
        bars.bar(classes, p, color=colours)
        bars.set_ylim(0, 1.2)
        bars.set_yticks([0, 0.5, 1])
        bars.set_xlabel("class (green: the right one)" if k == 2 else "class")
        bars.set_ylabel("probability" if k == 0 else "")
        bars.text(k, p[k] + 0.04, f"{p[k]:.4f}", ha="center", fontsize=8)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def digits(args: argparse.Namespace) -> int:
    """The ``digits`` command: train the lecture's network, then show each digit's probabilities.

    Trains the 25-20-20-20-5 network with ``lecture.train_digits`` (per-sample SGD,
    W ← W + α δ yᵀ), prints the settings and each digit with `digit_report` unless ``--quiet``,
    then a summary: the final loss, how many training digits are right, and the accuracy on
    seeded noisy copies with 1, 2 and 3 pixels flipped. ``--plot FILE.png`` also calls
    `save_plot`.

    Args:
        args: the parsed ``digits`` arguments (see `build_parser`).

    Returns:
        The exit status: 0, or 1 when ``--plot`` needs matplotlib and it is missing.

    Examples:
        >>> args = build_parser().parse_args(["digits", "--epochs", "2", "--quiet",
        ...                                   "--engine", "deltarule", "--noise-copies", "1"])
        >>> digits(args)
        final loss ... (mean cross-entropy over the five digits), training took ... s
        training digits: 3/5 right, smallest probability of the right digit ...
        noisy copies (1 per digit, seed 0): ...
        0
    """
    plt = None
    if args.plot:
        try:
            plt = _import_pyplot()
        except ImportError:
            print("tinygrad4h03 digits: --plot needs matplotlib, which is not installed; "
                  "install it with: python -m pip install 'tinygrad4h03[plot]'", file=sys.stderr)
            return 1
    if not args.quiet:
        print("\n".join(_describe_run(args)))
    run = lecture.train_digits(
        epochs=args.epochs, lr=args.lr, seed=args.seed, init=args.init, bias=args.bias,
        batch_size=args.batch_size, engine=args.engine, order=args.order,
        variant=args.variant, progress=None if args.quiet else _progress_bar,
    )
    if not args.quiet:
        for x, label, p in zip(run.X, run.labels, run.probabilities, strict=True):
            print()
            print(digit_report(x, int(label), p, args.order))
        print()
    print("\n".join(_summary(run, args)))
    if plt is not None:
        save_plot(run, args.plot, args.order, plt)
        print(f"plot saved to {args.plot}")
    return 0


# --- compare -------------------------------------------------------------------------------------


def _table(rows: list[lecture.LayerComparison]) -> str:
    header = (f"{'configuration':<15} {'param':<5} {'autograd |dE/dP|':>17} "
              f"{'delta rule |dE/dP|':>19} {'max |diff|':>10} {'tolerance':>9}")
    lines = [header, "-" * (len(header) + 6)]
    for r in rows:
        lines.append(
            f"{r.config:<15} {r.parameter:<5} {r.autograd_norm:>17.10e} {r.deltarule_norm:>19.10e} "
            f"{r.max_diff:>10.1e} {r.tolerance:>9.1e}  {'ok' if r.ok else 'FAIL'}"
        )
    return "\n".join(lines)


def _naive_report(seed: int) -> str:
    """The naive elementwise softmax + SSE δ^(L) beside autograd's, for each digit."""
    config = lecture.CONFIGS["sse-softmax"]
    weights, biases = lecture.comparison_network(config, seed)
    X, labels = data.lecture_digits(order="F")
    lines = ["softmax + SSE, output layer delta^(L) = -dE/dv^(L) of each digit "
             f"({config.arch.describe()}):",
             f"{'digit':>5} {'max |autograd|':>15} {'Jacobian off by':>16} {'naive off by':>13}"]
    worst = 0.0
    for x, y, label in zip(X, data.one_hot(labels), labels, strict=True):
        check = lecture.naive_softmax_check(weights, biases, x, y, config.arch.hidden)
        naive_off = float(np.max(np.abs(check.naive - check.autograd)))
        worst = max(worst, naive_off)
        lines.append(f"{data.DIGITS[label]:>5} {np.max(np.abs(check.autograd)):>15.4e} "
                     f"{np.max(np.abs(check.jacobian - check.autograd)):>16.1e} {naive_off:>13.1e}")
    check = lecture.naive_softmax_check(weights, biases, X[0], data.one_hot(labels)[0],
                                        config.arch.hidden)
    with np.printoptions(precision=5, suppress=False):
        lines += [
            "digit 1 in full:",
            f"  autograd            {check.autograd}",
            f"  Jacobian J(v)^T eps {check.jacobian}",
            f"  naive s(1-s) * eps  {check.naive}",
            f"the naive elementwise formula is off by up to {worst:.3g}: it keeps only the "
            "diagonal of J = diag(s) - s s^T",
        ]
    return "\n".join(lines)


def compare(args: argparse.Namespace) -> int:
    """The ``compare`` command: autograd's gradient beside the delta rule's for every layer.

    For each chosen configuration, ``lecture.compare_config`` computes ∂E/∂W^(l) (and ∂E/∂b^(l))
    of each digit's loss by both engines; the table shows their norms, the largest difference
    and the tolerance ``rtol`` × the gradient's largest entry. ``--show-naive`` adds the naive
    softmax + SSE δ^(L) = s(1 − s) ⊙ ε beside autograd's.

    Args:
        args: the parsed ``compare`` arguments (see `build_parser`).

    Returns:
        The exit status: 1 if any gradient disagrees beyond the tolerance, else 0.

    Examples:
        >>> compare(build_parser().parse_args(["compare", "--configs", "lecture"]))
        dE/dW^(l) and dE/db^(l) on the lecture's 25-20-20-20-5 network, ...
        configuration   param  autograd |dE/dP|  delta rule |dE/dP| max |diff| tolerance
        ...
        lecture         W4 ... ok
        <BLANKLINE>
        all 4 gradients agree ...
        0
    """
    names = args.configs or list(lecture.CONFIGS)
    rows = [row for name in names
            for row in lecture.compare_config(lecture.CONFIGS[name], args.seed, args.rtol)]
    print(f"dE/dW^(l) and dE/db^(l) on the lecture's 25-20-20-20-5 network, weights uniform "
          f"(-1, 1) with seed {args.seed}; norms of the gradient summed over the five digits, "
          "max |diff| over the five per-sample gradients")
    print(_table(rows))
    bad = [r for r in rows if not r.ok]
    print()
    if bad:
        print(f"{len(bad)} of {len(rows)} gradients DISAGREE beyond rtol {args.rtol:g}: "
              + ", ".join(f"{r.config} {r.parameter}" for r in bad))
    else:
        worst = max(r.relative_diff for r in rows)
        print(f"all {len(rows)} gradients agree (largest difference {worst:.1e} relative to "
              f"the gradient; tolerance {args.rtol:g})")
    if args.show_naive:
        print()
        print(_naive_report(args.seed))
    return 1 if bad else 0


# --- the parser ----------------------------------------------------------------------------------


def _add_digits(commands: Any) -> None:
    parser = commands.add_parser(
        "digits",
        help="train the lecture's network on the five 5x5 digits",
        description="Train the lecture's 25-20-20-20-5 network (ReLU hidden layers, softmax "
        "output, cross-entropy) on the five 5x5 digits with per-sample SGD, then draw each "
        "digit with its prediction and class probabilities, and report the accuracy on "
        "seeded noisy copies. The book runs 10000 epochs; the default 2000 learns the digits "
        "in a few seconds.",
    )
    parser.add_argument("--epochs", type=_count, default=2000,
                        help="passes over the five digits (default 2000)")
    parser.add_argument("--lr", type=_positive_float, default=0.01,
                        help="learning rate alpha (default 0.01, as the book)")
    parser.add_argument("--seed", type=_count, default=0,
                        help="seed of the initial weights and of the noisy copies (default 0)")
    parser.add_argument("--init", choices=lecture.INITS, default="lecture",
                        help="lecture: uniform (-1, 1) as MATLAB's 2*rand-1; kaiming: He "
                        "normal N(0, 2/n_in) (default lecture)")
    parser.add_argument("--bias", action=argparse.BooleanOptionalAction, default=False,
                        help="give every layer a bias b^(l), initialised to 0 (default: no "
                        "biases, as the book)")
    parser.add_argument("--batch-size", type=_positive_count, default=1,
                        help="1: one update per digit, as the lecture; N > 1: consecutive "
                        "mini-batches of N digits with the mean loss (default 1)")
    parser.add_argument("--engine", choices=lecture.ENGINES, default="autograd",
                        help="autograd: tg.nn + tg.optim.SGD; deltarule: the lecture's "
                        "hand-derived rule (same start, same weights at the end; default "
                        "autograd)")
    parser.add_argument("--order", choices=("C", "F"), default="F",
                        help="unpack each image column by column (F: MATLAB's and the "
                        "lecture's) or row by row (C) (default F)")
    parser.add_argument("--variant", choices=("lecture", "book"), default="lecture",
                        help="the digits as the lecture or as Kim's book draws them "
                        "(default lecture)")
    parser.add_argument("--noise-copies", type=_positive_count, default=100, metavar="N",
                        help="noisy copies per digit for each of 1, 2 and 3 flipped pixels "
                        "(default 100)")
    parser.add_argument("--plot", metavar="FILE.png",
                        help="also save the loss curve and the digits with their "
                        "probabilities (needs matplotlib: pip install 'tinygrad4h03[plot]')")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar, no settings and no pictures: only the summary")
    parser.set_defaults(run=digits)


def _add_compare(commands: Any) -> None:
    listing = "\n".join(f"  {c.name:<15} {c.arch.describe()}, "
                        f"{'with' if c.bias else 'no'} biases{'; ' + c.note if c.note else ''}"
                        for c in lecture.CONFIGS.values())
    parser = commands.add_parser(
        "compare",
        help="autograd's gradients beside the lecture's delta rule, layer by layer",
        description="For the lecture's network and other configurations, compute dE/dW^(l) "
        "(and dE/db^(l)) of each digit's loss by the autograd engine (tg.nn, "
        "tg.nn.functional) and by the lecture's delta rule (tg.deltarule.gradients), and "
        "print their norms and largest difference. Exit status 1 when any difference "
        "exceeds rtol times the gradient's largest entry, 0 otherwise.",
        epilog="configurations:\n" + listing,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seed", type=_count, default=0,
                        help="seed of the random weights (default 0)")
    parser.add_argument("--configs", nargs="+", choices=list(lecture.CONFIGS), metavar="NAME",
                        help="only these configurations (default: all; see the list below)")
    parser.add_argument("--rtol", type=_positive_float, default=1e-10,
                        help="tolerance relative to the gradient's largest entry "
                        "(default 1e-10)")
    parser.add_argument("--show-naive", action="store_true",
                        help="also show the naive elementwise softmax + SSE delta, "
                        "s(1-s)*eps, and how far it is from autograd's")
    parser.set_defaults(run=compare)


def build_parser() -> argparse.ArgumentParser:
    """The ``tinygrad4h03`` parser with its subcommands ``demo``, ``digits`` and ``compare``.

    Each subcommand stores its function as ``args.run``; every option is described in
    ``docs/cli.md`` and by ``tinygrad4h03 COMMAND --help``.

    Returns:
        A new ``argparse.ArgumentParser``.

    Examples:
        >>> args = build_parser().parse_args(["digits", "--epochs", "5"])
        >>> args.epochs, args.lr, args.order, args.run is digits
        (5, 0.01, 'F', True)
    """
    parser = argparse.ArgumentParser(
        prog="tinygrad4h03",
        description="A small autograd framework and the lecture's deep-network example.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo_parser = commands.add_parser("demo", help="differentiate a small scalar expression",
                                      description="Differentiate d = tanh(a*b + a**2).")
    demo_parser.set_defaults(run=demo)
    _add_digits(commands)
    _add_compare(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``tinygrad4h03 ARGS``: parse ``argv`` and call the subcommand.

    Args:
        argv: the arguments after the program name; ``None`` reads ``sys.argv[1:]``.

    Returns:
        The exit status (argparse itself exits with status 2 on bad arguments).

    Examples:
        >>> main(["demo"])
        d = tanh(a*b + a**2) with a = 2, b = -3
        ...
        0
    """
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)
