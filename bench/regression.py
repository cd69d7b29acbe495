"""Multi-stage regression with the default settings of ``solve_fit``, against one network.

    python bench/regression.py [--problem a|b|c ...] [--seed 0] [--no-baseline] [--trained]

Problems:
  (a) u = sin(2x+1) + 0.2 exp(1.3x) on [-1, 1]         target rel L2 <= 1e-15 in <= 3 min
  (b) u = log(x+2) cos(2x + x^3) on [-1, 1]            target rel L2 <= 1e-14
  (c) u = (sin(2x+1) - 0.5x)(1 - y^2) on [-1, 1]^2     target rel L2 <= 1e-12 in <= 15 min
  (d), (e): two more 2D targets, (f) a 3D one; not run by default (bench/RESULTS.md)

Per problem: error per stage (relative L2 and max abs on 10,000 uniformly random held-out
points), time per stage, and two single-stage baselines: the stage-1 network of the same code
(Adam, then L-BFGS continued in chunks) given the same total wall time as the multi-stage solve,
and one least-squares stage (the default kind of stages 2+) fitted to the target itself.
``--trained``: stages 2+ are trained sine networks instead (the default before least-squares
stages: Adam 3000 + LM 400, width 20 in 1D, 30 in 2D with 2000 LM steps in stage 1).
"""

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
# `import pdec` comes first: it sets OpenBLAS to one thread before NumPy loads (pdec/settings.py;
# LM's Cholesky on a shared 2-core machine took 0.15-2.6 s instead of 0.01 s with more).
import pdec  # noqa: E402,F401  (float64, and BLAS threads before NumPy)
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

from pdec.records import describe_stop, format_stage  # noqa: E402
from pdec.solution import Stage  # noqa: E402
from pdec.solver import keys, network, optimize  # noqa: E402
from pdec.solver.driver import Schedule  # noqa: E402
from pdec.solver.schedules import fit_schedule  # noqa: E402
from pdec.solver.stages.trained import LevenbergMarquardt, Trained  # noqa: E402
from pdec.solver.tasks.base import State  # noqa: E402
from pdec.solver.tasks.fit import ClosedFormTask, FitSettings, solve_fit  # noqa: E402

PROBLEMS = {
    "a": ("sin(2x+1) + 0.2 exp(1.3x)", [-1.0], [1.0], 1e-15,
          lambda x: jnp.sin(2 * x[:, 0] + 1) + 0.2 * jnp.exp(1.3 * x[:, 0])),
    "b": ("log(x+2) cos(2x + x^3)", [-1.0], [1.0], 1e-14,
          lambda x: jnp.log(x[:, 0] + 2) * jnp.cos(2 * x[:, 0] + x[:, 0] ** 3)),
    "c": ("(sin(2x+1) - 0.5x)(1 - y^2)", [-1.0, -1.0], [1.0, 1.0], 1e-12,
          lambda x: (jnp.sin(2 * x[:, 0] + 1) - 0.5 * x[:, 0]) * (1 - x[:, 1] ** 2)),
    # Not in the targets: 2D residues with more modes than a least-squares stage holds.
    "d": ("exp(x) sin(3y) + cos(4xy)", [-1.0, -1.0], [1.0, 1.0], 1e-12,
          lambda x: jnp.exp(x[:, 0]) * jnp.sin(3 * x[:, 1]) + jnp.cos(4 * x[:, 0] * x[:, 1])),
    "e": ("1 / (1 + 4(x^2 + y^2))", [0.0, -1.0], [2.0, 1.0], 1e-12,
          lambda x: 1 / (1 + 4 * (x[:, 0] ** 2 + x[:, 1] ** 2))),
    # 3D: trained sine stages (least-squares stages cannot hold a 3D band; bench/RESULTS.md).
    "f": ("sin(x + 2y) cos(z) + 0.3 x z, 3D", [-1.0, -1.0, -1.0], [1.0, 1.0, 1.0], 1e-12,
          lambda x: jnp.sin(x[:, 0] + 2 * x[:, 1]) * jnp.cos(x[:, 2]) + 0.3 * x[:, 0] * x[:, 2]),
}


def single_stage(target, lower, upper, seconds: float, seed: int):
    """One stage-1 network trained for ``seconds``: Adam, then L-BFGS chunks of 5000 iterations
    until the time is spent (the last chunk may overrun). Returns (held-out measure, iterations,
    wall); the keys are those of field 0, stage 1 of ``solve_fit``."""
    cfg = FitSettings()
    s1 = fit_schedule(len(lower))(1)
    key = keys.fit_field(seed, 0)
    lo, hi = jnp.asarray(lower), jnp.asarray(upper)
    task = ClosedFormTask(target, lo, hi, cfg, key)
    t0 = time.perf_counter()
    setup = task.setup((), s1)
    params = network.init_stage(keys.fit_stage(key, 1), task.in_dim, s1.widths, 1)
    params, _ = optimize.adam(setup.residual, params, s1.adam_steps, s1.adam_lr)
    iters = s1.adam_steps
    while time.perf_counter() - t0 < seconds:
        params, res = optimize.lbfgs(setup.residual, params, 5000)
        iters += res.iterations
    stage = Stage(params, jnp.asarray(setup.eps), setup.kappa)
    return task.measure(State(((stage,),))), iters, time.perf_counter() - t0


def trained_schedule(d: int) -> Schedule:
    """Stages 2+ as trained sine networks (the 3D default; 1D and 2D before least squares)."""
    return Schedule((
        Trained((20, 20, 20), adam_steps=3000, optimizer=LevenbergMarquardt(400 if d == 1 else 2000)),
        Trained((20 if d == 1 else 30,) * 3, sine_first=True, angle_input=True, adam_steps=3000,
                optimizer=LevenbergMarquardt(400)),
    ))


def single_least_squares(target, lower, upper, seed: int):
    """One least-squares stage (the default stage 2's settings) fitted to the target itself."""
    ls = fit_schedule(len(lower))(2)
    t0 = time.perf_counter()
    sol = solve_fit(lower, upper, ["u"], [target], seed=seed, max_stages=1,
                    settings=FitSettings(schedule=Schedule((ls,))))
    return sol.report[0], time.perf_counter() - t0


def run(name: str, seed: int, baseline: bool, trained: bool = False) -> None:
    label, lower, upper, target_tol, f = PROBLEMS[name]
    print(f"\n## Problem ({name}): u = {label} on {lower}..{upper}, target rel L2 <= {target_tol:.0e}")
    settings = FitSettings(schedule=trained_schedule(len(lower))) if trained else None
    t0 = time.perf_counter()
    sol = solve_fit(lower, upper, ["u"], [f], seed=seed, settings=settings,
                    callback=lambda s: print("  " + format_stage(s.report), flush=True))
    total = time.perf_counter() - t0
    kept = [r for r in sol.report if r.kept]
    final = kept[-1]
    print()
    print("| stage | eps | kappa | points | iterations | rel L2 | max abs | stage s | cumulative s |")
    print("|---|---|---|---|---|---|---|---|---|")
    cum = 0.0
    for r in sol.report:
        cum += r.wall_time
        mark = "" if r.kept else " (discarded)"
        print(f"| {r.stage}{mark} | {r.eps:.2e} | {', '.join(f'{k:.3g}' for k in r.kappa)} | {r.points} | "
              f"{r.iterations} | {r.rel_l2:.2e} | {r.max_error:.2e} | {r.wall_time:.1f} | {cum:.1f} |")
    print(f"\nstop: {describe_stop(sol.report, len(sol.report) - 1)}; total wall {total:.1f} s (incl. setup); "
          f"final rel L2 {final.rel_l2:.2e}, max abs {final.max_error:.2e}; "
          f"target {target_tol:.0e}: {'MET' if final.rel_l2 <= target_tol else 'NOT met'}")
    if baseline:
        errs, iters, wall = single_stage(f, lower, upper, total, seed)
        print(f"single stage, same code and wall time ({wall:.1f} s, {iters} iterations): rel L2 "
              f"{errs.rel_l2:.2e}, max abs {errs.max_error:.2e}; ratio single/multi: rel L2 "
              f"{errs.rel_l2 / final.rel_l2:.1e}x, max {errs.max_error / final.max_error:.1e}x")
        if not trained:
            r, wall = single_least_squares(f, lower, upper, seed)
            print(f"one least-squares stage on the target ({wall:.1f} s, {r.points} points): rel L2 "
                  f"{r.rel_l2:.2e}, max abs {r.max_error:.2e}; ratio to multi-stage: rel L2 "
                  f"{r.rel_l2 / final.rel_l2:.1e}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--problem", nargs="+", default=["a", "b", "c"], choices=sorted(PROBLEMS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--trained", action="store_true", help="stages 2+ trained sine networks (the old default)")
    args = ap.parse_args()
    print(f"# regression bench, {time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, "
          f"{platform.machine()}, jax {jax.__version__}, {jax.device_count()} CPU device(s)")
    for name in args.problem:
        run(name, args.seed, not args.no_baseline, args.trained)


if __name__ == "__main__":
    main()
