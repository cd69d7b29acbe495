"""The error of a stage, estimated from the problem alone (no exact solution, issue 36).

The multi-stage scheme measures each stage's error with the next one: stage k + 1 fits what
stage k still misses, so its size, the *correction* c_{k+1} (RMS of the new stage over the
RMS of the field, on fresh points), is stage k's error wherever stage k + 1 resolves it
(the 1D gallery: c_{k+1} within 1.3x of stage k's true error in every case measured,
bench/RESULTS.md 'Error estimate'). The last stage has no next one, so its error is
predicted from the last correction and how far the residual fell since:

    e_k  ~  c_k * sqrt(r_k / r_{k-1}),

r_k the task's *residual size* (`Measure.score`; for equations the largest of the correction
the residual calls for, the conditions' misfit and the relative equation residual,
`EquationTask._residual_size`), floored at float64's epsilon: a
residual below rounding is no smaller an error, and a problem whose error does not follow
its residual down (Burgers' steady front, 1e-13 with its residual at 1e-16) shows it in
c_k / r_{k-1}, the measured factor between the two, ~1000 there. The square root hedges
between an error that falls as fast as the residual (resolved stages) and one that stays
(stages at the rounding floor): over eleven 1D and 2D gallery problems the error fell by 0.14
to 7.8 times what the residual fell, and by 0.1 to 2.5 times its square root (bench/RESULTS.md
'Error estimate'). Stage 1 has no measured
factor (c_1 = 1, r_0 = 1: its estimate is its residual size alone) and is *uncalibrated*: a
tolerance is met only by a calibrated estimate.

A correction larger than the error estimated before it shows that estimate wrong (an
uncalibrated stage 1), or a stage that fitted rounding noise; either way the stage's own error
is taken to be as large as its correction (neumann2d's stage 3: the residual fell 40x, the
error stayed at 2e-13, the correction was 3.6e-13).

A task whose score is itself a measured error (a fit, against its target on held-out points)
gives no correction; its estimate is its score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

EPS = float(np.finfo(np.float64).eps)  # no relative residual is measured below rounding
# No estimate goes below two ulps: the 1D gallery at the float64 floor measures true errors of
# 1.4e-16 .. 9e-16 (evaluating a sum of stages rounds), never below one ulp.
FLOOR = 2 * EPS


@dataclass(frozen=True)
class Estimate:
    """A stage's estimated relative L2 error: all fields together (``error``), and per field
    and inferred parameter (``parts``); ``calibrated`` when drawn from a measured correction or a
    measured error."""

    error: float
    parts: Mapping[str, float] = field(default_factory=dict)
    calibrated: bool = True


def residual_size(*sizes: float) -> float:
    """A stage's residual size from its parts (each relative): the largest, at least EPS."""
    return max(max(sizes, default=0.0), EPS)


def estimate(score: float, correction: float, corrections: Mapping[str, float], previous: float,
             before: Estimate | None) -> Estimate:
    """The estimate of a stage with residual size ``score`` whose correction (relative size of
    the stage itself) was ``correction`` overall and ``corrections`` per field and parameter,
    after a kept stage of residual size ``previous`` and estimate ``before`` (inf and None:
    none, the zero fields, residual size 1). A NaN correction: the score is a measured error."""
    if math.isnan(correction):
        return Estimate(score)
    calibrated = math.isfinite(previous)
    ratio = math.sqrt(score / previous) if calibrated else score

    def one(c: float, was: float) -> float:
        return max(c * ratio, c if c > was else 0.0, FLOOR)

    parts = {n: one(c, before.parts.get(n, math.inf) if before else math.inf) for n, c in corrections.items()}
    return Estimate(one(correction, before.error if before else math.inf), parts, calibrated)
