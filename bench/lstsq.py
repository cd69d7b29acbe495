"""The linear least-squares solves of collocation stages compared: dense SVD (the default),
sketch-and-precondition LSQR, and Lineax's SVD (where lineax is installed; not a dependency).

    python bench/lstsq.py                 # poisson2d at 4,000 and 30,000 points, poisson3d
    python bench/lstsq.py --repeat 3      # medians of 3 timings

Each system is the one a default stage 1 solves (its first Gauss-Newton solve), captured by a
`LinearSolve` that records it; every solve then runs on the same matrix, in this process, one
at a time. Columns: rows x unknowns, the numerical rank kept, the residual ||a x - b|| / ||b||,
the norm of x (the minimum-norm solve keeps it small), the time, and the peak memory above
the matrix (resident high-water mark, `pdec.solver.memory`).
"""

import argparse
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import pdec  # noqa: E402  (float64)
from pdec.language.lowering import lower  # noqa: E402
from pdec.solver import lstsq, memory  # noqa: E402
from pdec.solver.driver import Schedule  # noqa: E402
from pdec.solver.schedules import equation_schedule  # noqa: E402
from pdec.solver.tasks.equations import EquationSettings, solve_equations  # noqa: E402

CASES = (("poisson2d", None), ("poisson2d", 30000), ("poisson3d", None))


@dataclass(frozen=True)
class Capture(lstsq.LinearSolve):
    """The dense solve, keeping every system it is handed."""

    systems: list = field(default_factory=list, compare=False)

    def nbytes(self, rows, cols):
        return lstsq.Dense().nbytes(rows, cols)

    def __call__(self, a, b):
        self.systems.append((np.array(a), np.array(b)))
        return lstsq.Dense()(a, b)


def system(name: str, points: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The first system stage 1 of problems/NAME.pde solves with default settings."""
    problem = pdec.compile(str(ROOT / "problems" / f"{name}.pde"))
    first = equation_schedule(problem.dimension)(1)
    capture = Capture()
    kind = first.__class__(**{**first.__dict__, "solve": capture, "points": points or first.points})
    cfg = EquationSettings(schedule=Schedule((kind,)))
    solve_equations(problem, lower(problem), tol=0.0, max_stages=1, settings=cfg)
    return capture.systems[0]


def lineax_svd():
    """Lineax's SVD solve (rcond as the dense one's), or None where lineax is not installed."""
    try:
        import jax.numpy as jnp
        import lineax as lx
    except ImportError:
        return None

    def solve(a, b):
        a, b, norms = lstsq.base.unit_columns(a, b)
        op = lx.MatrixLinearOperator(jnp.asarray(a / norms))
        sol = lx.linear_solve(op, jnp.asarray(b), solver=lx.SVD(rcond=lstsq.RCOND))
        return lstsq.Solved(np.asarray(sol.value) / norms, -1, float("nan"))
    return solve


def timed(solve, a, b, repeat: int):
    times, peaks = [], []
    for _ in range(repeat):
        memory.reset_peak()
        base = memory.peak_bytes()
        t0 = time.perf_counter()
        out = solve(a, b)
        times.append(time.perf_counter() - t0)
        peaks.append(memory.peak_bytes() - base)
    return out, statistics.median(times), max(peaks)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    solves = [("dense SVD (default)", lstsq.Dense()), ("sketched LSQR", lstsq.Sketched())]
    if (lx := lineax_svd()) is not None:
        solves.append(("lineax SVD", lx))
    print(f"# {platform.machine()}, {platform.processor() or 'cpu'}, {time.strftime('%Y-%m-%d')}")
    print("| system | solve | rows x unknowns | rank | residual / |b| | norm of x | time | peak above a |")
    print("|---|---|---|---|---|---|---|---|")
    for name, points in CASES:
        a, b = system(name, points)
        label = f"{name} stage 1" + (f", {points:,} points" if points else "")
        for what, solve in solves:
            out, wall, peak = timed(solve, a, b, args.repeat)
            res = np.linalg.norm(a @ out.x - b) / np.linalg.norm(b)
            print(f"| {label} | {what} | {a.shape[0]:,} x {a.shape[1]:,} | {out.rank} | {res:.1e} | "
                  f"{np.linalg.norm(out.x):.2e} | {wall:.2f} s | {peak / 1e9:.2f} GB |", flush=True)


if __name__ == "__main__":
    main()
