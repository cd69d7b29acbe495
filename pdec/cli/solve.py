"""`pdec solve FILE`: solve with live progress, save every finished stage, resume, report.

Exit status: 0 done, 1 a tolerance the user set was not met, no stage was kept or the solve did not
converge (the run is still saved), 130 interrupted
(the finished stages are saved, and the message says how to resume).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import signal
import threading
import sys
from pathlib import Path
from typing import Any

from pdec.cli import runs
from pdec.cli.progress import ProgressLine
from pdec.cli.table import converged, parameter_lines, summary, table
from pdec.errors import PdecError
from pdec.language import options
from pdec.language.options import WORDS, SolverOptions
from pdec.language.problem import Problem
from pdec.records import ParameterStart, format_stage, verdict
from pdec.solution import Solution
from pdec.solver import devices
from pdec.solver.solve import solve


COMMAND_LINE = "command line"


def parse_set(items: list[str]) -> dict[str, Any]:
    """`--set name=value` items as solver options (a word such as `on`, `auto`, `trained`, or a number)."""
    out: dict[str, Any] = {}
    for item in items:
        name, eq, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not eq or not name or not text:
            raise PdecError(f"--set expects OPTION=VALUE, got '{item}'", hint="e.g. --set gamma=0.5",
                            filename=COMMAND_LINE)
        if text in WORDS:
            value: Any = text
        else:
            try:
                value = float(text)
            except ValueError:
                raise PdecError(f"--set {name}: '{text}' is not a number", hint="values are numbers or words: " + ", ".join(sorted(WORDS)),
                                filename=COMMAND_LINE) from None
        out[name] = options.check(name, value, lambda message, hint=None: PdecError(
            message, hint=hint, filename=COMMAND_LINE))
    return out


def command_line_options(args: argparse.Namespace) -> SolverOptions:
    """The solver options the command line gives (errors say they come from the command line)."""
    sets = parse_set(args.set)
    try:
        return SolverOptions.of({"stages": args.stages, "tol": args.tol, "seed": args.seed, **sets})
    except PdecError as err:
        raise PdecError(err.message, hint=err.hint, filename=COMMAND_LINE) from None


def solve_command(problem: Problem, args: argparse.Namespace) -> int:
    """Run `pdec solve` for a checked problem and parsed arguments; returns the exit status."""
    given = command_line_options(args)
    try:
        mesh = devices.mesh(args.devices)  # refuse more devices than are visible, before any work
    except PdecError as err:
        raise PdecError(err.message, hint=err.hint, filename=COMMAND_LINE) from None
    if args.resume and args.out:
        raise PdecError("give either --out or --resume: a resumed run stays in its folder", filename=COMMAND_LINE)
    path = Path(args.resume or args.out or Path("runs") / Path(problem.filename).stem)
    with runs.locked(path, create=not args.resume):
        return _run(problem, args, given, mesh)


def _run(problem: Problem, args: argparse.Namespace, given: SolverOptions, mesh) -> int:
    """`pdec solve` in a held run folder."""
    if args.resume:
        folder, start = runs.resume(args.resume, problem, given)
    else:
        seed = given.seed if given.seed is not None else problem.options.root_seed
        folder = runs.RunFolder(Path(args.out or Path("runs") / Path(problem.filename).stem),
                                dataclasses.replace(given, seed=seed))
        folder.write_start(problem)
        start = None
    folder = dataclasses.replace(folder, devices=devices.inventory(mesh))
    chosen = problem.options.merged(folder.options)
    tol = chosen.tolerance
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

    def started(begin: ParameterStart) -> None:
        """Where the parameters start (unless --quiet), and what the observations cannot pin (always)."""
        shown = begin.lines() if not args.quiet else []
        for text in shown[:len(begin.guesses)]:
            print(f"start: {text}", flush=True)
        for text in begin.notes:
            print(f"warning: {text}", flush=True)

    guard = Interrupts()

    def progress(*update) -> None:
        guard.check()
        line(*update)

    try:
        with guard:
            solution = solve(problem, **folder.options.given(), callback=guard.checked(stage_done), resume=start,
                             progress=progress if line is not None else None, devices=devices.size(mesh),
                             on_start=started)
            guard.check()
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
    return exit_status(solution, tol, asked=chosen.tol is not None)


def in_gc_callback(frame) -> bool:
    """Whether ``frame`` runs inside a garbage-collector callback (where an exception is ignored)."""
    codes = {getattr(c, "__code__", None) for c in gc.callbacks}
    while frame is not None:
        if frame.f_code in codes:
            return True
        frame = frame.f_back
    return False


class Interrupts:
    """Ctrl-C during a solve, raised where it lands and remembered: one that lands in a
    garbage-collector callback (JAX has one; Python would print the interrupt there as ignored and
    go on, seen in tests/test_runs.py) is raised at the next progress update or finished stage."""

    def __init__(self) -> None:
        self.seen = False
        self.previous = None

    def __enter__(self) -> "Interrupts":
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self.handle)
        return self

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)

    def handle(self, signum, frame) -> None:
        self.seen = True
        if not in_gc_callback(frame):  # there it would be printed as ignored, with a traceback
            raise KeyboardInterrupt

    def check(self) -> None:
        if self.seen:
            raise KeyboardInterrupt

    def checked(self, callback):
        """``callback`` (a finished stage is saved first), then the check."""
        def run(*args):
            callback(*args)
            self.check()
        return run


def exit_status(solution: Solution, tol: float, *, asked: bool) -> int:
    """0 when done; 1 when a tolerance the user set (file or command line) was not met, no stage
    could be kept, or the solve did not converge (a condition missed or the equations not
    solved, `pdec.records.verdict`). A run that ends at its stage limit or where stages stop
    gaining, with no tolerance set, is done: the summary says why it stopped."""
    check = verdict(solution.report)
    if not any(r.kept for r in solution.report) or check is not None and not check.converged:
        return 1
    return 0 if converged(solution, tol) or not asked else 1
