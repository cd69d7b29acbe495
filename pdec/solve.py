"""`pdec.solve`: a checked problem in, a multi-stage solution out."""

from __future__ import annotations

from typing import Callable

from pdec.errors import PdecError
from pdec.lowering import lower
from pdec.multistage import StageRecord, format_stage
from pdec.pinn import PinnRecord, format_record, solve_equations
from pdec.problem import Problem
from pdec.regression import solve_fit
from pdec.solution import Solution

DEFAULT_TOL = 1e-15
DEFAULT_STAGES = 4


def solve(problem: Problem, *, tol: float = DEFAULT_TOL, max_stages: int = DEFAULT_STAGES, seed: int = 0,
          callback: Callable[[StageRecord], None] | None = None, verbose: bool = False) -> Solution:
    """Solve `problem` stage by stage until the held-out relative L2 error is <= `tol`.

    `callback` gets each finished stage's record; `verbose` prints one line per stage.
    """
    if tol <= 0 or max_stages < 1:
        raise PdecError(f"need tol > 0 and at least one stage (got tol={tol}, stages={max_stages})")

    def report(record: StageRecord) -> None:
        if verbose:
            print(format_stage(record), flush=True)
        if callback is not None:
            callback(record)

    if problem.is_regression:
        targets = lower(problem).targets
        fits = [targets[f.field] if f.expr is not None else (f.points, f.values) for f in problem.fits]
        return solve_fit(problem.lower, problem.upper, [f.field for f in problem.fits], fits,
                         tol=tol, max_stages=max_stages, seed=seed, callback=report)
    lowered = lower(problem)

    def report_stage(record: PinnRecord) -> None:
        if verbose:
            print(format_record(record), flush=True)
        if callback is not None:
            callback(record)

    return solve_equations(problem, lowered, tol=tol, max_stages=max_stages, seed=seed, callback=report_stage)


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
