"""The `pdec` command: check, compile and solve `.pde` files; eval and plot saved runs.

Exit status: 0 done, 1 a tolerance the user set was not met (or no stage was kept, or the solve did
not converge), 2 bad input (the message says
FILE:LINE:COL, no traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys

from pdec.errors import PdecError


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="pdec", description="Compile and solve PDE problems written in .pde files.")
    ap.add_argument("--version", action=_Version, nargs=0, help="show pdec's version and where compiled programs are cached")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="check a file and print the classified problem")
    check.add_argument("file")
    check.add_argument("--latex", action="store_true", help="print equations as LaTeX")
    comp = sub.add_parser("compile", help="print the lowered JAX functions' source")
    comp.add_argument("file")
    solve = sub.add_parser("solve", help="solve a problem with multi-stage networks")
    solve.add_argument("file")
    solve.add_argument("--stages", type=int, default=None, help="maximum number of stages")
    solve.add_argument("--tol", type=float, default=None, help="stop when the estimated relative error is below this (from stage 2 "
                       "on; the file's exact solution plays no part)")
    solve.add_argument("--seed", type=int, default=None, help="random seed (default 0)")
    solve.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE",
                       help="a solver option, as on the file's `solver` line (e.g. --set gamma=0.5); repeatable")
    solve.add_argument("--out", default=None, help="run folder to save into (default: runs/<file name>)")
    solve.add_argument("--resume", default=None, metavar="DIR",
                       help="continue the run saved in DIR after its last finished stage")
    solve.add_argument("--quiet", action="store_true", help="print only the final summary")
    solve.add_argument("--devices", type=int, default=None, metavar="N",
                       help="split the sample points across the first N visible devices (default: all)")
    ev = sub.add_parser("eval", help="print or write a saved solution's values")
    ev.add_argument("dir", help="run folder (as printed by `pdec solve`)")
    where = ev.add_mutually_exclusive_group(required=True)
    where.add_argument("--at", help='one point, e.g. --at "x=0.5, y=0.1"')
    where.add_argument("--points", metavar="CSV", help="a CSV file whose header names the coordinates")
    ev.add_argument("--out", metavar="CSV", help="with --points: write the values here (default: print them)")
    plot = sub.add_parser("plot", help="draw a saved solution, its error and its stages as PNG files")
    plot.add_argument("dir", help="run folder (as printed by `pdec solve`)")
    plot.add_argument("--out", metavar="DIR", help="folder for the pictures (default: the run folder)")
    return ap


def _saved(args: argparse.Namespace) -> int:
    """`eval` and `plot`: commands on a run folder, not on a .pde file."""
    if args.command == "plot":
        from pdec.cli.plot import plot_run

        plotted = plot_run(args.dir, args.out)
        for warning in plotted.warnings:
            print(warning, file=sys.stderr)
        for path in plotted.paths:
            print(path)
        return 0
    from pdec.cli.eval import eval_at, eval_points

    if args.out is not None and args.at is not None:
        raise PdecError("--out goes with --points; --at prints its values", filename="pdec eval")
    result = eval_at(args.dir, args.at) if args.at is not None else eval_points(args.dir, args.points, args.out)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(result.text)
    return 0


def _run(args: argparse.Namespace) -> int:
    from pdec.language.compile import compile as compile_file

    if args.command in ("eval", "plot"):
        return _saved(args)
    problem = compile_file(args.file)
    if args.command == "check":
        from pdec.language.listing import listing

        print(listing(problem, latex=args.latex))
        return 0
    if args.command == "compile":
        from pdec.language.listing import lowered_source

        print(lowered_source(problem))
        return 0
    from pdec.cli.solve import solve_command

    return solve_command(problem, args)


class _Version(argparse.Action):
    """`--version`: printed as is (argparse's own action wraps long lines, splitting the path)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(_version())
        parser.exit()


def _version() -> str:
    """pdec's version and where compiled programs are kept (`pdec.settings.cache_folder`)."""
    from importlib.metadata import PackageNotFoundError, version

    from pdec.settings import CACHE_VARIABLE, cache_folder
    try:
        number = version("pdec")
    except PackageNotFoundError:
        number = "unknown"
    folder = cache_folder()
    where = f"compiled programs cached in {folder}" if folder else "compilation cache off"
    return f"pdec {number} ({where}; {CACHE_VARIABLE}=off turns it off, a path moves it)"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from pdec.settings import use_compilation_cache
    use_compilation_cache()
    try:
        return _run(args)
    except PdecError as err:
        print(err.render(), file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("\npdec: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
