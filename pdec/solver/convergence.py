"""Whether an equation solve reached a solution: its conditions met and its equations solved,
measured on fresh points from the problem alone (no exact solution needed).

A least-squares solve always returns something. Where Gauss-Newton cannot reach a zero of the
residual (a strongly nonlinear problem from a poor start, a problem with no solution, a basis
that cannot hold the solution) it returns a compromise: Allen-Cahn's u = 0 solves its equation
exactly and misses its initial condition by 100 %; Bratu's problem at lam = 4, which has no
solution, ends with its equation residual at 28 % of the residual at zero fields. Both were
once presented as results (issue 46). Two figures tell them from a solution:

- ``misses``, per condition line (boundary, initial, point, periodicity): the largest residual
  on fresh points relative to the problem's scale, the largest condition data, or the size of
  the fields where the data are all zero; per equation line: its residual RMS on fresh points
  relative to the RMS of every equation and condition residual at zero fields (the size of what
  the solution must match; ``share`` for all equations together).

A solve is converged when every miss is at most `pdec.records.MISSED` (1e-3; the verdict,
`records.verdict`, is drawn from the saved records): every gallery
problem ends far below it (the largest share, Burgers at nu = 0.01/pi, ~5e-7).
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from pdec.solver.blocks import Block
from pdec.solver.derivatives import PointFn, evaluate_fields

CONDITIONS = ("condition", "periodic")  # block kinds whose residuals are conditions


def _rms(values: list[np.ndarray]) -> float:
    """The RMS over pieces, each counting by its mean (0 for none)."""
    return math.sqrt(float(np.mean([np.mean(v ** 2) for v in values]))) if values else 0.0


def field_size(fields: Mapping[str, PointFn], points) -> float:
    """The RMS of every field's values at ``points``."""
    values = evaluate_fields(fields, points, tuple((n, (0,) * points.shape[1]) for n in fields))
    return _rms([np.asarray(v) for v in values.values()])


def misses(blocks: tuple[Block, ...], fields: Mapping[str, PointFn], params, size: float,
           equations: Mapping[str, np.ndarray], start: float) -> dict[str, float]:
    """Per condition block (by its name: the line it comes from), its largest residual for
    ``fields`` relative to the larger of the conditions' largest data and ``size``; per
    equation (``equations``: its residual on the blocks' points, by block name), its RMS
    relative to ``start`` (`start_rms`)."""
    conditions = [b for b in blocks if b.kind in CONDITIONS]
    data = max((float(np.max(np.abs(np.asarray(b.start(params))))) for b in conditions), default=0.0)
    scale = max(data, size)
    out = {}
    for b in conditions:
        worst = float(np.max(np.abs(np.asarray(b.residual(fields, None, params)))))
        out[b.name] = worst / scale if scale > 0 else worst
    return out | {name: share(_rms([r]), start) for name, r in equations.items()}


def condition_rms(blocks: tuple[Block, ...], fields: Mapping[str, PointFn], params) -> float:
    """The RMS of the condition blocks' residuals for ``fields``, each block by its mean."""
    return _rms([np.asarray(b.residual(fields, None, params)) for b in blocks if b.kind in CONDITIONS])


def start_rms(blocks: tuple[Block, ...], params) -> float:
    """The RMS of the blocks' equation and condition residuals at zero fields (blocks without a
    cache of frozen stages), each block counting by its mean: the size of what a solution must
    match."""
    return _rms([np.asarray(b.start(params)) for b in blocks if b.kind == "equation" or b.kind in CONDITIONS])


def share(equation_rms: float, start: float) -> float:
    """An equation residual RMS relative to ``start`` (`start_rms`)."""
    return equation_rms / start if start > 0 else (0.0 if equation_rms == 0 else math.inf)
