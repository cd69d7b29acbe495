"""The multi-stage driver (Wang & Lai 2023), generic over what a stage fits.

Stage 1 fits the target; stage k fits the normalized residue e_k / eps_k of the frozen stages
before it; the field is the sum ``sum_k eps_k net_k``. A ``StageTask`` says, given the frozen
stages, what the next stage's residual vector is (with its eps, kappa and sample points), and
how large the error of a sum of stages is on held-out points. Regression supplies one task
(``pdec.regression``); a PINN supplies another, with equation and condition residuals.

The driver stops when the held-out error meets the tolerance, when a stage fails to cut the
error by ``min_gain`` (a stage that does not lower it at all is discarded), or at
``max_stages``; the last record says which.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

import jax
import numpy as np

from pdec import network, optimize
from pdec.solution import Stage


@dataclass(frozen=True)
class StageSettings:
    """Network and optimizer of one stage."""

    widths: tuple[int, ...] = (20, 20, 20)
    sine_first: bool = False
    angle: bool = False
    adam_steps: int = 3000
    adam_lr: float = 1e-3
    optimizer: str = "lbfgs"  # "lbfgs" or "lm" (Levenberg-Marquardt)
    iterations: int = 10000


@dataclass(frozen=True)
class StageSetup:
    """What a task hands the driver for the next stage: its scales, sample count and residual.

    ``residual(params) -> (M,)`` is the new stage's residual vector with earlier stages frozen;
    ``jacobian`` optionally gives its rows cheaply (see ``optimize.pointwise``).
    """

    eps: float
    kappa: jax.Array
    points: int
    residual: optimize.Residual
    jacobian: Callable | None = None


@dataclass(frozen=True)
class Errors:
    """Error of a sum of stages on held-out points (NaN where the truth is unknown)."""

    rms: float
    max: float
    rel_l2: float


@dataclass(frozen=True)
class StageRecord:
    """What one stage did. ``stop_reason`` is set on the stage where the solve stopped."""

    field: str
    stage: int
    eps: float
    kappa: tuple[float, ...]
    points: int
    iterations: int
    loss: float
    rms_error: float
    max_error: float
    rel_l2: float
    wall_time: float
    kept: bool = True
    stop_reason: str = ""


class StageTask(Protocol):
    """A problem the driver can solve stage by stage."""

    in_dim: int

    def setup(self, stages: tuple[Stage, ...], settings: StageSettings) -> StageSetup: ...

    def errors(self, stages: tuple[Stage, ...]) -> Errors: ...


@dataclass(frozen=True)
class Schedule:
    """Settings per stage: ``stages[k-1]`` for stage k, the last one repeating."""

    stages: tuple[StageSettings, ...]

    def __call__(self, k: int) -> StageSettings:
        return self.stages[min(k, len(self.stages)) - 1]


LM_MAX_JACOBIAN = 2e7  # entries of J (160 MB in float64); above it LM falls back to L-BFGS
LBFGS_FALLBACK_ITERATIONS = 20000


def train(setup: StageSetup, params: network.Params, settings: StageSettings):
    """Adam warm start, then L-BFGS or Levenberg-Marquardt, on the stage's residual vector.

    LM stores the dense Jacobian (points x weights); when that exceeds ``LM_MAX_JACOBIAN``
    entries (e.g. a large data set) the stage uses L-BFGS instead."""
    if settings.optimizer == "lm" and setup.points * network.count_parameters(params) > LM_MAX_JACOBIAN:
        settings = replace(settings, optimizer="lbfgs", iterations=LBFGS_FALLBACK_ITERATIONS)
    iters = 0
    if settings.adam_steps > 0:
        params, _ = optimize.adam(setup.residual, params, settings.adam_steps, settings.adam_lr)
        iters += settings.adam_steps
    if settings.optimizer == "lbfgs":
        params, res = optimize.lbfgs(setup.residual, params, settings.iterations)
    elif settings.optimizer == "lm":
        params, res = optimize.levenberg_marquardt(
            setup.residual, params, settings.iterations, jacobian=setup.jacobian
        )
    else:
        raise ValueError(f"unknown optimizer {settings.optimizer!r}")
    return params, res.loss, iters + res.iterations


def format_stage(r: StageRecord) -> str:
    """One line per stage for progress output."""
    kappa = ",".join(f"{k:.3g}" for k in r.kappa)
    line = (
        f"{r.field:>6s} stage {r.stage}: eps {r.eps:.2e}  kappa [{kappa}]  points {r.points:5d}  "
        f"iters {r.iterations:6d}  loss {r.loss:.2e}  test rms {r.rms_error:.2e}  "
        f"max {r.max_error:.2e}  rel L2 {r.rel_l2:.2e}  {r.wall_time:6.1f} s"
    )
    if not r.kept:
        line += "  (discarded)"
    if r.stop_reason:
        line += f"  [stop: {r.stop_reason}]"
    return line


def run(
    task: StageTask,
    schedule: Schedule,
    *,
    tol: float,
    max_stages: int,
    key: jax.Array,
    min_gain: float = 2.0,
    field: str = "u",
    callback: Callable[[StageRecord], None] | None = None,
) -> tuple[tuple[Stage, ...], tuple[StageRecord, ...]]:
    """Add stages until the held-out relative L2 error is <= tol, stages stop gaining, or
    ``max_stages``. Returns the kept stages and one record per trained stage."""
    stages: tuple[Stage, ...] = ()
    records: list[StageRecord] = []
    previous = math.inf
    for k in range(1, max_stages + 1):
        t0 = time.perf_counter()
        settings = schedule(k)
        setup = task.setup(stages, settings)
        if setup.eps == 0.0 or not np.isfinite(setup.eps):
            if records:
                records[-1] = replace(records[-1], stop_reason="residue is zero")
            break
        params = network.init_stage(
            jax.random.fold_in(key, k), task.in_dim, settings.widths, 1, setup.kappa, settings.sine_first
        )
        params, loss, iters = train(setup, params, settings)
        stage = Stage(params, jax.numpy.asarray(setup.eps), setup.kappa, settings.sine_first, settings.angle)
        errs = task.errors(stages + (stage,))
        kept = not (errs.rel_l2 >= previous)  # NaN (unknown truth) keeps the stage
        reason = ""
        if not kept:
            reason = f"no gain: test error {errs.rel_l2:.2e} >= {previous:.2e}, stage discarded"
        elif errs.rel_l2 <= tol:
            reason = f"tolerance {tol:.0e} met"
        elif errs.rel_l2 * min_gain > previous:
            reason = f"stalled: gain {previous / errs.rel_l2:.2g}x < {min_gain:g}x"
        elif k == max_stages:
            reason = f"max stages ({max_stages})"
        record = StageRecord(
            field=field, stage=k, eps=float(setup.eps), kappa=tuple(float(v) for v in setup.kappa),
            points=setup.points, iterations=iters, loss=loss, rms_error=errs.rms, max_error=errs.max,
            rel_l2=errs.rel_l2, wall_time=time.perf_counter() - t0, kept=kept, stop_reason=reason,
        )
        records.append(record)
        if callback is not None:
            callback(record)
        if kept:
            stages = stages + (stage,)
            previous = errs.rel_l2 if np.isfinite(errs.rel_l2) else previous
        if reason:
            break
    return stages, tuple(records)
