"""`pdec.solve`: a checked problem in, a multi-stage solution out."""

from __future__ import annotations

import dataclasses
from typing import Callable

from pdec.errors import PdecError
from pdec.language.lowering import lower
from pdec.language.options import SolverOptions
from pdec.language.problem import Problem
from pdec.records import ParameterStart, format_stage
from pdec.settings import require_float64
from pdec.solution import Solution
from pdec.solver.optimize import Progress
from pdec.solver.tasks.equations import EquationSettings, solve_equations
from pdec.solver.tasks.fit import FitSettings, solve_fit


def solve(problem: Problem, *, stages: int | None = None, tol: float | None = None, seed: int | None = None,
          method: str | None = None, adam: int | None = None, iterations: int | None = None, points: int | None = None,
          width: int | None = None, gamma: float | str | None = None, gpinn: float | str | None = None,
          callback: Callable[[Solution], None] | None = None, verbose: bool = False,
          resume: Solution | None = None, progress: Progress | None = None, devices: int | None = None,
          on_start: Callable[[ParameterStart], None] | None = None) -> Solution:
    """Solve `problem` stage by stage until the relative L2 error on held-out points is <= `tol`.

    The solver options (`stages` .. `gpinn`, as on a file's `solver` line, docs/language.md;
    `method` is "lstsq" or "trained")
    override the file's `solver` line; an option left None keeps the file's value or the
    default (4 stages, tol 1e-15, seed 0). `callback` gets the solution so far after every
    stage (`solution.report[-1]` is the stage just done), e.g. to save it; `verbose` prints one
    line per stage; `resume` continues a solution saved from an interrupted run of the same
    problem and seed (the result is the uninterrupted run's); `progress(phase, step, total,
    loss)` is called during training. `devices`: how many of the visible devices to split the
    sample points across (None: all of them; 1: no split; see `pdec.solver.devices`). `on_start`
    gets, before the first stage of an equation problem, where its unknown parameters start
    (`pdec.records.ParameterStart`: from a fit of the observations, `pdec.solver.data_start`).
    """
    require_float64()
    try:
        given = SolverOptions(stages=stages, tol=tol, seed=seed, method=method, adam=adam, iterations=iterations,
                              points=points, width=width, gamma=gamma, gpinn=gpinn)
    except PdecError as err:
        raise PdecError(err.message, hint=err.hint, filename="pdec.solve") from None
    opts = problem.options.merged(given)
    if resume is not None and tuple(resume.field_names) != problem.field_names:
        raise PdecError(f"cannot resume: the saved run has fields {', '.join(resume.field_names)}, "
                        f"the problem has {', '.join(problem.field_names)}")

    def named(solution: Solution) -> Solution:
        return dataclasses.replace(solution, coordinate_names=problem.coordinate_names, geometry=problem.geometry)

    def report(solution: Solution) -> None:
        if verbose:
            print(format_stage(solution.report), flush=True)
        if callback is not None:
            callback(named(solution))

    common = dict(tol=opts.tolerance, max_stages=opts.max_stages, seed=opts.root_seed, callback=report,
                  start=resume, progress=progress, devices=devices)
    if problem.is_regression:
        targets = lower(problem).targets
        fits = [targets[f.field] if f.expr is not None else (f.points, f.values) for f in problem.fits]
        cfg = FitSettings().with_options(opts, problem.dimension)
        return named(solve_fit(problem.lower, problem.upper, [f.field for f in problem.fits], fits,
                               settings=cfg, **common))
    def started(begin: ParameterStart) -> None:
        if verbose:
            print("\n".join(begin.lines()), flush=True)
        if on_start is not None:
            on_start(begin)

    cfg = EquationSettings().with_options(opts, problem.dimension)
    return named(solve_equations(problem, lower(problem), settings=cfg, on_start=started, **common))
