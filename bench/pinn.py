"""Multi-stage PINN on the gallery's equation problems: error per stage, with default settings.

    python bench/pinn.py                     # every problem below
    python bench/pinn.py ode_point poisson1d # some of them

Prints, per problem, one row per stage (eps, kappa, gamma, points, loss, equation residual RMS,
condition residual max, relative L2 and max error on 10,000 random test points, time).
"""

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout

import pdec  # noqa: E402  (float64 first)
import jax  # noqa: E402

PROBLEMS = ["ode_point", "poisson1d", "burgers_steady", "poisson2d", "heat"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("problems", nargs="*", default=PROBLEMS)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stages", type=int, default=4)
    args = ap.parse_args()
    print(f"# PINN bench, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, jax {jax.__version__}, "
          f"{jax.device_count()} {jax.devices()[0].platform.upper()} device(s), seed {args.seed}\n")
    for name in args.problems:
        problem = pdec.compile(ROOT / "problems" / f"{name}.pde")
        print(f"## {name}: {problem.equations[0].text}\n")
        print("| stage | eps | kappa | gamma | points | loss | eq RMS | cond max | rel L2 | max abs | s |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        t0 = time.perf_counter()
        sol = pdec.solve(problem, stages=args.stages, seed=args.seed)
        for r in sol.report:
            kappa = ", ".join(f"{k:.3g}" for k in r.kappa)
            stage = f"{r.stage}" + ("" if r.kept else " (discarded)")
            print(f"| {stage} | {r.eps:.2e} | {kappa} | {r.gamma:.3f} | {r.points} | {r.loss:.2e} | "
                  f"{r.equation_rms:.2e} | {r.condition_max:.2e} | {r.rel_l2:.2e} | {r.max_error:.2e} | "
                  f"{r.wall_time:.1f} |")
        kept = [r for r in sol.report if r.kept]
        print(f"\nfinal rel L2 {kept[-1].rel_l2:.2e}, max {kept[-1].max_error:.2e}, "
              f"{time.perf_counter() - t0:.0f} s; stop: {sol.report[-1].stop_reason}\n", flush=True)


if __name__ == "__main__":
    main()
