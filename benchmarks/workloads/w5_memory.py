"""W5 — memory: peak RSS of a fresh process over 2,000 W2 steps at batch 128, and how much the
resident set grows between step 200 and step 2,000 (a flat line means no graph is leaked)."""

from __future__ import annotations

import resource
import sys
from functools import partial

from . import w2_batch
from .case import Case, Measurement, Settings, extra_goal, ratio_at_most

MIB = 2**20
FRAMEWORKS = ("numpy", "tinygrad4h03", "compiled", "torch")


def current_rss_mib() -> float:
    """The resident set now, from ``/proc`` (Linux); the peak where ``/proc`` is missing."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return peak_rss_mib()
    return pages * resource.getpagesize() / MIB


def peak_rss_mib() -> float:
    """``ru_maxrss``: kibibytes on Linux, bytes on macOS."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MIB if sys.platform == "darwin" else peak / 1024


def memory(framework: str, settings: Settings) -> Measurement:
    """Train W2 at batch 128; the value is the peak RSS, the growth is in ``extra``."""
    steps = 300 if settings.quick else 2000
    checkpoint = steps // 10
    step = w2_batch.build(framework, 128)
    early = 0.0
    for done in range(1, steps + 1):
        step()
        if done == checkpoint:
            early = current_rss_mib()
    late = current_rss_mib()
    return Measurement(
        value=peak_rss_mib(),
        extra={
            "steps": steps,
            f"rss_after_{checkpoint}_mib": early,
            f"rss_after_{steps}_mib": late,
            "growth_mib": late - early,
        },
    )


CASES = [
    Case(
        name="W5",
        title="peak RSS over 2,000 W2 steps at batch 128 (growth from step 200)",
        unit="MiB",
        per="process",
        floor="numpy",
        implementations={name: partial(memory, name) for name in FRAMEWORKS},
        rounds=False,
        goals=(
            extra_goal(
                "tinygrad4h03",
                "growth_mib",
                1.0,
                "flat (growth ≤ 1 MiB)",
                at_least=False,
                shown="{:+.1f} MiB",
            ),
            ratio_at_most("tinygrad4h03", "numpy", 1.5, "peak ≤ 1.5× floor"),
            extra_goal(
                "compiled",
                "growth_mib",
                1.0,
                "flat (growth ≤ 1 MiB, tg.compile)",
                at_least=False,
                shown="{:+.1f} MiB",
            ),
            ratio_at_most("compiled", "numpy", 1.5, "peak ≤ 1.5× floor (tg.compile)"),
        ),
    )
]
