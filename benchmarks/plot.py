"""Draw the benchmark's ratios to the floor as a bar chart.

    python benchmarks/plot.py [benchmarks/results/latest.json] [--out docs/img/performance.png]

One group of bars per case, one bar per framework, on a log scale (1 = the floor: the same
math in hand-written NumPy, or plain Python floats for W4); the tinygrad4h03 goal of each
case is drawn as a short dash over its bar. Needs matplotlib (``pip install matplotlib``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_JSON = HERE / "results" / "latest.json"
DEFAULT_PNG = HERE.parent / "docs" / "img" / "performance.png"
ORDER = ("floor", "tinygrad4h03", "tinygrad4h03-dot", "deltarule", "torch", "autograd", "micrograd")
COLOURS = {
    "floor": "#7f7f7f",
    "tinygrad4h03": "#d62728",
    "tinygrad4h03-dot": "#e377c2",
    "deltarule": "#9467bd",
    "torch": "#ff7f0e",
    "autograd": "#1f77b4",
    "micrograd": "#2ca02c",
}
LABELS = {
    "floor": "floor (NumPy; W4: Python floats)",
    "tinygrad4h03-dot": "tinygrad4h03, Value.dot neurons (W4)",
    "torch": "PyTorch",
    "autograd": "HIPS autograd",
}


def bars(case: dict[str, Any]) -> list[tuple[str, float | None]]:
    """``(series, ratio)`` for one case in legend order; the floor is its own series, and a
    tinygrad4h03 that has no number (n/a) keeps its place with ``None``."""
    ratios = {("floor" if f == case["floor"] else f): r for f, r in case["ratio_to_floor"].items()}
    if "tinygrad4h03" in case["results"]:
        ratios.setdefault("tinygrad4h03", None)
    return [(series, ratios[series]) for series in ORDER if series in ratios]


def goal_bound(case: dict[str, Any]) -> float | None:
    """The case's tinygrad4h03 goal that bounds its ratio to the floor (``≤ 3.0× floor``)."""
    for goal in case["goals"]:
        if goal["framework"] == "tinygrad4h03" and goal["reference"] == case["floor"]:
            return goal["bound"]
    return None


def draw(results: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cases = {name: case for name, case in results["cases"].items() if case["ratio_to_floor"]}
    figure, axes = plt.subplots(figsize=(12, 5.5))
    width, labelled = 0.8 / len(ORDER), set()
    for position, case in enumerate(cases.values()):
        row = bars(case)
        for index, (series, ratio) in enumerate(row):
            x = position + (index - (len(row) - 1) / 2) * width
            bound = goal_bound(case)
            if series == "tinygrad4h03" and bound is not None:
                axes.hlines(bound, x - width * 0.7, x + width * 0.7, colors="black")
            if ratio is None:
                axes.text(x, 1.0, "n/a", ha="center", va="bottom", fontsize=7, rotation=90)
                continue
            label = None if series in labelled else LABELS.get(series, series)
            labelled.add(series)
            axes.bar(x, ratio, width, color=COLOURS[series], label=label)
            axes.text(x, ratio, f"{ratio:.3g}", ha="center", va="bottom", fontsize=6)
    axes.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    axes.set_yscale("log")
    axes.set_xticks(range(len(cases)), list(cases))
    axes.set_ylabel("time ÷ floor (W5: peak memory ÷ floor), log")
    machine = results["machine"]
    axes.set_title(
        f"tinygrad4h03 against its floor and peers — {machine['cpu']}, one thread, "
        f"Python {machine['python']}; black dash: tinygrad4h03's goal"
    )
    axes.legend(ncols=3, fontsize="small", loc="upper right")
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="?", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--out", type=Path, default=DEFAULT_PNG)
    args = parser.parse_args(argv)
    try:
        import matplotlib  # noqa: F401
    except ModuleNotFoundError:
        print("plot.py needs matplotlib: pip install matplotlib (or the 'bench' extra)")
        return 1
    if not args.json.exists():
        print(f"no results at {args.json}: run python benchmarks/run.py first")
        return 1
    draw(json.loads(args.json.read_text()), args.out)
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
