"""`pdec solve FILE`: solve with live progress, save every finished stage, resume, report.

Exit status: 0 the tolerance was met, 1 it was not (the run is still saved), 130 interrupted
(the finished stages are saved, and the message says how to resume).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from pdec.cli import runs
from pdec.cli.progress import ProgressLine
from pdec.cli.table import converged, parameter_lines, summary, table
from pdec.errors import PdecError
from pdec.language import options
from pdec.language.options import SolverOptions
from pdec.language.problem import Problem
from pdec.records import format_stage
from pdec.solution import Solution
from pdec.solver import devices
from pdec.solver.solve import solve


def parse_set(items: list[str]) -> dict[str, Any]:
    """`--set name=value` items as solver options (`on`, `off`, `auto` or a number)."""
    out: dict[str, Any] = {}
    for item in items:
        name, eq, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not eq or not name or not text:
            raise PdecError(f"--set expects OPTION=VALUE, got '{item}'", hint="e.g. --set gamma=0.5")
        if text in ("on", "off", "auto"):
            value: Any = text
        else:
            try:
                value = float(text)
            except ValueError:
                raise PdecError(f"--set {name}: '{text}' is not a number", hint="values are numbers, on, off or auto") from None
        out[name] = options.check(name, value)
    return out


def solve_command(problem: Problem, args: argparse.Namespace) -> int:
    """Run `pdec solve` for a checked problem and parsed arguments; returns the exit status."""
    given = SolverOptions.of({"stages": args.stages, "tol": args.tol, "seed": args.seed, **parse_set(args.set)})
    mesh = devices.mesh(args.devices)  # refuse more devices than are visible, before any work
    if args.resume:
        if args.out:
            raise PdecError("give either --out or --resume: a resumed run stays in its folder")
        folder, start = runs.resume(args.resume, problem, given)
    else:
        seed = given.seed if given.seed is not None else problem.options.root_seed
        folder = runs.RunFolder(Path(args.out) if args.out else Path("runs") / Path(problem.filename).stem,
                                dataclasses.replace(given, seed=seed))
        folder.write_start(problem)
        start = None
    folder = dataclasses.replace(folder, devices=devices.inventory(mesh))
    tol = problem.options.merged(folder.options).tolerance
    line = ProgressLine() if not args.quiet else None
    if start is not None and not args.quiet:
        print(f"resuming {folder.path} after stage {len(start.report)}", flush=True)
    if not args.quiet:
        used = folder.devices
        print(f"devices: {used['count']} x {used['kind']} ({used['platform']})", flush=True)

    def stage_done(solution: Solution) -> None:
        if line is not None:
            line.clear()
            print(format_stage(solution.report), flush=True)
        folder.save(solution, tol=tol)

    try:
        solution = solve(problem, **folder.options.given(), callback=stage_done, resume=start, progress=line,
                         devices=devices.size(mesh))
    except KeyboardInterrupt:
        if line is not None:
            line.clear()
        print(f"\npdec: interrupted; the finished stages are saved in {folder.path}\n"
              f"continue with: pdec solve {problem.filename} --resume {folder.path}", file=sys.stderr)
        return 130
    folder.save(solution, tol=tol, done=True)
    truths = {p.name: p.truth for p in problem.parameters}
    if not args.quiet:
        print()
        print(table(solution, truths))
    for text in parameter_lines(solution, truths):
        print(text)
    print(summary(solution))
    print(f"saved to {folder.path}")
    return 0 if converged(solution, tol) else 1
