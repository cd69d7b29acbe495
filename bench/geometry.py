"""Shaped domains (disks, holes, polygons, time after a shape): default solves and a same-run
one-stage baseline, scored on 10,000 points inside the domain (or at a `reference` file's points).

    python bench/geometry.py                          # every problem below
    python bench/geometry.py disk_poisson annulus     # some of them

One row per problem: the error after each kept stage of the default run, its time, and the
baseline: one stage of sine features alone (no singular functions at holes and corners: the
method until 2026-12-05), in the same run.
"""

import argparse
import contextlib
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jax  # noqa: E402
import pdec  # noqa: E402
from pdec.solver.tasks import collocation  # noqa: E402

PROBLEMS = ("disk_poisson", "annulus", "cylinder_flow", "lshape", "heat_disk", "poisson2d_c")
TARGETS = {"disk_poisson": 1e-12, "annulus": 1e-10, "cylinder_flow": 1e-10, "lshape": 1e-5,
           "heat_disk": 1e-9, "poisson2d_c": 1.2e-2}


def timed(problem, stages=None):
    t0 = time.perf_counter()
    sol = pdec.solve(problem, stages=stages)
    return sol, time.perf_counter() - t0


@contextlib.contextmanager
def sines_alone():
    """Collocation stages without singular functions (the baseline)."""
    found = collocation.singular_functions
    collocation.singular_functions = lambda problem: None
    try:
        yield
    finally:
        collocation.singular_functions = found


def row(name: str) -> str:
    problem = pdec.compile(ROOT / "problems" / f"{name}.pde")
    sol, wall = timed(problem)
    kept = [r for r in sol.report if r.kept]
    per_stage = " / ".join(f"{r.rel_l2:.1e}" for r in kept)
    with sines_alone():
        base, base_wall = timed(problem, stages=1)
    final = kept[-1].rel_l2
    met = "yes" if final <= TARGETS[name] else "no"
    return (f"| {name} | {per_stage} | {final:.1e} | {kept[-1].max_error:.1e} | {wall:.0f} s | "
            f"{base.report[0].rel_l2:.1e} in {base_wall:.0f} s | {TARGETS[name]:.0e} | {met} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("problems", nargs="*", default=list(PROBLEMS))
    args = ap.parse_args()
    print(f"# Shaped domains, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()} "
          f"({platform.processor() or 'cpu'}), jax {jax.__version__}, default settings\n")
    print("| problem | rel L2 per kept stage | rel L2 | max error | time | one stage, sines alone (baseline) | target | met |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.problems:
        print(row(name), flush=True)


if __name__ == "__main__":
    main()
