"""The `pdec` command: check, compile and solve `.pde` files.

Exit status: 0 done, 1 the solver did not reach the tolerance, 2 bad input (the message says
FILE:LINE:COL, no traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pdec.errors import PdecError


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="pdec", description="Compile and solve PDE problems written in .pde files.")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="check a file and print the classified problem")
    check.add_argument("file")
    check.add_argument("--latex", action="store_true", help="print equations as LaTeX")
    comp = sub.add_parser("compile", help="print the lowered JAX functions' source")
    comp.add_argument("file")
    solve = sub.add_parser("solve", help="solve a problem with multi-stage networks")
    solve.add_argument("file")
    solve.add_argument("--stages", type=int, default=None, help="maximum number of stages")
    solve.add_argument("--tol", type=float, default=None, help="stop when the relative error estimate is below this")
    solve.add_argument("--seed", type=int, default=0)
    solve.add_argument("--out", default=None, help="run folder to save into (default: runs/<file name>)")
    solve.add_argument("--quiet", action="store_true", help="print only the final summary")
    return ap


def _run(args: argparse.Namespace) -> int:
    from pdec.api import compile as compile_file

    problem = compile_file(args.file)
    if args.command == "check":
        from pdec.describe import describe

        print(describe(problem, latex=args.latex))
        return 0
    if args.command == "compile":
        from pdec.describe import lowered_source

        print(lowered_source(problem))
        return 0
    from pdec.solve import DEFAULT_TOL, converged, solve, summary

    options = {k: v for k, v in (("max_stages", args.stages), ("tol", args.tol)) if v is not None}
    solution = solve(problem, seed=args.seed, verbose=not args.quiet, **options)
    print(summary(solution))
    from pdec.store import save

    out = Path(args.out) if args.out else Path("runs") / Path(args.file).stem
    save(solution, out)
    (out / Path(args.file).name).write_text(problem.source)
    print(f"saved to {out}")
    return 0 if converged(solution, options.get("tol", DEFAULT_TOL)) else 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except PdecError as err:
        print(err.render(), file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("pdec: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
