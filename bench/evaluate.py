"""Evaluating a saved-size solution on many points: wall time and peak memory.

    python bench/evaluate.py [--points 10000000] [--unbatched]

The solution: one field on [-1, 1]^2 with 4 stages as a 2D solve makes them (stage 1 tanh
(20, 20, 20), stages 2-4 sine over the Chebyshev angle (30, 30, 30)); random weights, no
training, since evaluation cost does not depend on the values. Points are uniformly random.
Peak RSS (`ru_maxrss`) is the whole process's, input points and output values included.
`--unbatched` evaluates all points in one jitted call instead, for comparison (run it in its
own process: peak RSS never goes down).
"""

import argparse
import dataclasses
import os
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import pdec  # noqa: E402,F401  (first: float64, and one BLAS thread before NumPy loads)
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from pdec.solution import BATCH, Solution, Stage  # noqa: E402
from pdec.solver import network  # noqa: E402


def four_stage_solution() -> Solution:
    """One field on [-1, 1]^2: a tanh stage 1 and three sine stages, as the 2D defaults build."""
    key = jax.random.PRNGKey(0)
    stages = [Stage(network.init_stage(key, 2, (20, 20, 20)), jnp.asarray(1.0), jnp.ones(2))]
    for k in range(1, 4):
        params = network.init_stage(jax.random.fold_in(key, k), 2, (30, 30, 30), sine_first=True)
        stages.append(Stage(params, jnp.asarray(10.0 ** (-4 * k)), jnp.full(2, 4.0 * k), True, True))
    return Solution(jnp.asarray([-1.0, -1.0]), jnp.asarray([1.0, 1.0]), ("u",), (tuple(stages),), (), {}, ("x", "y"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=int, default=10**7)
    ap.add_argument("--unbatched", action="store_true", help="one jitted call for all points")
    args = ap.parse_args()
    sol = four_stage_solution()
    pts = np.random.default_rng(0).uniform(-1.0, 1.0, (args.points, 2))
    print(f"{platform.machine()}, {os.cpu_count()} cores, JAX {jax.__version__}; "
          f"{args.points:,} points, {'unbatched' if args.unbatched else f'batches of {BATCH:,}'}")
    print(f"before evaluating: peak RSS {peak_rss_mb():.0f} MB")
    t0 = time.perf_counter()
    if args.unbatched:  # traced points take Solution.evaluate's one-call path; the stages are arguments
        one_call = jax.jit(lambda stages, points: dataclasses.replace(sol, stages=stages)(points))
        values = np.asarray(one_call(sol.stages, jnp.asarray(pts)))
    else:
        values = np.asarray(sol(pts))
    wall = time.perf_counter() - t0
    assert values.shape == (args.points,) and np.all(np.isfinite(values))
    print(f"evaluated in {wall:.2f} s ({args.points / wall / 1e6:.2f} M points/s, first compilation "
          f"included); peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
