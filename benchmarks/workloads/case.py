"""What a benchmark case is, what one measurement holds, and how a step is timed.

A *case* is one row group of the results table (``W1``, ``W2-128``, ...): a title, the unit
of its number, the framework that is its floor, one implementation per framework and the
goals the project set for it. An *implementation* runs inside its own worker process and
returns one :class:`Measurement`.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

Step = Callable[[], object]
"""One unit of timed work (a training step, a forward+backward); its return value is ignored."""


@dataclass(frozen=True)
class Settings:
    """What a worker was asked to do: a short smoke run or the full one, and a size to probe."""

    quick: bool = False
    size: int | None = None

    @property
    def repeats(self) -> int:
        return 3

    @property
    def seconds_per_repeat(self) -> float:
        return 0.03 if self.quick else 0.2

    def time(self, step: Step, per_step: int = 1) -> Measurement:
        """Median seconds per call of ``step`` (divided by ``per_step``), after a warm-up.

        Each repeat runs ``step`` as many times as fit in :attr:`seconds_per_repeat` (like
        ``timeit``'s autorange), so slow and fast frameworks get equally stable medians.
        """
        first = _seconds(step, 1)  # the first call builds caches; never counted
        number = max(1, math.ceil(self.seconds_per_repeat / max(first, 1e-9)))
        _seconds(step, max(1, number // 4))  # warm-up with the steady-state loop
        samples = [_seconds(step, number) / number / per_step for _ in range(self.repeats)]
        return Measurement(
            value=statistics.median(samples),
            samples=samples,
            extra={"calls_per_repeat": number, "per_step": per_step},
        )


def _seconds(step: Step, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        step()
    return time.perf_counter() - start


@dataclass
class Measurement:
    """One framework's number for one case (seconds, MiB or a depth, as the case's unit)."""

    value: float
    samples: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


Implementation = Callable[[Settings], Measurement]


def timed(build: Callable[[], Step], per_step: int = 1) -> Implementation:
    """An implementation that builds its state once, then times the step it returns."""

    def run(settings: Settings) -> Measurement:
        return settings.time(build(), per_step=per_step)

    return run


Results = dict[str, Measurement]
"""The successful measurements of one case, by framework."""


@dataclass(frozen=True)
class Goal:
    """A target for one framework: ``metric(results) <= bound`` (or ``>=`` when ``at_least``).

    ``text`` states the goal as the issue does; ``shown`` formats the measured metric;
    ``reference`` names the framework a ratio goal divides by.
    """

    framework: str
    text: str
    metric: Callable[[Results], float | None]
    bound: float
    at_least: bool = False
    shown: Callable[[float], str] = "{:.2f}×".format
    reference: str | None = None

    def measure(self, results: Results) -> tuple[float | None, bool | None]:
        """The measured metric and whether it meets the bound (``None`` when not measurable)."""
        value = self.metric(results)
        if value is None:
            return None, None
        return value, (value >= self.bound if self.at_least else value <= self.bound)


def ratio_at_most(framework: str, reference: str, bound: float, text: str) -> Goal:
    """``framework`` takes at most ``bound`` times as long as ``reference``."""
    metric = partial(_ratio, numerator=framework, denominator=reference)
    return Goal(framework, text, metric, bound, reference=reference)


def speedup_at_least(framework: str, reference: str, bound: float, text: str) -> Goal:
    """``framework`` is at least ``bound`` times faster than ``reference``."""
    metric = partial(_ratio, numerator=reference, denominator=framework)
    shown = "{:.1f}× faster".format
    return Goal(framework, text, metric, bound, True, shown, reference)


def extra_goal(
    framework: str, key: str, bound: float, text: str, *, at_least: bool, shown: str
) -> Goal:
    """A bound on one of the framework's extra numbers (a memory growth, a depth)."""

    def metric(results: Results) -> float | None:
        found = results.get(framework)
        return None if found is None else found.extra.get(key)

    return Goal(framework, text, metric, bound, at_least=at_least, shown=shown.format)


def _ratio(results: Results, numerator: str, denominator: str) -> float | None:
    top, bottom = results.get(numerator), results.get(denominator)
    if top is None or bottom is None or bottom.value == 0:
        return None
    return top.value / bottom.value


@dataclass(frozen=True)
class Case:
    """One benchmark: a title, a unit, its floor, one implementation per framework, goals.

    A timed case runs every framework in several rounds of fresh workers, alternating their
    order, and pools the samples, so that a slow drift of the machine hits all alike;
    ``rounds=False`` runs each framework once (a memory measurement). ``sizes`` makes the case
    a probe: each size runs in its own worker, from small to large, and the framework's value
    is the largest size that worked.
    """

    name: str
    title: str
    unit: str  # "s" (seconds per step/op/sample), "MiB" or "depth"
    per: str  # what one "s" is per: "step", "op", "sample"
    floor: str
    implementations: dict[str, Implementation]
    goals: tuple[Goal, ...] = ()
    rounds: bool = True
    sizes: tuple[int, ...] = ()
    quick_sizes: tuple[int, ...] = ()
