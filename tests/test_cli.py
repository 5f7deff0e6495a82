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
    assert "25-20-20-20-5" in out and "engine autograd" in out
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
        runs[options["engine"]] = result = train(**options)
        return result

    monkeypatch.setattr(lecture, "train_digits", recording)
    for engine in lecture.ENGINES:
        assert cli.main(["digits", "--epochs", "40", "--bias", "--init", "kaiming",
                         "--engine", engine, "--quiet"]) == 0
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
    argv = ["digits", "--epochs", "2", "--lr", "0.5", "--seed", "3", "--init", "kaiming",
            "--bias", "--batch-size", "2", "--engine", "deltarule", "--order", "C",
            "--variant", "book", "--quiet"]
    assert cli.main(argv) == 0
    assert {k: seen[k] for k in ("epochs", "lr", "seed", "init", "bias", "batch_size", "engine",
                                 "order", "variant")} == {
        "epochs": 2, "lr": 0.5, "seed": 3, "init": "kaiming", "bias": True, "batch_size": 2,
        "engine": "deltarule", "order": "C", "variant": "book"}


def test_digits_defaults_are_the_lectures(capsys) -> None:
    args = cli.build_parser().parse_args(["digits"])
    assert (args.epochs, args.lr, args.seed, args.init, args.bias, args.batch_size) == (
        2000, 0.01, 0, "lecture", False, 1)
    assert (args.engine, args.order, args.variant, args.plot, args.quiet) == (
        "autograd", "F", "lecture", None, False)


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
        assert all(row[-1] == "ok" for row in rows)
    assert "all 44 gradients agree" in out
    assert "FAIL" not in out


def test_compare_a_subset(capsys) -> None:
    status, out, _ = run(capsys, "compare", "--configs", "lecture", "sse-softmax", "--seed", "4")
    assert status == 0
    assert "lecture-bias" not in out and "tanh-hidden" not in out
    assert [line.split()[1] for line in out.splitlines() if line.startswith("lecture ")] == list(
        LAYERS)
    assert "all 8 gradients agree" in out


def test_compare_exits_1_when_autograd_is_broken(capsys, monkeypatch) -> None:
    loss = lecture.autograd_loss
    monkeypatch.setattr(lecture, "autograd_loss", lambda *a: loss(*a) * 1.000001)
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

    monkeypatch.setattr(lecture, "autograd_gradients", off_in_b2)
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
        ([], ["digits", "compare", "demo"]),
        (["digits"], ["--epochs", "--lr", "--seed", "--init", "--bias", "--no-bias",
                      "--batch-size", "--engine", "--order", "--variant", "--plot", "--quiet"]),
        (["compare"], ["--seed", "--configs", "--rtol", "--show-naive", "sse-softmax"]),
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
        (["digits", "--engine", "torch"], "argument --engine: invalid choice: 'torch'"),
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
    assert message in err


def test_demo_still_works(capsys) -> None:
    status, out, _ = run(capsys, "demo")
    assert status == 0 and "dd/da" in out


def test_python_dash_m_runs_digits() -> None:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    result = subprocess.run(
        [sys.executable, "-m", "tinygrad4h03", "digits", "--epochs", "50", "--quiet"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "final loss" in result.stdout and "noisy copies" in result.stdout
