"""Turning raw worker results into ratios, goal verdicts, a printed table and the JSON file."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from workloads.case import Case, Measurement

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("numpy", "torch", "autograd", "micrograd", "matplotlib", "tinygrad4h03")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")

Raw = dict[str, Any]
"""A worker's answer: ``value``, ``samples``, ``extra``; or ``error`` (and ``kind``, ``where``)."""


def machine() -> dict[str, Any]:
    """The CPU, the interpreter, the versions of every framework and the commit measured."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in PACKAGES},
        "threads": {name: os.environ.get(name) for name in THREAD_VARIABLES},
        "load_average_before": round(os.getloadavg()[0], 2),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain")),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def summarise(case: Case, raw: dict[str, Raw]) -> dict[str, Any]:
    """One case's JSON entry: every result, its ratios to the floor and to PyTorch, the goals."""
    measured = {
        name: Measurement(r["value"], r.get("samples", []), r.get("extra", {}))
        for name, r in raw.items()
        if "error" not in r
    }
    goals = []
    for goal in case.goals:
        value, met = goal.measure(measured)
        shown = None if value is None else goal.shown(value)
        goals.append(
            {
                "framework": goal.framework,
                "goal": goal.text,
                "bound": goal.bound,
                "at_least": goal.at_least,
                "reference": goal.reference,
                "measured": value,
                "shown": shown,
                "met": met,
            }
        )
    return {
        "title": case.title,
        "unit": case.unit,
        "per": case.per,
        "floor": case.floor,
        "results": raw,
        "ratio_to_floor": _ratios(measured, case.floor, case.unit),
        "ratio_to_torch": _ratios(measured, "torch", case.unit),
        "goals": goals,
    }


def _ratios(measured: dict[str, Measurement], reference: str, unit: str) -> dict[str, float]:
    base = measured.get(reference)
    if base is None or base.value == 0 or unit == "depth":
        return {}
    return {name: m.value / base.value for name, m in measured.items()}


def table(cases: dict[str, dict[str, Any]]) -> str:
    """The results as aligned text: one row per framework, one more per extra goal."""
    header = ("case", "framework", "median", "×floor", "×torch", "goal", "measured", "met", "note")
    rows = [header]
    for name, case in cases.items():
        for index, (framework, raw) in enumerate(case["results"].items()):
            goals = [g for g in case["goals"] if g["framework"] == framework] or [None]
            for line, goal in enumerate(goals):
                first = line == 0
                rows.append(
                    (
                        name if first and index == 0 else "",
                        framework if first else "",
                        _value(case, raw) if first else "",
                        _ratio_text(case["ratio_to_floor"], framework) if first else "",
                        _ratio_text(case["ratio_to_torch"], framework) if first else "",
                        goal["goal"] if goal else "",
                        (goal["shown"] or "–") if goal else "",
                        _verdict(goal["met"]) if goal else "",
                        _note(case, raw) if first else "",
                    )
                )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def _value(case: dict[str, Any], raw: Raw) -> str:
    if "error" in raw:
        return "n/a"
    return format_value(raw["value"], case["unit"])


def format_value(value: float, unit: str) -> str:
    """``38.2 µs``, ``3.71 ms``, ``95.3 MiB``, ``10^6`` (``< 10^3`` when no depth worked)."""
    if unit == "MiB":
        return f"{value:.1f} MiB"
    if unit == "depth":
        return f"10^{math.log10(value):.0f}" if value > 0 else "< 10^3"
    for scale, suffix in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if value >= scale:
            return f"{value / scale:.3g} {suffix}"
    return f"{value * 1e9:.3g} ns"


def _ratio_text(ratios: dict[str, float], framework: str) -> str:
    ratio = ratios.get(framework)
    return "" if ratio is None else f"{ratio:.2f}"


def _verdict(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: "–"}[met]


def _note(case: dict[str, Any], raw: Raw) -> str:
    if "error" in raw:
        return raw["error"] if len(raw["error"]) <= 70 else raw["error"][:67] + "..."
    extra = raw.get("extra", {})
    if "growth_mib" in extra:
        return f"RSS growth {extra['growth_mib']:+.1f} MiB over {extra['steps'] * 9 // 10} steps"
    if "failure" in extra:
        kind = extra["failure"].split(":", 1)[0]
        return f"fails at {format_value(extra['failed_at'], 'depth')} ({kind})"
    return ""


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
