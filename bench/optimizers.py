"""Compare stage optimizers inside the full multi-stage regression of problem (a).

    python bench/optimizers.py [--seeds 0 1 2] [--configs lbfgs lm hybrid] [--max-stages 4]

Every configuration runs the same driver (``solve_fit``) with the default settings except the
optimizer of each stage; prints per-stage held-out relative L2 error and wall time, then the
median final error and total time over the seeds.
"""

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
# `import pdec` comes first: it sets OpenBLAS to one thread before NumPy loads (pdec/settings.py;
# LM's Cholesky on a shared 2-core machine took 0.15-2.6 s instead of 0.01 s with more).
import pdec  # noqa: F401  (float64, and BLAS threads before NumPy)
import jax.numpy as jnp

from pdec.records import format_stage
from pdec.solver.driver import Schedule
from pdec.solver.stages.trained import LBFGS, LevenbergMarquardt, Trained
from pdec.solver.tasks.fit import FitSettings, solve_fit


def target(x):
    return jnp.sin(2 * x[:, 0] + 1) + 0.2 * jnp.exp(1.3 * x[:, 0])


def schedule_for(config: str) -> Schedule:
    """Four stages, Adam warm start (3000 steps) in all, then:

    - 'lbfgs': L-BFGS 20000 iterations every stage, widths 20/20/30/40 (the paper's recipe);
    - 'lm': Levenberg-Marquardt 400 steps every stage, width 20 (solve_fit's stage 1);
    - 'hybrid': L-BFGS for the tanh stage 1, LM for the sine stages;
    - 'lm_z': 'lm' with the sine stages fed z instead of the Chebyshev angle t.
    """
    out = []
    for k, width in enumerate((20, 20, 30, 40), start=1):
        sine = dict(sine_first=k > 1, angle_input=k > 1 and config != "lm_z")
        use_lm = config.startswith("lm") or (config == "hybrid" and k > 1)
        if use_lm:
            out.append(Trained((20, 20, 20), adam_steps=3000, optimizer=LevenbergMarquardt(400), **sine))
        else:
            out.append(Trained((width,) * 3, adam_steps=3000, optimizer=LBFGS(20000), **sine))
    return Schedule(tuple(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--configs", nargs="+", default=["lbfgs", "lm", "hybrid"])
    ap.add_argument("--max-stages", type=int, default=4)
    args = ap.parse_args()
    print(f"# optimizers on problem (a), {time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, "
          f"{platform.processor() or platform.machine()}")
    rows = {}
    for config in args.configs:
        for seed in args.seeds:
            settings = FitSettings(schedule=schedule_for(config))
            t0 = time.perf_counter()
            sol = solve_fit([-1.0], [1.0], ["u"], [target], tol=0.0, max_stages=args.max_stages,
                            seed=seed, settings=settings,
                            callback=lambda s: print(f"  {config:7s} seed {seed}: " + format_stage(s.report), flush=True))
            total = time.perf_counter() - t0
            rows.setdefault(config, []).append(([r.rel_l2 for r in sol.report], [r.wall_time for r in sol.report], total))
    print()
    print("| optimizer | seeds | rel L2 per stage (median) | time per stage s (median) | final rel L2 (median) | total s (median) |")
    print("|---|---|---|---|---|---|")
    for config, runs in rows.items():
        n = min(len(r[0]) for r in runs)
        errs = [statistics.median(r[0][i] for r in runs) for i in range(n)]
        times = [statistics.median(r[1][i] for r in runs) for i in range(n)]
        final = statistics.median(min(r[0]) for r in runs)
        total = statistics.median(r[2] for r in runs)
        print(f"| {config} | {len(runs)} | {' / '.join(f'{e:.1e}' for e in errs)} | "
              f"{' / '.join(f'{t:.0f}' for t in times)} | {final:.1e} | {total:.0f} |")


if __name__ == "__main__":
    main()
