"""Run every benchmark case for every framework, each in its own process; print and save.

    python benchmarks/run.py                 # the full run (about 5-10 minutes on 2 cores)
    python benchmarks/run.py --quick         # a short smoke run
    python benchmarks/run.py --only W1,W3    # some cases (W2 means W2-128 and W2-1024)
    python benchmarks/run.py --json out.json # elsewhere than benchmarks/results/latest.json

Each (case, framework) runs in a fresh worker process, ``run.py --worker FRAMEWORK CASE``,
with one thread everywhere (the BLAS variables are set before NumPy is imported, PyTorch gets
``torch.set_num_threads(1)``). A framework that is missing or raises is reported as ``n/a``
with its reason; the run itself never stops for it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workloads import Case

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_JSON = HERE / "results" / "latest.json"
MARK = "BENCHMARK-RESULT "
WORKER_TIMEOUT_S = 300
ROUNDS = 5  # fresh workers per timed (case, framework), in alternating order
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def pin_threads() -> None:
    """One BLAS thread. Must run before NumPy is imported, hence the late imports below."""
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--only", help="comma-separated cases or prefixes, e.g. W1,W3")
    parser.add_argument("--frameworks", help="comma-separated frameworks, e.g. numpy,torch")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument("--worker", nargs=2, metavar=("FRAMEWORK", "CASE"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    pin_threads()
    args = parse(argv)
    if args.worker:
        return worker(*args.worker, quick=args.quick, size=args.size)
    return orchestrate(args)


# --- the parent: one worker per (case, framework), then the table and the JSON -------------


def orchestrate(args: argparse.Namespace) -> int:
    import report
    from workloads import select

    cases = select(_split(args.only))
    if not cases:
        print(f"no case matches --only {args.only}", file=sys.stderr)
        return 2
    wanted = _split(args.frameworks)
    _warn_if_busy()
    machine = report.machine()
    started = time.time()
    summaries = {}
    for case in cases:
        print(f"{case.name}: {case.title}", file=sys.stderr, flush=True)
        frameworks = [f for f in case.implementations if not wanted or f in wanted]
        raw = measure(case, frameworks, args.quick)
        summaries[case.name] = report.summarise(case, raw)
    payload = {
        "command": " ".join(["python", "benchmarks/run.py", *sys.argv[1:]]),
        "quick": args.quick,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "duration_s": round(time.time() - started, 1),
        "machine": machine,
        "cases": summaries,
    }
    print(report.table(summaries))
    report.write_json(args.json, payload)
    print(f"\nwritten {args.json} in {payload['duration_s']:.0f} s", file=sys.stderr)
    return 0


def _warn_if_busy() -> None:
    """Say so when other processes hold the CPUs: one-thread timings then vary run to run."""
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load > 0.5:
        print(
            f"note: load average {load:.1f} on {cores} cores before the run; other processes "
            "compete for the CPU, so expect noisy timings (ratios within this run still hold "
            "best)",
            file=sys.stderr,
        )


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()] if text else []


def _progress(case: str, framework: str, raw: dict[str, Any], unit: str) -> None:
    from report import format_value

    shown = f"n/a ({raw['error']})" if "error" in raw else format_value(raw["value"], unit)
    print(f"  {case:<9} {framework:<13} {shown}", file=sys.stderr, flush=True)


def measure(case: Case, frameworks: list[str], quick: bool) -> dict[str, dict[str, Any]]:
    """Every framework's answer for ``case``: probed, run once, or pooled over rounds."""
    rounds = 1 if quick or not case.rounds or case.sizes else ROUNDS
    answers: dict[str, list[dict[str, Any]]] = {f: [] for f in frameworks}
    for round_ in range(rounds):
        order = frameworks if round_ % 2 == 0 else frameworks[::-1]
        for framework in order:
            if any("error" in a for a in answers[framework]):
                continue  # a framework that failed once is not asked again
            answers[framework].append(
                probe(case, framework, quick) if case.sizes else spawn(case.name, framework, quick)
            )
    raw = {f: _pool(answers[f]) for f in frameworks}
    for framework, answer in raw.items():
        _progress(case.name, framework, answer, case.unit)
    return raw


def _pool(answers: list[dict[str, Any]]) -> dict[str, Any]:
    """One answer from a framework's rounds: its first error, or the median of all samples."""
    failed = [a for a in answers if "error" in a]
    if failed or len(answers) == 1:
        return (failed or answers)[0]
    samples = [s for a in answers for s in a["samples"]]
    extra = {**answers[0]["extra"], "rounds": len(answers)}
    return {"value": statistics.median(samples), "samples": samples, "extra": extra}


def spawn(case: str, framework: str, quick: bool, size: int | None = None) -> dict[str, Any]:
    """Run one worker process and return its answer (an ``error`` if it gave none)."""
    command = [sys.executable, str(HERE / "run.py"), "--worker", framework, case]
    command += ["--quick"] * quick + (["--size", str(size)] if size else [])
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=WORKER_TIMEOUT_S, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {WORKER_TIMEOUT_S} s", "kind": "Timeout"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    last = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"worker died (status {done.returncode}): {last}", "kind": "Crash"}


def probe(case: Case, framework: str, quick: bool) -> dict[str, Any]:
    """The largest of the case's sizes that works, trying each in a fresh process, in order."""
    tries: dict[str, str] = {}
    best: dict[str, Any] = {"value": 0, "samples": [], "extra": {}}
    for size in case.quick_sizes if quick else case.sizes:
        answer = spawn(case.name, framework, quick, size)
        if "error" in answer:
            tries[str(size)] = answer["error"]
            if not tries.keys() - {str(size)} and answer.get("kind") == "ModuleNotFoundError":
                return answer  # not installed: n/a, not a depth of zero
            best["extra"].update(failed_at=size, failure=answer["error"])
            break
        tries[str(size)] = f"ok in {answer['extra']['seconds']:.2f} s"
        best["value"] = size
    best["extra"]["tries"] = tries
    return best


# --- the worker: one implementation, one answer on stdout ----------------------------------


def worker(framework: str, case_name: str, quick: bool, size: int | None) -> int:
    """Measure ``framework`` on ``case_name`` and print the answer as one marked JSON line."""
    sys.path.insert(1, str(ROOT))  # the working tree's tinygrad4h03 before an installed one
    from workloads import Settings, find

    try:
        measurement = find(case_name).implementations[framework](Settings(quick, size))
        answer: dict[str, Any] = {
            "value": measurement.value,
            "samples": measurement.samples,
            "extra": measurement.extra,
        }
    except Exception as error:  # any failure of a framework is a result, not a crash
        frame = traceback.extract_tb(error.__traceback__)[-1]
        answer = {
            "error": f"{type(error).__name__}: {error}".splitlines()[0],
            "kind": type(error).__name__,
            "where": f"{frame.filename}:{frame.lineno}",
        }
    print(MARK + json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
