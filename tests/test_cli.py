"""The command line, run in-process through ``cli.main`` (and once as ``python -m``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinygrad4h03 import cli, lecture

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("W1", "W2", "W3", "W4")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# --- digits ---------------------------------------------------------------------------------------


def test_digits_prints_each_digit_its_probabilities_and_the_noisy_accuracy(capsys) -> None:
    status, out, _ = run(capsys, "digits", "--epochs", "200")
    assert status == 0
    assert "25-20-20-20-5" in out and "method autograd" in out
    for digit in "12345":
        assert f"digit {digit}: predicted" in out
        assert f"p({digit}) = " in out
    assert out.count("p(1) = ") == 5  # five probabilities for each of five digits
    assert "  ·██··   p(1) = " in out  # the lecture's "1", top row, drawn upright
    assert "  ·███·   p(5) = " in out
    assert "training digits: 5/5 right" in out
    assert "noisy copies (100 per digit, seed 0): 1 pixel flipped" in out


def test_digits_quiet_prints_only_the_summary(capsys) -> None:
    status, out, err = run(capsys, "digits", "--epochs", "5", "--quiet")
    assert status == 0
    assert "p(1)" not in out and "engine" not in out
    assert "final loss" in out and "noisy copies" in out
    assert "training" not in err  # no progress bar


def test_digits_shows_a_progress_bar_on_stderr(capsys) -> None:
    status, _, err = run(capsys, "digits", "--epochs", "3")
    assert status == 0
    assert "training" in err and "3/3" in err


def test_digits_engines_end_with_the_same_weights(capsys, monkeypatch) -> None:
    runs = {}
    train = lecture.train_digits

    def recording(**options):
        runs[options["method"]] = result = train(**options)
        return result

    monkeypatch.setattr(lecture, "train_digits", recording)
    for method in lecture.METHODS:
        assert (
            cli.main(
                [
                    "digits",
                    "--epochs",
                    "40",
                    "--bias",
                    "--init",
                    "kaiming",
                    "--method",
                    method,
                    "--quiet",
                ]
            )
            == 0
        )
    outputs = capsys.readouterr().out.split("final loss")
    auto, rule = runs["autograd"], runs["deltarule"]
    assert all(b is not None for b in auto.biases)
    for a, d in zip(auto.weights + auto.biases, rule.weights + rule.biases, strict=True):
        assert np.max(np.abs(a - d)) <= 1e-9
    assert outputs[1].split("training took")[0] == outputs[2].split("training took")[0]


def test_digits_options_reach_the_training(capsys, monkeypatch) -> None:
    seen = {}
    train = lecture.train_digits

    def recording(**options):
        seen.update(options)
        return train(**options)

    monkeypatch.setattr(lecture, "train_digits", recording)
    argv = [
        "digits",
        "--epochs",
        "2",
        "--lr",
        "0.5",
        "--seed",
        "3",
        "--init",
        "kaiming",
        "--bias",
        "--batch-size",
        "2",
        "--engine",
        "deltarule",
        "--order",
        "C",
        "--variant",
        "book",
        "--quiet",
    ]
    assert cli.main(argv) == 0
    assert {
        k: seen[k]
        for k in (
            "epochs",
            "lr",
            "seed",
            "init",
            "bias",
            "batch_size",
            "method",
            "order",
            "variant",
        )
    } == {
        "epochs": 2,
        "lr": 0.5,
        "seed": 3,
        "init": "kaiming",
        "bias": True,
        "batch_size": 2,
        "method": "deltarule",
        "order": "C",
        "variant": "book",
    }  # --engine: --method's alias


def test_digits_defaults_are_the_lectures(capsys) -> None:
    args = cli.build_parser().parse_args(["digits"])
    assert (args.epochs, args.lr, args.seed, args.init, args.bias, args.batch_size) == (
        None,
        0.01,
        0,
        "lecture",
        False,
        1,
    )  # None: 2000, or 5000 with --dropout
    assert (args.method, args.order, args.variant, args.plot, args.quiet) == (
        "autograd",
        "F",
        "lecture",
        None,
        False,
    )
    assert (args.hidden, args.dropout, args.mask) == ("relu", 0.0, "exact")


def test_digits_plot_writes_a_png(capsys, tmp_path) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "digits.png"
    status, out, _ = run(capsys, "digits", "--epochs", "20", "--quiet", "--plot", str(path))
    assert status == 0
    assert f"plot saved to {path}" in out
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_digits_plot_without_matplotlib_says_how_to_install_it(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now fails
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    path = tmp_path / "digits.png"
    status, out, err = run(capsys, "digits", "--epochs", "5", "--plot", str(path))
    assert status == 1
    assert "--plot needs matplotlib" in err and "tinygrad4h03[plot]" in err
    assert out == "" and not path.exists()  # it stops before training


# --- compare --------------------------------------------------------------------------------------


def test_compare_agrees_and_lists_every_layer(capsys) -> None:
    status, out, _ = run(capsys, "compare")
    assert status == 0
    for config in lecture.CONFIGS.values():
        rows = [line.split() for line in out.splitlines() if line.startswith(config.name + " ")]
        parameters = [row[1] for row in rows]
        expected = [f"{p}{l}" for l in range(1, 5) for p in ("Wb" if config.bias else "W")]
        assert parameters == expected, config.name
        if config.expected_to_agree:
            assert all(row[-1] == "ok" for row in rows)
    assert [line.split()[1] for line in out.splitlines() if line.startswith("conv ")] == [
        "W1",
        "W5",
        "Wo",
    ]
    assert "all 51 gradients agree" in out  # 44 + dropout's 4 + conv's 3; not the book's rule
    assert "FAIL" not in out


def test_compare_a_subset(capsys) -> None:
    status, out, _ = run(capsys, "compare", "--configs", "lecture", "sse-softmax", "--seed", "4")
    assert status == 0
    assert "lecture-bias" not in out and "tanh-hidden" not in out
    assert [line.split()[1] for line in out.splitlines() if line.startswith("lecture ")] == list(
        LAYERS
    )
    assert "all 8 gradients agree" in out


def test_compare_exits_1_when_autograd_is_broken(capsys, monkeypatch) -> None:
    loss = lecture.autograd_loss
    monkeypatch.setattr(lecture.comparison, "autograd_loss", lambda *a: loss(*a) * 1.000001)
    status, out, _ = run(capsys, "compare", "--configs", "lecture", "sse-sigmoid")
    assert status == 1
    assert "FAIL" in out
    assert "12 of 12 gradients DISAGREE beyond rtol 1e-10: lecture W1, lecture W2" in out


def test_compare_exits_1_when_one_layer_is_off(capsys, monkeypatch) -> None:
    gradients = lecture.autograd_gradients

    def off_in_b2(*args):
        grads = gradients(*args)
        W, b = grads[1]
        grads[1] = (W, b * (1 + 1e-8))
        return grads

    monkeypatch.setattr(lecture.comparison, "autograd_gradients", off_in_b2)
    status, out, _ = run(capsys, "compare", "--configs", "tanh-hidden")
    assert status == 1
    failing = [line.split()[1] for line in out.splitlines() if line.endswith("FAIL")]
    assert failing == ["b2"]
    assert "1 of 8 gradients DISAGREE beyond rtol 1e-10: tanh-hidden b2" in out


def test_compare_show_naive(capsys) -> None:
    status, out, _ = run(capsys, "compare", "--configs", "lecture", "--show-naive")
    assert status == 0  # the naive rule is shown, not compared
    assert "naive s(1-s) * eps" in out and "Jacobian J(v)^T eps" in out
    assert "the naive elementwise formula is off by up to 0.0976" in out


# --- help, errors and the entry point ---------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ([], ["digits", "compare", "demo", "vanishing", "conv"]),
        (
            ["digits"],
            [
                "--epochs",
                "--lr",
                "--seed",
                "--init",
                "--bias",
                "--no-bias",
                "--batch-size",
                "--method",
                "--engine",
                "--order",
                "--variant",
                "--plot",
                "--quiet",
                "--hidden",
                "--dropout",
                "--mask",
            ],
        ),
        (
            ["compare"],
            [
                "--seed",
                "--configs",
                "--rtol",
                "--show-naive",
                "sse-softmax",
                "dropout-book",
                "conv",
            ],
        ),
        (["vanishing"], ["--depth", "--width", "--epochs", "--lr", "--seed", "--plot"]),
        (
            ["conv"],
            [
                "--mnist",
                "--train-size",
                "--epochs",
                "--filters",
                "--kernel",
                "--hidden",
                "--momentum",
                "--batch-size",
                "--method",
                "--plot",
            ],
        ),
        (["demo"], ["tanh"]),
    ],
)
def test_help(capsys, command, words) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: tinygrad4h03")
    for word in words:
        assert word in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["train"], "invalid choice: 'train'"),
        (["digits", "--epochs", "-1"], "argument --epochs: must be >= 0, got -1"),
        (["digits", "--epochs", "many"], "argument --epochs: expected a whole number, got 'many'"),
        (["digits", "--lr", "0"], "argument --lr: must be a finite number > 0, got 0"),
        (["digits", "--lr", "nan"], "argument --lr: must be a finite number > 0, got nan"),
        (["digits", "--batch-size", "0"], "argument --batch-size: must be >= 1, got 0"),
        (["digits", "--engine", "torch"], "argument --method/--engine: invalid choice: 'torch'"),
        (["digits", "--dropout", "1.5"], "argument --dropout: must be a probability in [0, 1)"),
        (["digits", "--dropout", "lots"], "argument --dropout: expected a probability, got"),
        (["digits", "--mask", "random"], "argument --mask: invalid choice: 'random'"),
        (["digits", "--noise-copies", "100000000"], "argument --noise-copies: must be at most"),
        (["digits", "--plot", "no/such/folder/x.png"], "the folder 'no/such/folder' does not"),
        (["digits", "--plot", "x.txt"], "argument --plot: cannot draw '.txt' files"),
        (["conv", "--kernel", "0"], "argument --kernel: must be >= 1, got 0"),
        (["vanishing", "--depth", "0"], "argument --depth: must be >= 1, got 0"),
        (["digits", "--init", "xavier"], "argument --init: invalid choice: 'xavier'"),
        (["digits", "--order", "K"], "argument --order: invalid choice: 'K'"),
        (["digits", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["compare", "--configs", "nope"], "argument --configs: invalid choice: 'nope'"),
        (["compare", "--rtol", "-1"], "argument --rtol: must be a finite number > 0, got -1"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(capsys, argv, message) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: tinygrad4h03" in err
    assert message in err.strip().splitlines()[-1]  # the error itself is one line


def test_demo_still_works(capsys) -> None:
    status, out, _ = run(capsys, "demo")
    assert status == 0 and "dd/da" in out


def test_python_dash_m_runs_digits() -> None:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    result = subprocess.run(
        [sys.executable, "-m", "tinygrad4h03", "digits", "--epochs", "50", "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "final loss" in result.stdout and "noisy copies" in result.stdout


# --- the book's next chapters: dropout, vanishing gradients, convolution -------------------------


def test_digits_dropout_methods_end_with_the_same_weights(capsys, monkeypatch) -> None:
    runs = {}
    train = lecture.train_digits

    def recording(**options):
        runs[options["method"], options["mask_kind"]] = result = train(**options)
        return result

    monkeypatch.setattr(lecture, "train_digits", recording)
    for method in lecture.METHODS:
        for mask in ("exact", "bernoulli"):
            argv = [
                "digits",
                "--hidden",
                "sigmoid",
                "--dropout",
                "0.2",
                "--epochs",
                "30",
                "--mask",
                mask,
                "--method",
                method,
                "--quiet",
            ]
            assert cli.main(argv) == 0
    for mask in ("exact", "bernoulli"):
        auto, rule = runs["autograd", mask], runs["deltarule", mask]
        for a, d in zip(auto.weights, rule.weights, strict=True):
            assert np.max(np.abs(a - d)) <= 1e-10
    exact, bernoulli = runs["deltarule", "exact"], runs["deltarule", "bernoulli"]
    assert not np.allclose(exact.weights[0], bernoulli.weights[0])  # the masks did differ


def test_digits_dropout_describes_the_books_network(capsys) -> None:
    status, out, _ = run(
        capsys,
        "digits",
        "--hidden",
        "sigmoid",
        "--dropout",
        "0.2",
        "--epochs",
        "3",
        "--noise-copies",
        "1",
    )
    assert status == 0
    assert "sigmoid hidden, softmax output, cross-entropy loss, dropout 0.2" in out
    assert "exact masks: exactly round(0.8 n) units kept" in out
    assert "3 epochs" in out


def test_digits_dropout_default_epochs_learn_the_digits(capsys) -> None:
    status, out, _ = run(
        capsys,
        "digits",
        "--hidden",
        "sigmoid",
        "--dropout",
        "0.2",
        "--method",
        "deltarule",
        "--quiet",
        "--noise-copies",
        "1",
    )
    assert status == 0
    assert "training digits: 5/5 right" in out


def test_digits_divergence_is_one_line_and_exit_1(capsys) -> None:
    status, out, err = run(capsys, "digits", "--lr", "1e300", "--epochs", "5", "--quiet")
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "training diverged" in lines[0] and "--lr 1e+300" in lines[0]
    assert "final loss" not in out


def test_digits_plot_without_a_suffix_writes_and_names_the_png(capsys, tmp_path) -> None:
    pytest.importorskip("matplotlib")
    status, out, _ = run(
        capsys,
        "digits",
        "--epochs",
        "2",
        "--quiet",
        "--noise-copies",
        "1",
        "--plot",
        str(tmp_path / "out"),
    )
    assert status == 0
    assert (tmp_path / "out.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"plot saved to {tmp_path / 'out.png'}" in out
    assert not (tmp_path / "out").exists()


def test_a_bad_plot_path_is_refused_before_training(capsys, monkeypatch) -> None:
    monkeypatch.setattr(lecture, "train_digits", lambda **_: pytest.fail("trained"))
    for path in ("missing/dir/x.png", "x.txt"):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["digits", "--plot", path])
        assert exit_info.value.code == 2


def test_vanishing_prints_every_layers_norm_and_the_ratio(capsys) -> None:
    status, out, _ = run(capsys, "vanishing", "--depth", "6", "--epochs", "20")
    assert status == 0
    header = next(line for line in out.splitlines() if line.startswith("init"))
    assert header.split()[3:] == [f"W{l}" for l in range(1, 8)] + ["W1/W7"]
    rows = [line.split() for line in out.splitlines() if line.startswith(("book", "pytorch"))]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (init, hidden, epoch)
        for init in ("book", "pytorch")
        for hidden in ("sigmoid", "relu")
        for epoch in ("0", "20")
    ]
    sigmoid_at_start = float(rows[0][-1])
    relu_at_start = float(rows[2][-1])
    assert sigmoid_at_start < 0.05 < 1 < relu_at_start  # the sigmoid's gradient vanishes


def test_vanishing_plot(capsys, tmp_path) -> None:
    pytest.importorskip("matplotlib")
    status, _, _ = run(
        capsys, "vanishing", "--depth", "3", "--epochs", "2", "--plot", str(tmp_path / "v.png")
    )
    assert status == 0 and (tmp_path / "v.png").stat().st_size > 1000


def test_conv_methods_end_with_the_same_weights(capsys, monkeypatch) -> None:
    pytest.importorskip("sklearn")
    runs = {}
    train = lecture.conv.train_conv

    def recording(*args, **options):
        runs[options["method"]] = result = train(*args, **options)
        return result

    monkeypatch.setattr(lecture.conv, "train_conv", recording)
    outs = []
    for method in lecture.METHODS:
        assert (
            cli.main(["conv", "--epochs", "2", "--filters", "4", "--quiet", "--method", method])
            == 0
        )
        outs.append(capsys.readouterr().out)
    for a, d in zip(runs["autograd"].weights, runs["deltarule"].weights, strict=True):
        assert np.max(np.abs(a - d)) <= 1e-10 * max(1.0, np.max(np.abs(d)))
    assert outs[0].split("training took")[0] == outs[1].split("training took")[0]


def test_conv_default_reaches_97_percent_on_the_small_digits(capsys) -> None:
    pytest.importorskip("sklearn")
    status, out, _ = run(capsys, "conv", "--method", "deltarule", "--quiet")
    assert status == 0
    accuracy = float(out.split("test accuracy ")[1].split(" %")[0])
    assert accuracy >= 97.0


def write_idx(path: Path, array: np.ndarray, gz: bool) -> None:
    import gzip

    raw = bytes([0, 0, 8, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    raw += array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(raw) if gz else raw)


def fake_mnist(folder: Path, gz: bool) -> None:
    rng = np.random.default_rng(0)
    suffix = ".gz" if gz else ""
    for stem, n in (("train", 30), ("t10k", 10)):
        images = rng.integers(0, 256, (n, 28, 28))
        write_idx(folder / f"{stem}-images-idx3-ubyte{suffix}", images, gz)
        write_idx(folder / f"{stem}-labels-idx1-ubyte{suffix}", np.arange(n) % 10, gz)


@pytest.mark.parametrize("gz", [False, True])
def test_conv_reads_mnist_files(capsys, tmp_path, gz: bool) -> None:
    fake_mnist(tmp_path, gz)
    status, out, _ = run(
        capsys,
        "conv",
        "--mnist",
        str(tmp_path),
        "--epochs",
        "1",
        "--filters",
        "2",
        "--hidden",
        "8",
        "--quiet",
        "--method",
        "deltarule",
    )
    assert status == 0
    assert f"MNIST from {tmp_path}, 30 training and 10 test images" in out
    assert "test accuracy" in out


def test_conv_missing_or_corrupt_mnist_is_one_line(capsys, tmp_path) -> None:
    fake_mnist(tmp_path, gz=False)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    status, _, err = run(capsys, "conv", "--mnist", str(tmp_path), "--quiet")
    assert status == 1 and len(err.strip().splitlines()) == 1
    assert "t10k-labels-idx1-ubyte" in err and "does not exist" in err
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x0a\x01")
    status, _, err = run(capsys, "conv", "--mnist", str(tmp_path), "--quiet")
    assert status == 1 and len(err.strip().splitlines()) == 1
    assert "t10k-labels-idx1-ubyte" in err and "truncated or corrupt" in err


def test_conv_plot(capsys, tmp_path) -> None:
    pytest.importorskip("matplotlib")
    pytest.importorskip("sklearn")
    status, _, _ = run(
        capsys,
        "conv",
        "--epochs",
        "1",
        "--filters",
        "3",
        "--quiet",
        "--method",
        "deltarule",
        "--plot",
        str(tmp_path / "c.svg"),
    )
    assert status == 0 and (tmp_path / "c.svg").read_text().lstrip().startswith("<?xml")


def test_compare_covers_dropout_the_books_rule_and_conv(capsys) -> None:
    status, out, _ = run(capsys, "compare", "--configs", "dropout", "dropout-book", "conv")
    assert status == 0  # the book's rule is expected to differ: shown, not a failure
    verdicts = {
        tuple(line.split()[:2]): line.split("  ")[-1].strip()
        for line in out.splitlines()
        if line.startswith(("dropout", "conv"))
    }
    assert [verdicts["dropout", p] for p in LAYERS] == ["ok"] * 4
    assert [verdicts["dropout-book", p] for p in LAYERS] == ["differs (expected)"] * 3 + ["same"]
    assert [verdicts["conv", p] for p in ("W1", "W5", "Wo")] == ["ok"] * 3
    assert "all 7 gradients agree" in out
    assert "the book's dropout rule" in out and "m*s*(1 - m*s) instead of m*s*(1 - s)" in out
