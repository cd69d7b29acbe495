"""Solve examples in problems/ as a user does and print the README's table.

    python bench/gallery.py                 # every problem (hours: the 3D-5D ones take minutes each)
    python bench/gallery.py heat wave       # some
    python bench/gallery.py --stages 2 heat # with `--stages 2`

Each problem is solved by `pdec solve` in a fresh process (compile time included) on a copy of
its file without its `exact`, `reference` and `truth` lines (bench/blind.py), and scored
afterwards: the relative L2 error against the original file's exact solution on 10,000 points
(or against its reference values), the run's own estimated error beside it, each inferred
parameter's relative error and estimate, stages kept, exit status and time from the command line.
"""

import argparse
import math
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import blind  # noqa: E402


def _num(v) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.1e}"


def row(path: Path, stages: int | None, folder: Path) -> str:
    options = ("--stages", str(stages)) if stages else ()
    done = blind.solve(path, folder, *options)
    report = done["report"]
    scored = blind.score(path, done["run"]) if report.get("stages") else {"error": math.nan, "parameters": {}}
    parts = report.get("estimated_errors", {})
    params = ", ".join(f"{n}: {_num(err)} (est {_num(parts.get(n))})" for n, err in scored["parameters"].items()) or "-"
    kept = sum(1 for s in report.get("stages", []) if s["kept"])
    trusted = {True: "yes", False: "no"}.get(report.get("trusted"), "-")
    command = f"`pdec solve problems/{path.name}" + (f" --stages {stages}`" if stages else "`")
    return (f"| {command} | {_num(scored['error'])} | {_num(report.get('estimated_error'))} | {trusted} | {params} | "
            f"{kept} | {done['exit']} | {done['time']:.0f} s |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("problems", nargs="*")
    ap.add_argument("--stages", type=int, default=None)
    args = ap.parse_args()
    paths = [ROOT / "problems" / f"{n}.pde" for n in args.problems] or sorted((ROOT / "problems").glob("*.pde"))
    print(f"# Gallery, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, fresh process per problem, "
          f"answer removed, stages {args.stages or 'default'}\n")
    print("| command | error | estimated | trusted | parameters: error (estimate) | stages | exit | time |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            print(row(path, args.stages, Path(tmp) / path.stem), flush=True)


if __name__ == "__main__":
    main()
