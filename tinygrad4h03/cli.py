"""cli.py: the command line, ``tinygrad4h03 SUBCOMMAND`` (also ``python -m tinygrad4h03``).

- ``demo`` differentiates a small scalar expression with ``Value``.
- ``digits`` trains the lecture's 25-20-20-20-5 network on the five 5×5 digits and shows them
  with their class probabilities.
- ``compare`` puts autograd's ∂ℰ/∂W beside the lecture's delta rule, layer by layer, and exits
  with status 1 on a disagreement.

This file only parses arguments and prints; the shared logic is in ``lecture.py``. Every
option is documented in ``docs/cli.md``.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import data, deltarule, lecture
from .value import Value

NOISE_FLIPS = (1, 2, 3)  # pixels flipped per noisy copy, one accuracy figure each
BAR_WIDTH = 20  # characters of a probability bar at p = 1
EXPECTED_TO_DIFFER = ("dropout-book",)  # compare configurations that are not the gradient
MAX_NOISE_COPIES = 10_000  # per digit: 5 × 3 × 10,000 images of 25 pixels is 3 MB
PLOT_FORMATS = ("png", "pdf", "svg", "jpg", "jpeg", "webp", "eps", "ps", "tif", "tiff")


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


def _noise_copies(text: str) -> int:
    value = _positive_count(text)
    if value > MAX_NOISE_COPIES:
        raise argparse.ArgumentTypeError(
            f"must be at most {MAX_NOISE_COPIES} (noisy copies per digit), got {value}"
        )
    return value


def _dropout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a probability, got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"must be a probability in [0, 1), got {text}")
    return value


def _plot_file(text: str) -> Path:
    """A picture's path, checked before any training: its folder exists and matplotlib can
    write its format; without a suffix, ``.png`` is added (and the real name is printed)."""
    path = Path(text)
    if not path.suffix:
        path = path.with_suffix(".png")
    if path.suffix.lower().lstrip(".") not in PLOT_FORMATS:
        raise argparse.ArgumentTypeError(
            f"cannot draw {path.suffix!r} files; use one of "
            f"{', '.join('.' + f for f in PLOT_FORMATS)} (e.g. {path.with_suffix('.png')})"
        )
    folder = path.parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"the folder {str(folder)!r} does not exist")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{str(path)!r} is a folder, not a file name")
    return path


def _diverged(command: str, losses: Sequence[tuple[int, float]], lr: float) -> int:
    """Exit status 1 with one line on stderr when the loss is no longer finite, else 0."""
    bad = next(((epoch, loss) for epoch, loss in losses if not math.isfinite(loss)), None)
    if bad is None:
        return 0
    print(
        f"tinygrad4h03 {command}: training diverged: the loss became {bad[1]} by epoch {bad[0]} "
        f"with --lr {lr:g}; try a smaller --lr",
        file=sys.stderr,
    )
    return 1


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
    masks = {
        "exact": "exactly round(0.8 n) units kept, as the book's Dropout.m",
        "bernoulli": "each unit kept with probability 1 - p, as nn.Dropout",
    }
    dropout = f" ({args.mask} masks: {masks[args.mask]})" if args.dropout else ""
    return [
        f"the lecture's network 25-20-20-20-5: {_architecture(args).describe()}{dropout}, {bias}",
        f"init {args.init} ({init}), seed {args.seed}, lr {args.lr:g}, {args.epochs} epochs of "
        f"{steps} in order 1..5, method {args.method}",
        f"digits: {args.variant} drawings, pixels unpacked "
        f"{'column by column (F)' if args.order == 'F' else 'row by row (C)'}",
    ]


def _architecture(args: argparse.Namespace) -> lecture.Architecture:
    return lecture.Architecture(args.hidden, dropout=args.dropout)


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
        The exit status: 0; 1 when ``--plot`` needs matplotlib and it is missing, or when
        training diverged (the loss became inf or nan: one line on stderr).

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
            print(
                "tinygrad4h03 digits: --plot needs matplotlib, which is not installed; "
                "install it with: python -m pip install 'tinygrad4h03[plot]'",
                file=sys.stderr,
            )
            return 1
    if args.epochs is None:
        args.epochs = 5000 if args.dropout else 2000
    if not args.quiet:
        print("\n".join(_describe_run(args)))
    with np.errstate(all="ignore"):  # a diverging run is reported once, below
        run = lecture.train_digits(
            epochs=args.epochs,
            lr=args.lr,
            seed=args.seed,
            init=args.init,
            bias=args.bias,
            batch_size=args.batch_size,
            method=args.method,
            order=args.order,
            variant=args.variant,
            arch=_architecture(args),
            mask_kind=args.mask,
            progress=None if args.quiet else _progress_bar,
        )
    if _diverged("digits", run.losses, args.lr):
        return 1
    if not args.quiet:
        for x, label, p in zip(run.X, run.labels, run.probabilities, strict=True):
            print()
            print(digit_report(x, int(label), p, args.order))
        print()
    print("\n".join(_summary(run, args)))
    if plt is not None:
        save_plot(run, str(args.plot), args.order, plt)
        print(f"plot saved to {args.plot}")
    return 0


# --- compare -------------------------------------------------------------------------------------


def _table(rows: list[lecture.LayerComparison]) -> str:
    header = (
        f"{'configuration':<15} {'param':<5} {'autograd |dE/dP|':>17} "
        f"{'delta rule |dE/dP|':>19} {'max |diff|':>10} {'tolerance':>9}"
    )
    lines = [header, "-" * (len(header) + 6)]
    for r in rows:
        verdict = "ok" if r.ok else "FAIL"
        if r.config in EXPECTED_TO_DIFFER:
            verdict = "same" if r.ok else "differs (expected)"
        lines.append(
            f"{r.config:<15} {r.parameter:<5} {r.autograd_norm:>17.10e} {r.deltarule_norm:>19.10e} "
            f"{r.max_diff:>10.1e} {r.tolerance:>9.1e}  {verdict}"
        )
    return "\n".join(lines)


def _naive_report(seed: int) -> str:
    """The naive elementwise softmax + SSE δ^(L) beside autograd's, for each digit."""
    config = lecture.CONFIGS["sse-softmax"]
    weights, biases = lecture.comparison_network(config, seed)
    X, labels = data.lecture_digits(order="F")
    lines = [
        "softmax + SSE, output layer delta^(L) = -dE/dv^(L) of each digit "
        f"({config.arch.describe()}):",
        f"{'digit':>5} {'max |autograd|':>15} {'Jacobian off by':>16} {'naive off by':>13}",
    ]
    worst = 0.0
    for x, y, label in zip(X, data.one_hot(labels), labels, strict=True):
        check = lecture.naive_softmax_check(weights, biases, x, y, config.arch.hidden)
        naive_off = float(np.max(np.abs(check.naive - check.autograd)))
        worst = max(worst, naive_off)
        lines.append(
            f"{data.DIGITS[label]:>5} {np.max(np.abs(check.autograd)):>15.4e} "
            f"{np.max(np.abs(check.jacobian - check.autograd)):>16.1e} {naive_off:>13.1e}"
        )
    check = lecture.naive_softmax_check(
        weights, biases, X[0], data.one_hot(labels)[0], config.arch.hidden
    )
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

    For each chosen configuration, ``lecture.compare_config`` computes ∂ℰ/∂W^(l) (and ∂ℰ/∂b^(l))
    of each digit's loss by both methods; the table shows their norms, the largest difference
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
    names = args.configs or [*lecture.CONFIGS, "conv"]
    rows = [row for name in names for row in _compare_rows(name, args.seed, args.rtol)]
    print(
        f"dE/dW^(l) and dE/db^(l) on the lecture's 25-20-20-20-5 network, weights uniform "
        f"(-1, 1) with seed {args.seed}; norms of the gradient summed over the five digits, "
        "max |diff| over the five per-sample gradients"
    )
    print(_table(rows))
    bad = [r for r in rows if not r.ok and r.config not in EXPECTED_TO_DIFFER]
    rows = [r for r in rows if r.config not in EXPECTED_TO_DIFFER]
    print()
    if bad:
        print(
            f"{len(bad)} of {len(rows)} gradients DISAGREE beyond rtol {args.rtol:g}: "
            + ", ".join(f"{r.config} {r.parameter}" for r in bad)
        )
    else:
        worst = max(r.relative_diff for r in rows)
        print(
            f"all {len(rows)} gradients agree (largest difference {worst:.1e} relative to "
            f"the gradient; tolerance {args.rtol:g})"
        )
    if "dropout-book" in names:
        print()
        print(_book_dropout_report(args.seed, args.rtol))
    if args.show_naive:
        print()
        print(_naive_report(args.seed))
    return 1 if bad else 0


def _compare_rows(name: str, seed: int, rtol: float) -> list[lecture.LayerComparison]:
    if name == "conv":
        return lecture.conv.conv_comparison(seed, rtol)
    return lecture.compare_config(lecture.CONFIGS[name], seed, rtol)


def _book_dropout_report(seed: int, rtol: float) -> str:
    """The book's dropout rule against the gradient, in numbers (not counted as a failure)."""
    rows = lecture.compare_config(lecture.CONFIGS["dropout-book"], seed, rtol)
    worst = ", ".join(f"{r.parameter} {100 * r.relative_diff:.0f} %" for r in rows)
    return (
        "the book's dropout rule (DeepDropout.m: delta = y.*(1-y).*e on the masked, scaled y) is "
        "not the gradient: for a kept unit it uses m*s*(1 - m*s) instead of m*s*(1 - s), "
        f"m = 1/(1-p) = 1.25; largest difference relative to the gradient: {worst} "
        "(expected: shown, not counted as a failure)"
    )


# --- vanishing -----------------------------------------------------------------------------------


def _norms_table(rows: list[Any]) -> str:
    depth = len(rows[0].norms)
    header = (
        f"{'init':<8} {'hidden':<8} {'epoch':>5} "
        + " ".join(f"{'W' + str(l):>8}" for l in range(1, depth + 1))
        + f" {'W1/W' + str(depth):>10}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        norms = " ".join(f"{n:>8.1e}" for n in r.norms)
        lines.append(f"{r.init:<8} {r.hidden:<8} {r.epoch:>5} {norms} {r.ratio:>10.1e}")
    return "\n".join(lines)


def save_vanishing_plot(rows: list[Any], path: str, plt: Any) -> None:
    """‖∂ℰ/∂W^(l)‖ against l, log scale: one line per activation and initialisation.

    Examples:
        >>> import os, tempfile
        >>> rows = lecture.vanishing.vanishing_gradients(depth=3, epochs=1)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     save_vanishing_plot(rows, os.path.join(folder, "v.png"), _import_pyplot())
        ...     print(os.listdir(folder))
        ['v.png']
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained", sharey=True)
    for ax, epoch in zip(axes, sorted({r.epoch for r in rows}), strict=False):
        for r in (r for r in rows if r.epoch == epoch):
            style = "-" if r.hidden == "sigmoid" else "--"
            layers = range(1, len(r.norms) + 1)
            ax.semilogy(layers, r.norms, style, marker="o", label=f"{r.hidden}, {r.init} init")
        ax.set(
            xlabel="layer l", title="at initialisation" if epoch == 0 else f"after {epoch} epochs"
        )
        ax.legend()
    axes[0].set_ylabel("||dE/dW^(l)||")
    fig.savefig(path, dpi=100)
    plt.close(fig)


def vanishing(args: argparse.Namespace) -> int:
    """The ``vanishing`` command: the gradient norm of every layer, sigmoid against ReLU.

    Args:
        args: the parsed ``vanishing`` arguments.

    Returns:
        The exit status: 0 (1 when ``--plot`` needs matplotlib and it is missing).

    Examples:
        >>> vanishing(build_parser().parse_args(["vanishing", "--depth", "3", "--epochs", "2"]))
        ||dE/dW^(l)|| of 25-20-20-20-5 ...
        init     hidden   epoch       W1       W2       W3       W4      W1/W4
        ...
        0
    """
    plt = _pyplot_or_none(args.plot, "vanishing")
    if plt is False:
        return 1
    rows = lecture.vanishing.vanishing_gradients(
        args.depth, args.width, args.epochs, args.lr, args.seed
    )
    sizes = "-".join(map(str, [25, *[args.width] * args.depth, 5]))
    print(
        f"||dE/dW^(l)|| of {sizes} (softmax, cross-entropy, no biases) on the five digits, "
        f"seed {args.seed}; at initialisation and after {args.epochs} epochs (lr {args.lr:g})"
    )
    print(_norms_table(rows))
    sigmoid = [r.ratio for r in rows if r.hidden == "sigmoid"]
    print(
        f"sigmoid: the first layer's gradient is {min(sigmoid):.1e} to {max(sigmoid):.1e} times "
        "the last layer's (sigma' <= 1/4 at every layer); nan: the run diverged"
    )
    if plt is not None:
        save_vanishing_plot(rows, str(args.plot), plt)
        print(f"plot saved to {args.plot}")
    return 0


def _pyplot_or_none(plot: Path | None, command: str) -> Any:
    """pyplot when a plot is asked for; None when not; False (after one line) when missing."""
    if plot is None:
        return None
    try:
        return _import_pyplot()
    except ImportError:
        print(
            f"tinygrad4h03 {command}: --plot needs matplotlib, which is not installed; "
            "install it with: python -m pip install 'tinygrad4h03[plot]'",
            file=sys.stderr,
        )
        return False


# --- conv ----------------------------------------------------------------------------------------


def _conv_data(args: argparse.Namespace) -> tuple[np.ndarray, ...] | str:
    """(X_train, y_train, X_test, y_test), or a one-line error message."""
    try:
        if args.mnist is None:
            return data.small_digits(seed=args.seed)
        X_train, y_train = data.load_mnist(args.mnist, "train")
        X_test, y_test = data.load_mnist(args.mnist, "test")
    except ImportError:
        return (
            "scikit-learn's digits need scikit-learn: python -m pip install "
            "'tinygrad4h03[examples]' (or give --mnist DIR)"
        )
    except (OSError, ValueError) as error:
        return str(error).splitlines()[0]
    limit = args.train_size or len(X_train)
    return X_train[:limit], y_train[:limit], X_test, y_test


def save_conv_plot(run: Any, X_test: np.ndarray, y_test: np.ndarray, path: str, plt: Any) -> None:
    """The learned filters (first input channel) and 8 test images with their predictions.

    Examples:
        >>> import os, tempfile
        >>> X = np.random.default_rng(0).random((10, 1, 8, 8)); y = np.arange(10)
        >>> run = lecture.conv.train_conv(X, y, X, y, filters=4, epochs=1, method="deltarule")
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     save_conv_plot(run, X, y, os.path.join(folder, "c.png"), _import_pyplot())
        ...     print(os.listdir(folder))
        ['c.png']
    """
    filters = run.weights[0][:, 0]
    fig = plt.figure(figsize=(11, 5), layout="constrained")
    top, bottom = fig.subfigures(2, 1)
    top.suptitle("learned filters W1")
    for k, ax in enumerate(top.subplots(1, len(filters), squeeze=False)[0]):
        ax.imshow(filters[k], cmap="RdBu_r")
        ax.set_axis_off()
    bottom.suptitle("test images: predicted (true)")
    for k, ax in enumerate(bottom.subplots(1, 8)):
        if k >= len(X_test):
            ax.set_axis_off()
            continue
        predicted = int(run.probabilities[k].argmax())
        ax.imshow(X_test[k, 0], cmap="Greys")
        ax.set_title(
            f"{predicted} ({y_test[k]})", color="black" if predicted == y_test[k] else "red"
        )
        ax.set_axis_off()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def conv(args: argparse.Namespace) -> int:
    """The ``conv`` command: the book's convolutional network, trained and tested.

    Args:
        args: the parsed ``conv`` arguments.

    Returns:
        The exit status: 0; 1 for missing or corrupt data files, missing matplotlib for
        ``--plot``, or a diverged run (each one line on stderr).

    Examples:
        >>> conv(build_parser().parse_args(["conv", "--epochs", "1", "--quiet"]))
        data: scikit-learn's 8x8 digits, 1438 training and 359 test images
        test accuracy ... after 1 epoch, training took ... s
        0
    """
    plt = _pyplot_or_none(args.plot, "conv")
    if plt is False:
        return 1
    sets = _conv_data(args)
    if isinstance(sets, str):
        print(f"tinygrad4h03 conv: {sets}", file=sys.stderr)
        return 1
    X_train, y_train, X_test, y_test = sets
    source = "scikit-learn's 8x8 digits" if args.mnist is None else f"MNIST from {args.mnist}"
    print(f"data: {source}, {len(X_train)} training and {len(X_test)} test images")
    kernel = args.kernel or (3 if args.mnist is None else 9)
    if not args.quiet:
        print(
            f"network: {args.filters} filters {kernel}x{kernel}, ReLU, 2x2 mean pooling, "
            f"{args.hidden} ReLU, softmax; no biases; lr {args.lr:g}, momentum "
            f"{args.momentum:g}, batches of {args.batch_size}, {args.epochs} epochs, "
            f"method {args.method}, seed {args.seed}"
        )
    with np.errstate(all="ignore"):
        run = lecture.conv.train_conv(
            X_train,
            y_train,
            X_test,
            y_test,
            filters=args.filters,
            kernel=kernel,
            hidden=args.hidden,
            epochs=args.epochs,
            lr=args.lr,
            momentum=args.momentum,
            batch_size=args.batch_size,
            method=args.method,
            seed=args.seed,
            progress=None if args.quiet else _progress_bar,
        )
    if _diverged("conv", run.losses, args.lr):
        return 1
    epochs = f"{args.epochs} epoch{'s' * (args.epochs != 1)}"
    print(
        f"test accuracy {100 * run.accuracies[-1][1]:.2f} % after {epochs}, "
        f"training took {run.seconds:.1f} s"
    )
    if plt is not None:
        save_conv_plot(run, X_test, y_test, str(args.plot), plt)
        print(f"plot saved to {args.plot}")
    return 0


# --- the parser ----------------------------------------------------------------------------------


def _add_vanishing(commands: Any) -> None:
    parser = commands.add_parser(
        "vanishing",
        help="gradient norms of every layer of a deep sigmoid or ReLU network",
        description="Train a deep network (25 -> DEPTH x WIDTH -> 5) on the five digits with "
        "sigmoid and with ReLU hidden layers, from the book's uniform (-1, 1) weights and "
        "from nn.Linear's U(+-1/sqrt(n_in)), and print ||dE/dW^(l)|| of every layer at "
        "initialisation and after training, with the ratio first/last.",
    )
    parser.add_argument("--depth", type=_positive_count, default=10, help="hidden layers (10)")
    parser.add_argument("--width", type=_positive_count, default=20, help="their width (20)")
    parser.add_argument(
        "--epochs",
        type=_count,
        default=200,
        help="epochs of per-sample training before the second measurement (200)",
    )
    parser.add_argument("--lr", type=_positive_float, default=0.01, help="learning rate (0.01)")
    parser.add_argument("--seed", type=_count, default=0, help="seed of the weights (0)")
    parser.add_argument(
        "--plot",
        metavar="FILE.png",
        type=_plot_file,
        help="also draw the norms against the layer, log scale",
    )
    parser.set_defaults(run=vanishing)


def _add_conv(commands: Any) -> None:
    parser = commands.add_parser(
        "conv",
        help="the book's convolutional network on 8x8 digits or MNIST",
        description="Train the book's convolutional network (MnistConv.m: filters, ReLU, 2x2 "
        "mean pooling, 100 ReLU, softmax, no biases, momentum) on scikit-learn's bundled 8x8 "
        "digits (3x3 filters), or on MNIST with --mnist DIR (9x9 filters, as the book), and "
        "print the test accuracy.",
    )
    parser.add_argument(
        "--mnist",
        metavar="DIR",
        type=Path,
        help="a folder with MNIST's four IDX files (gzipped or not)",
    )
    parser.add_argument(
        "--train-size",
        type=_positive_count,
        default=None,
        metavar="N",
        help="with --mnist: train on the first N images only",
    )
    parser.add_argument(
        "--epochs",
        type=_count,
        default=30,
        help="passes over the training images (default 30; the book: 3)",
    )
    parser.add_argument("--filters", type=_positive_count, default=20, help="filters (20)")
    parser.add_argument(
        "--kernel",
        type=_positive_count,
        default=None,
        help="filter size (default 3; 9 with --mnist, as the book)",
    )
    parser.add_argument(
        "--hidden", type=_positive_count, default=100, help="dense ReLU units (100)"
    )
    parser.add_argument("--lr", type=_positive_float, default=0.01, help="learning rate (0.01)")
    parser.add_argument("--momentum", type=_dropout, default=0.95, help="momentum (0.95)")
    parser.add_argument(
        "--batch-size",
        type=_positive_count,
        default=10,
        help="images per update (default 10; the book: 100)",
    )
    parser.add_argument(
        "--method",
        "--engine",
        dest="method",
        choices=lecture.METHODS,
        default="autograd",
        help="autograd (tg.nn.Conv2d, AvgPool2d, SGD with momentum) or "
        "deltarule (the book's hand-derived rule); same final weights",
    )
    parser.add_argument(
        "--seed",
        type=_count,
        default=0,
        help="seed of the weights and of the 8x8 digits' split (0)",
    )
    parser.add_argument(
        "--plot",
        metavar="FILE.png",
        type=_plot_file,
        help="also draw the learned filters and test images with predictions",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no settings")
    parser.set_defaults(run=conv)


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
    parser.add_argument(
        "--epochs",
        type=_count,
        default=None,
        help="passes over the five digits (default 2000; 5000 with --dropout: "
        "the book runs 10000, and 20000 for its dropout network)",
    )
    parser.add_argument(
        "--lr",
        type=_positive_float,
        default=0.01,
        help="learning rate alpha (default 0.01, as the book)",
    )
    parser.add_argument(
        "--seed",
        type=_count,
        default=0,
        help="seed of the initial weights and of the noisy copies (default 0)",
    )
    parser.add_argument(
        "--init",
        choices=lecture.INITS,
        default="lecture",
        help="lecture: uniform (-1, 1) as MATLAB's 2*rand-1; kaiming: He "
        "normal N(0, 2/n_in) (default lecture)",
    )
    parser.add_argument(
        "--bias",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="give every layer a bias b^(l), initialised to 0 (default: no biases, as the book)",
    )
    parser.add_argument(
        "--batch-size",
        type=_positive_count,
        default=1,
        help="1: one update per digit, as the lecture; N > 1: consecutive "
        "mini-batches of N digits with the mean loss (default 1)",
    )
    parser.add_argument(
        "--method",
        "--engine",
        dest="method",
        choices=lecture.METHODS,
        default="autograd",
        help="how to train: autograd: tg.nn + tg.optim.SGD; deltarule: the "
        "lecture's hand-derived rule (same start, same weights at the end; "
        "default autograd). --engine is the older name",
    )
    parser.add_argument(
        "--hidden",
        choices=("relu", "sigmoid", "tanh"),
        default="relu",
        help="the hidden layers' activation (default relu, as DeepReLU.m; "
        "the book's dropout network uses sigmoid)",
    )
    parser.add_argument(
        "--dropout",
        type=_dropout,
        default=0.0,
        metavar="P",
        help="drop each hidden unit with probability P while training, "
        "inverted dropout as DeepDropout.m (default 0: none; the book: 0.2)",
    )
    parser.add_argument(
        "--mask",
        choices=deltarule.MASK_KINDS,
        default="exact",
        help="with --dropout: exact keeps exactly round((1-P) n) units of each "
        "layer, as the book's Dropout.m; bernoulli keeps each with probability "
        "1-P, as nn.Dropout (default exact)",
    )
    parser.add_argument(
        "--order",
        choices=("C", "F"),
        default="F",
        help="unpack each image column by column (F: MATLAB's and the "
        "lecture's) or row by row (C) (default F)",
    )
    parser.add_argument(
        "--variant",
        choices=("lecture", "book"),
        default="lecture",
        help="the digits as the lecture or as Kim's book draws them (default lecture)",
    )
    parser.add_argument(
        "--noise-copies",
        type=_noise_copies,
        default=100,
        metavar="N",
        help="noisy copies per digit for each of 1, 2 and 3 flipped pixels "
        f"(default 100, at most {MAX_NOISE_COPIES})",
    )
    parser.add_argument(
        "--plot",
        metavar="FILE.png",
        type=_plot_file,
        help="also save the loss curve and the digits with their "
        "probabilities (needs matplotlib: pip install 'tinygrad4h03[plot]'; "
        "checked before training; .png is added to a name without a suffix)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar, no settings and no pictures: only the summary",
    )
    parser.set_defaults(run=digits)


def _add_compare(commands: Any) -> None:
    listing = "\n".join(
        f"  {c.name:<15} {c.arch.describe()}, "
        f"{'with' if c.bias else 'no'} biases{'; ' + c.note if c.note else ''}"
        for c in lecture.CONFIGS.values()
    )
    listing += (
        "\n  conv            the book's convolutional network (MnistConv.m), small: "
        "4 filters 3x3, 2x2 mean pooling, 8 ReLU, softmax"
    )
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
    parser.add_argument(
        "--seed", type=_count, default=0, help="seed of the random weights (default 0)"
    )
    parser.add_argument(
        "--configs",
        nargs="+",
        choices=[*lecture.CONFIGS, "conv"],
        metavar="NAME",
        help="only these configurations (default: all; see the list below)",
    )
    parser.add_argument(
        "--rtol",
        type=_positive_float,
        default=1e-10,
        help="tolerance relative to the gradient's largest entry (default 1e-10)",
    )
    parser.add_argument(
        "--show-naive",
        action="store_true",
        help="also show the naive elementwise softmax + SSE delta, "
        "s(1-s)*eps, and how far it is from autograd's",
    )
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
    demo_parser = commands.add_parser(
        "demo",
        help="differentiate a small scalar expression",
        description="Differentiate d = tanh(a*b + a**2).",
    )
    demo_parser.set_defaults(run=demo)
    _add_digits(commands)
    _add_compare(commands)
    _add_vanishing(commands)
    _add_conv(commands)
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
