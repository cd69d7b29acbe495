"""Fronts: the viscous Burgers problems with default settings, scored against their exact solutions.

    python bench/burgers.py                    # every problem below (~15 min on 2 cores)
    python bench/burgers.py burgers_wide       # some of them
    python bench/burgers.py burgers_wide --plot docs   # also docs/burgers_wide_front.png

Per problem, one row per stage of `pdec.solve(problem)` (default settings, seed 0): what kind of
stage it was, its unknowns, the equation residual RMS at its own points and on fresh points,
the relative L2 and max error on 10,000 random points against the exact solution (the Cole-Hopf
solution `pdec.reference.burgers` for the time-dependent ones, the file's `exact` for the steady
one), whether it was kept, and the time since the start. The baseline is the same defaults
stopped after one stage (today's method, one collocation stage alone), run in the same process.
"""

import argparse
import dataclasses
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
from pdec.solution import ChebyshevStage  # noqa: E402

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


def front_picture(name: str, sol, path: Path) -> None:
    """The error after each kept stage along x near the front, at t = 0.5 and t = 1."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.linspace(-0.25, 0.25, 2001)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    for ax, t in zip(axes, (0.5, 1.0)):
        pts = np.column_stack([x, np.full_like(x, t)])
        exact = burgers(x, t, nu=NU[name])
        for k in range(1, len(sol.stages[0]) + 1):
            part = dataclasses.replace(sol, stages=tuple(st[:k] for st in sol.stages))
            kind = "spectral" if isinstance(sol.stages[0][k - 1], ChebyshevStage) else "collocation"
            ax.semilogy(x, np.abs(np.asarray(part(pts)) - exact) + 1e-17, lw=0.8, label=f"after kept stage {k} ({kind})")
        ax.set_title(f"{name}: |u - exact| at t = {t:g}")
        ax.set_xlabel("x")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def table(name: str, plot: Path | None = None) -> None:
    problem = pdec.compile(ROOT / "problems" / f"{name}.pde")
    pts, exact = scorer(name, problem)
    scored, t0 = {}, time.perf_counter()

    def record(sol):
        """The errors of the solution after each stage, and the time since the start."""
        scored[sol.report[-1].stage] = (*errors(sol, pts, exact), time.perf_counter() - t0)

    sol = pdec.solve(problem, callback=record)
    wall = time.perf_counter() - t0
    if plot is not None and name in NU:
        front_picture(name, sol, plot / f"{name}_front.png")
    final, worst = errors(sol, pts, exact)
    t1 = time.perf_counter()
    base = pdec.solve(problem, stages=1)
    base_wall = time.perf_counter() - t1
    base_rel, _ = errors(base, pts, exact)
    print(f"#### {name} (problems/{name}.pde)\n")
    print("| stage | kind | unknowns | eq RMS (own points) | eq RMS (fresh) | rel L2 | max abs | kept | s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in sol.report:  # kept as the run ended: a replaced stage is listed as not kept
        rel, top, at = scored[r.stage]  # the solution's errors right after the stage
        f = r.figures
        kind = "spectral" if "unknowns" in f else "collocation"
        print(f"| {r.stage} | {kind} | {int(f.get('unknowns', 0)) or '-'} | {f['equation_rms']:.1e} | "
              f"{f['fresh_rms']:.1e} | {rel:.1e} | {top:.1e} | {'yes' if r.kept else 'no'} | {at:.0f} |")
    for st in sol.stages[0]:
        if isinstance(st, ChebyshevStage):
            axes = ", ".join("plain" if s is None else f"stretched about {float(s.center):.4f}, width {float(s.width):.4f}"
                             for s in (st.stretches or (None,) * st.coefficients.ndim))
            print(f"\nspectral stage: degrees {' x '.join(str(n - 1) for n in st.coefficients.shape)} ({axes})")
    met = "met" if final <= TARGETS[name] else "not met"
    print(f"\ndefaults: rel L2 {final:.2e} (max {worst:.2e}) in {wall:.0f} s; one stage alone: {base_rel:.2e} in "
          f"{base_wall:.0f} s; target {TARGETS[name]:.0e}: {met}\n", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", default=list(PROBLEMS))
    ap.add_argument("--plot", type=Path, help="folder for a picture of the error near the front per stage")
    args = ap.parse_args()
    print(f"# bench/burgers.py, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, jax {jax.__version__}, "
          f"{jax.device_count()} {jax.devices()[0].platform.upper()} device(s), seed 0\n", flush=True)
    for name in args.names:
        table(name, args.plot)


if __name__ == "__main__":
    main()
