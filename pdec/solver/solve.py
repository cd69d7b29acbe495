"""`pdec.solve`: a checked problem in, a multi-stage solution out."""

from __future__ import annotations

import dataclasses

from typing import Callable

from pdec.language import options
from pdec.solver.tasks import equations as pinn
from pdec.solver.tasks import fit as regression
from pdec.errors import PdecError
from pdec.language.lowering import lower
from pdec.solver.driver import StageRecord, format_stage
from pdec.solver.optimize import Progress
from pdec.solver.tasks.equations import PinnRecord, format_record
from pdec.language.problem import Problem
from pdec.solution import Solution

DEFAULT_TOL = 1e-15
DEFAULT_STAGES = 4


def solve(problem: Problem, *, stages: int | None = None, tol: float | None = None, seed: int | None = None,
          callback: Callable[[Solution], None] | None = None, verbose: bool = False,
          resume: Solution | None = None, progress: Progress | None = None, devices: int | None = None) -> Solution:
    """Solve `problem` stage by stage until the relative L2 error on held-out points is <= `tol`.

    `stages`, `tol`, `seed` override the file's `solver` line (defaults: 4, 1e-15, 0); the other
    solver options (adam, iterations, width, points, gamma) come from that line. `callback`
    gets the solution so far after every stage (`solution.report[-1]` is the stage just done),
    e.g. to save it; `verbose` prints one line per stage; `resume` continues a solution saved
    from an interrupted run of the same problem and seed (the result is the uninterrupted
    run's); `progress(phase, step, total, loss)` is called during training. `devices`: how many
    of the visible devices to split the sample points across (None: all of them; 1: no split;
    see `pdec.devices`).
    """
    opts = options.merge(dict(problem.options), {"stages": stages, "tol": tol, "seed": seed})
    max_stages, tol, seed = stop_settings(opts)
    if resume is not None and tuple(resume.field_names) != problem.field_names:
        raise PdecError(f"cannot resume: the saved run has fields {', '.join(resume.field_names)}, "
                        f"the problem has {', '.join(problem.field_names)}")

    def named(solution: Solution) -> Solution:
        return dataclasses.replace(solution, coordinate_names=problem.coordinate_names)

    def report(solution: Solution) -> None:
        if verbose:
            print(describe_stage(solution.report[-1]), flush=True)
        if callback is not None:
            callback(named(solution))

    if problem.is_regression:
        targets = lower(problem).targets
        fits = [targets[f.field] if f.expr is not None else (f.points, f.values) for f in problem.fits]
        cfg = regression.with_options(regression.FitSettings(), opts, problem.dimension)
        return named(regression.solve_fit(
            problem.lower, problem.upper, [f.field for f in problem.fits], fits, tol=tol, max_stages=max_stages,
            seed=seed, callback=report, settings=cfg, start=resume, progress=progress, devices=devices))
    cfg = pinn.with_options(pinn.PinnSettings(), opts, problem.dimension)
    return named(pinn.solve_equations(problem, lower(problem), tol=tol, max_stages=max_stages, seed=seed,
                                      settings=cfg, callback=report, start=resume, progress=progress,
                                      devices=devices))


def stop_settings(opts: dict) -> tuple[int, float, int]:
    """(maximum stages, tolerance, seed) from merged solver options, defaults filled in."""
    return int(opts.get("stages", DEFAULT_STAGES)), float(opts.get("tol", DEFAULT_TOL)), int(opts.get("seed", 0))


def describe_stage(record: StageRecord | PinnRecord) -> str:
    """One line for a finished stage of either kind."""
    return format_record(record) if isinstance(record, PinnRecord) else format_stage(record)


def converged(solution: Solution, tol: float = DEFAULT_TOL) -> bool:
    """Whether every field's last kept stage met `tol` on its held-out points."""
    if solution.report and isinstance(solution.report[0], PinnRecord):
        kept = [r for r in solution.report if r.kept]
        return bool(kept) and kept[-1].rel_l2 <= tol
    for name in solution.field_names:
        kept = [r for r in solution.report if r.field == name and r.kept]
        if not kept or not kept[-1].rel_l2 <= tol:
            return False
    return True


def summary(solution: Solution) -> str:
    """One line per field: stages kept, final held-out errors, time."""
    if solution.report and isinstance(solution.report[0], PinnRecord):
        kept = [r for r in solution.report if r.kept]
        last, total = kept[-1], sum(r.wall_time for r in solution.report)
        params = "".join(f", {k} = {v:.15g}" for k, v in solution.parameters.items())
        return (f"{', '.join(solution.field_names)}: {len(kept)} stage(s), relative L2 error {last.rel_l2:.2e}, "
                f"max error {last.max_error:.2e}, equation residual RMS {last.equation_rms:.2e}{params}, "
                f"{total:.1f} s; {solution.report[-1].stop_reason}")
    lines = []
    for name in solution.field_names:
        records = [r for r in solution.report if r.field == name]
        kept = [r for r in records if r.kept]
        last = kept[-1]
        total = sum(r.wall_time for r in records)
        lines.append(f"{name}: {len(kept)} stage(s), relative L2 error {last.rel_l2:.2e}, max error "
                     f"{last.max_error:.2e} on held-out points, {total:.1f} s"
                     + (f"; {records[-1].stop_reason}" if records[-1].stop_reason else ""))
    return "\n".join(lines)
