"""Sweep the least-squares feature band of an equation problem and print one row per stage.

    python bench/band.py problems/poisson5d.pde --band 1 1.5 2 --stages 3
    python bench/band.py problems/heat3d.pde --band 1.5 2 3 --features 3000 --points 8000

Each run is the default equation solve with one `Collocation` kind (features, points, band),
the same band at every stage (``follow`` off), so the band's effect is seen alone; the default
schedule's per-dimension bands (`schedules.equation_schedule`) were chosen from these tables.
"""

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdec  # noqa: E402
from pdec.language.lowering import lower  # noqa: E402
from pdec.solver.driver import Schedule  # noqa: E402
from pdec.solver.stages.collocation import Collocation  # noqa: E402
from pdec.solver.tasks.equations import EquationSettings, solve_equations  # noqa: E402


def sweep(path: str, bands: list[float], features: int, points: int, stages: int) -> None:
    problem = pdec.compile(path)
    print(f"# {path}: {features} features, {points} points, {stages} stages, "
          f"{time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}")
    print("| band | stage | rel L2 | points | stage s | kept |\n|---|---|---|---|---|---|")
    for band in bands:
        kind = Collocation(features, points, band, follow=False)
        t0 = time.perf_counter()
        sol = solve_equations(problem, lower(problem), tol=1e-15, max_stages=stages,
                              settings=EquationSettings(schedule=Schedule((kind,))))
        for r in sol.report:
            print(f"| {band:g} | {r.stage} | {r.rel_l2:.2e} | {r.points} | {r.wall_time:.1f} | {r.kept} |")
        print(f"| {band:g} | total | | | {time.perf_counter() - t0:.1f} | |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--band", type=float, nargs="+", required=True)
    ap.add_argument("--features", type=int, default=3000)
    ap.add_argument("--points", type=int, default=8000)
    ap.add_argument("--stages", type=int, default=3)
    a = ap.parse_args()
    sweep(a.file, a.band, a.features, a.points, a.stages)


if __name__ == "__main__":
    main()
