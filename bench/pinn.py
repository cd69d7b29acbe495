"""Multi-stage PINN on the gallery's equation problems: error per stage, with default settings,
beside a single-stage baseline.

    python bench/pinn.py                          # every problem below
    python bench/pinn.py ode_point poisson1d      # some of them
    python bench/pinn.py poisson1d --set gpinn=on # a solver option for every run
    python bench/pinn.py heat --trained           # also the all-trained stages (slow in 2D)

Prints, per problem, one row per stage (eps, kappa, gamma, points, loss, equation residual RMS,
condition residual max, relative L2 and max error on 10,000 random test points, parameters,
time; burgers is scored against its Cole-Hopf solution, `pdec.reference.burgers`), then the
baselines: stage 1 alone, the Chebyshev collocation limit (`bench/chebyshev.py`, linear box
problems with an exact solution) and, with --trained, the all-trained stages (method = trained).
"""

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout

import pdec  # noqa: E402  (first: float64, and BLAS threads before NumPy)
import jax  # noqa: E402
from pdec.cli.solve import parse_set  # noqa: E402
from pdec.records import describe_stop  # noqa: E402
from pdec.reference import burgers  # noqa: E402
import chebyshev  # noqa: E402  (bench/chebyshev.py)
import numpy as np  # noqa: E402

PROBLEMS = ["poisson1d", "burgers_steady", "poisson2d", "heat", "wave", "advection", "heat_inverse", "nonlinear2d",
            "convection", "wave1d_c", "burgers"]


def header(title: str, seed: int) -> None:
    print(f"# {title}, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, jax {jax.__version__}, "
          f"{jax.device_count()} {jax.devices()[0].platform.upper()} device(s), seed {seed}\n")


def table_head(names: list[str]) -> None:
    extra = "".join(f" {n} | {n} rel err |" for n in names)
    print(f"| stage | eps | kappa | gamma | points | loss | eq RMS | cond max | rel L2 | max abs |{extra} s |")
    print("|---" * (11 + 2 * len(names)) + "|", flush=True)


def table_row(r, truths: dict) -> None:
    """One stage's row, printed as soon as the stage is done."""
    kappa = ", ".join(f"{k:.3g}" for k in r.kappa)
    stage = f"{r.stage}" + ("" if r.kept else " (discarded)")
    params = "".join(f" {v:.15g} | {relative(v, truths.get(n))} |" for n, v in r.parameters.items())
    f = r.figures
    print(f"| {stage} | {r.eps:.2e} | {kappa} | {f['gamma']:.3f} | {r.points} | {r.loss:.2e} | "
          f"{f['equation_rms']:.2e} | {f['condition_max']:.2e} | {r.rel_l2:.2e} | {r.max_error:.2e} |{params} "
          f"{r.wall_time:.1f} |", flush=True)


def relative(value: float, truth: float | None) -> str:
    return "-" if truth is None else f"{abs(value - truth) / abs(truth):.2e}"


# Problems without a closed form, scored against a reference solution on 10,000 random points.
REFERENCES = {"burgers": lambda pts: burgers(pts[:, 0], pts[:, 1])}


def reference_errors(sol, name: str) -> tuple[float, float]:
    """Relative L2 and max error against the problem's reference solution (NaN without one)."""
    if name not in REFERENCES:
        return float("nan"), float("nan")
    rng = np.random.default_rng(10**6)
    lo, hi = np.asarray(sol.lower), np.asarray(sol.upper)
    pts = lo + (hi - lo) * rng.uniform(size=(10000, lo.size))
    want, got = REFERENCES[name](pts), np.asarray(sol(pts))
    return float(np.linalg.norm(got - want) / np.linalg.norm(want)), float(np.max(np.abs(got - want)))


def final(sol, truths: dict, name: str = "") -> str:
    kept = [r for r in sol.report if r.kept]
    if not kept:
        return "no stage kept"
    params = "".join(f", {n} rel err {relative(v, truths.get(n))}" for n, v in sol.parameters.items())
    if name in REFERENCES:
        rel, worst = reference_errors(sol, name)
        return f"rel L2 {rel:.2e}, max {worst:.2e} against the reference solution{params}"
    return f"rel L2 {kept[-1].rel_l2:.2e}, max {kept[-1].max_error:.2e}{params}"


def run(problem, stages: int, seed: int, trained: bool, options: dict, name: str = "") -> None:
    """Multi-stage solve with the defaults, its table, and the baselines: stage 1 alone (the same
    run's first stage), the spectral limit where `bench/chebyshev.py` applies, and, with
    ``trained``, the same number of stages all trained (`method = trained`, slow in 2D).

    ``options``: solver options (`parse_set`) over the file's `solver` line; ``stages`` and
    ``seed`` over all runs."""
    given = {**options, "stages": stages, "seed": seed}
    truths = {p.name: p.truth for p in problem.parameters}
    table_head([p.name for p in problem.parameters])
    t0 = time.perf_counter()
    sol = pdec.solve(problem, **given, callback=lambda s: table_row(s.report[-1], truths))
    total = time.perf_counter() - t0
    print(f"\nmulti-stage: {final(sol, truths, name)}, {total:.0f} s; "
          f"stop: {describe_stop(sol.report, len(sol.report) - 1)}")
    first = sol.report[0]
    print(f"stage 1 alone: rel L2 {first.rel_l2:.2e}, {first.wall_time:.0f} s")
    try:
        n, err, secs = chebyshev.best(problem)
        print(f"Chebyshev collocation (bench/chebyshev.py, best N = {n}): rel L2 {err:.2e}, {secs * 1000:.0f} ms "
              "(assembly and dense solve)")
    except (ValueError, KeyError, TypeError) as why:
        print(f"Chebyshev collocation: not applicable ({why})")
    if trained:
        t0 = time.perf_counter()
        base = pdec.solve(problem, **{**given, "method": "trained"})
        print(f"trained stages (method = trained): {final(base, truths, name)}, {time.perf_counter() - t0:.0f} s")
    print(flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("problems", nargs="*", default=PROBLEMS)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stages", type=int, default=4)
    ap.add_argument("--trained", action="store_true", help="also run every problem with method = trained")
    ap.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE")
    args = ap.parse_args()
    options = parse_set(args.set)
    header("PINN bench" + "".join(f", {o}" for o in args.set), args.seed)
    for name in args.problems:
        problem = pdec.compile(ROOT / "problems" / f"{name}.pde")
        print(f"## {name}: {problem.equations[0].text}\n")
        run(problem, args.stages, args.seed, args.trained, options, name)


if __name__ == "__main__":
    main()
