"""Profile one workload's tinygrad4h03 step with cProfile: where the Python time goes.

python benchmarks/profile_step.py W1 [steps]
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys

for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[name] = "1"

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from workloads import mlp, w1_lecture, w3_overhead  # noqa: E402

BUILDERS = {
    "W1": lambda: w1_lecture._shared(mlp.tinygrad4h03),
    "W3": w3_overhead.tinygrad4h03,
}


def main() -> None:
    case = sys.argv[1] if len(sys.argv) > 1 else "W1"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    step = BUILDERS[case]()
    for _ in range(200):  # warm up
        step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        step()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
