"""Fronts: the viscous Burgers problems with default settings, scored against their exact solutions.

    python bench/burgers.py                    # every problem below (~15 min on 2 cores)
    python bench/burgers.py burgers_wide       # some of them

Per problem, one row per stage of `pdec.solve(problem)` (default settings, seed 0): what kind of
stage it was, its unknowns, the equation residual RMS at its own points and on fresh points,
the relative L2 and max error on 10,000 random points against the exact solution (the Cole-Hopf
solution `pdec.reference.burgers` for the time-dependent ones, the file's `exact` for the steady
one), whether it was kept, and the time since the start. The baseline is the same defaults
stopped after one stage (today's method, one collocation stage alone), run in the same process.
"""

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jax  # noqa: E402
import numpy as np  # noqa: E402
import pdec  # noqa: E402
from pdec.reference import burgers  # noqa: E402

NU = {"burgers": 0.01 / np.pi, "burgers_wide": 0.1 / np.pi}
PROBLEMS = ("burgers", "burgers_wide", "burgers_steady")
TARGETS = {"burgers": 1e-8, "burgers_wide": 1e-11, "burgers_steady": 1e-10}


def scorer(name: str, problem):
    """(points, exact values) on 10,000 random points of the box."""
    rng = np.random.default_rng(2026)
    pts = rng.uniform(problem.lower, problem.upper, (10000, problem.dimension))
    if name in NU:
        return pts, burgers(pts[:, 0], pts[:, 1], nu=NU[name])
    return pts, np.asarray(pdec.lower(problem).exact["u"](pts))


def errors(sol, pts, exact) -> tuple[float, float]:
    e = np.asarray(sol(pts)) - exact
    return float(np.linalg.norm(e) / np.linalg.norm(exact)), float(np.max(np.abs(e)))


def table(name: str) -> None:
    problem = pdec.compile(ROOT / "problems" / f"{name}.pde")
    pts, exact = scorer(name, problem)
    rows, t0 = [], time.perf_counter()

    def record(sol):
        r = sol.report[-1]
        rel, worst = errors(sol, pts, exact)
        kind = "spectral" if "unknowns" in r.figures else "collocation"
        f = r.figures
        rows.append(f"| {r.stage} | {kind} | {int(f.get('unknowns', 0)) or '-'} | {f['equation_rms']:.1e} | "
                    f"{f['fresh_rms']:.1e} | {rel if r.kept else float('nan'):.1e} | {worst if r.kept else float('nan'):.1e} | "
                    f"{'yes' if r.kept else 'no'} | {time.perf_counter() - t0:.0f} |")

    sol = pdec.solve(problem, callback=record)
    wall = time.perf_counter() - t0
    final, worst = errors(sol, pts, exact)
    t1 = time.perf_counter()
    base = pdec.solve(problem, stages=1)
    base_wall = time.perf_counter() - t1
    base_rel, _ = errors(base, pts, exact)
    print(f"#### {name} (problems/{name}.pde)\n")
    print("| stage | kind | unknowns | eq RMS (own points) | eq RMS (fresh) | rel L2 | max abs | kept | s |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    met = "met" if final <= TARGETS[name] else "not met"
    print(f"\ndefaults: rel L2 {final:.2e} (max {worst:.2e}) in {wall:.0f} s; one stage alone: {base_rel:.2e} in "
          f"{base_wall:.0f} s; target {TARGETS[name]:.0e}: {met}\n", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", default=list(PROBLEMS))
    args = ap.parse_args()
    print(f"# bench/burgers.py, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, jax {jax.__version__}, "
          f"{jax.device_count()} {jax.devices()[0].platform.upper()} device(s), seed 0\n", flush=True)
    for name in args.names:
        table(name)


if __name__ == "__main__":
    main()
