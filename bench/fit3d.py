"""The 3D fit (problems/fit3d.pde) by its default stages against the stage they replaced.

    python bench/fit3d.py            # seeds 0, 1, 2

Default: interpolation stages (`pdec.solver.stages.interpolation`); baseline, in the same
process: one least-squares stage of 3000 sine features at the fixed band 3 on 12,000 random
points (the default until 2026-12-04). Relative L2 and max error on 10,000 held-out points.
"""

import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

import pdec  # noqa: E402,F401  (float64)
from pdec.solver.driver import Schedule  # noqa: E402
from pdec.solver.stages.least_squares import LeastSquares  # noqa: E402
from pdec.solver.tasks.fit import FitSettings, solve_fit  # noqa: E402


def target(x):
    return jnp.sin(x[:, 0] + 2 * x[:, 1]) * jnp.cos(x[:, 2]) + 0.3 * x[:, 0] * x[:, 2]


def run(name: str, settings: FitSettings, seed: int, stages: int) -> str:
    t0 = time.perf_counter()
    sol = solve_fit([-1.0] * 3, [1.0] * 3, ["u"], [target], seed=seed, max_stages=stages, settings=settings)
    wall = time.perf_counter() - t0
    per_stage = " / ".join(f"{r.rel_l2:.1e}" + ("" if r.kept else " (discarded)") for r in sol.report)
    best = min(r.rel_l2 for r in sol.report if r.kept)
    return f"| {name} | {seed} | {per_stage} | **{best:.1e}** | {wall:.1f} s |"


def main() -> None:
    print(f"# fit3d, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, jax {jax.__version__}\n")
    print("| stages | seed | rel L2 per stage | rel L2 | time |")
    print("|---|---|---|---|---|")
    baseline = FitSettings(schedule=Schedule((LeastSquares(3000, band=3.0),)))
    for seed in (0, 1, 2):
        print(run("default (interpolation)", FitSettings(), seed, 4), flush=True)
        print(run("baseline: least squares, band 3, one stage", baseline, seed, 1), flush=True)


if __name__ == "__main__":
    main()
