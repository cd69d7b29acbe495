"""Solve every example in problems/ with default settings and print the README's table.

    python bench/gallery.py                       # all problems, default settings
    python bench/gallery.py --stages 2 heat wave  # some, with at most 2 stages

One row per problem: the command, the relative L2 error against `exact` on 10,000 held-out
points (or, without `exact`, the equation residual RMS), inferred parameters with their
relative error where the file states the truth, stages kept, and wall time.
"""

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdec  # noqa: E402
import jax  # noqa: E402


def row(path: Path, stages: int | None) -> str:
    problem = pdec.compile(path)
    t0 = time.perf_counter()
    sol = pdec.solve(problem, stages=stages)
    wall = time.perf_counter() - t0
    kept = [r for r in sol.report if r.kept]
    if not problem.is_regression:  # one run of the stage loop for all fields
        last = kept[-1]
        error = (f"{last.rel_l2:.1e}" if last.rel_l2 == last.rel_l2
                 else f"residual RMS {last.figures['equation_rms']:.1e}")
        count = len(kept)
    else:  # one run per field
        error = ", ".join(f"{n}: {[r for r in kept if r.fields == (n,)][-1].rel_l2:.1e}" for n in sol.field_names)
        count = max(r.stage for r in kept)
    truths = {p.name: p.truth for p in problem.parameters}
    params = ", ".join(
        f"{n} = {v:.10g}" + (f" (rel err {abs(v - truths[n]) / abs(truths[n]):.1e})" if truths.get(n) else "")
        for n, v in sol.parameters.items()) or "-"
    command = f"`pdec solve problems/{path.name}" + (f" --stages {stages}`" if stages else "`")
    return f"| {command} | {error} | {params} | {count} | {wall:.0f} s |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("problems", nargs="*")
    ap.add_argument("--stages", type=int, default=None)
    args = ap.parse_args()
    paths = [ROOT / "problems" / f"{n}.pde" for n in args.problems] or sorted((ROOT / "problems").glob("*.pde"))
    print(f"# Gallery, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()} ({platform.processor() or 'cpu'}), "
          f"jax {jax.__version__}, stages {args.stages or 'default'}\n")
    print("| command | rel L2 error | parameters | stages | time |")
    print("|---|---|---|---|---|")
    for path in paths:
        print(row(path, args.stages), flush=True)


if __name__ == "__main__":
    main()
