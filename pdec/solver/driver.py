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

from pdec.solver.stages import least_squares
from pdec.solver import network
from pdec.solver import optimize
from pdec.solution import Stage


@dataclass(frozen=True)
class StageSettings:
    """Network and optimizer of one stage."""

    widths: tuple[int, ...] = (20, 20, 20)
    sine_first: bool = False
    angle: bool = False
    adam_steps: int = 3000
    adam_lr: float = 1e-3
    optimizer: str = "lbfgs"  # "lbfgs", "lm" (Levenberg-Marquardt) or "lstsq" (`pdec.least_squares`)
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
    # Adam on resampled points: residual_on(params, batch) and batches(i) for chunk i.
    residual_on: Callable | None = None
    batches: Callable[[int], object] | None = None
    # Least-squares stage: features to draw when fewer than the settings' width (few data points).
    width: int | None = None


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


def schedule_with(schedule: Schedule, options) -> Schedule:
    """Every trained stage of ``schedule`` with the `solver` options adam, iterations and width
    applied; least-squares stages (no Adam, no iterations, sized by their residue) stay."""
    change = {field: options[name] for name, field in (("adam", "adam_steps"), ("iterations", "iterations"))
              if options.get(name) is not None}
    if options.get("width") is not None:
        change["widths"] = (int(options["width"]),) * 3
    if not change:
        return schedule
    return Schedule(tuple(s if s.optimizer == "lstsq" else replace(s, **change) for s in schedule.stages))


LM_MAX_JACOBIAN = 2e7  # entries of J (160 MB in float64); above it LM falls back to L-BFGS
LBFGS_FALLBACK_ITERATIONS = 20000


def train(setup: StageSetup, params: network.Params, settings: StageSettings,
          progress: optimize.Progress | None = None):
    """Adam warm start, then L-BFGS or Levenberg-Marquardt, on the stage's residual vector; or,
    for a least-squares stage, one solve for its output layer (no Adam).

    LM stores the dense Jacobian (points x weights); when that exceeds ``LM_MAX_JACOBIAN``
    entries (e.g. a large data set) the stage uses L-BFGS instead. ``progress(phase, step,
    total, loss)`` is called between chunks of optimizer steps."""
    if settings.optimizer == "lm" and setup.points * network.count_parameters(params) > LM_MAX_JACOBIAN:
        settings = replace(settings, optimizer="lbfgs", iterations=LBFGS_FALLBACK_ITERATIONS)
    if settings.optimizer == "lstsq":
        if progress is not None:
            progress("lstsq", 0, 1, float(optimize.mse(setup.residual, params)))
        params, res = least_squares.solve_output_layer(setup.residual, params)
        if progress is not None:
            progress("lstsq", 1, 1, res.loss)
        return params, res.loss, res.iterations
    iters = 0
    if settings.adam_steps > 0:
        if setup.batches is not None:
            params, _ = optimize.adam(setup.residual_on, params, settings.adam_steps, settings.adam_lr, progress,
                                      setup.batches)
        else:
            params, _ = optimize.adam(setup.residual, params, settings.adam_steps, settings.adam_lr, progress)
        iters += settings.adam_steps
    if settings.optimizer == "lbfgs":
        params, res = optimize.lbfgs(setup.residual, params, settings.iterations)
    elif settings.optimizer == "lm":
        params, res = optimize.levenberg_marquardt(
            setup.residual, params, settings.iterations, jacobian=setup.jacobian, progress=progress
        )
    else:
        raise ValueError(f"unknown optimizer {settings.optimizer!r}")
    return params, res.loss, iters + res.iterations


RETRY = "loss not finite after a retry with a 10x smaller Adam step and another seed"


def attempts(settings: StageSettings, key: jax.Array):
    """A stage's settings and network key, then one safer retry if its loss is not finite:
    Adam's step 10x smaller and another seed."""
    yield settings, key
    yield replace(settings, adam_lr=settings.adam_lr * 0.1), jax.random.fold_in(key, 7919)


def stage_progress(progress: Callable[[str, int, int, float], None] | None, label: str):
    """The optimizers' progress hook with the stage's label in front of the phase."""
    if progress is None:
        return None
    return lambda phase, step, total, loss: progress(f"{label} {phase}", step, total, loss)


def finished(records: tuple, tol: float, max_stages: int) -> bool:
    """Whether a run that left these records is over for (tol, max_stages), so resuming it
    would add nothing: it stopped for a reason other than the stage count, or ran them all."""
    if not records:
        return False
    last = records[-1]
    if len(records) >= max_stages:
        return True
    if not last.stop_reason or last.stop_reason.startswith("max stages"):
        return False
    return not (last.stop_reason.startswith("tolerance") and last.rel_l2 > tol)


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
    callback: Callable[[tuple[Stage, ...], tuple[StageRecord, ...]], None] | None = None,
    start: tuple[tuple[Stage, ...], tuple[StageRecord, ...]] = ((), ()),
    progress: optimize.Progress | None = None,
) -> tuple[tuple[Stage, ...], tuple[StageRecord, ...]]:
    """Add stages until the held-out relative L2 error is <= tol, stages stop gaining, or
    ``max_stages``. Returns the kept stages and one record per trained stage.

    ``start``: the kept stages and records of an earlier run to continue (same key: the result
    is the one an uninterrupted run gives). ``callback(stages, records)`` after every stage."""
    stages, done = start
    records: list[StageRecord] = list(done)
    if finished(done, tol, max_stages):
        return stages, done
    if records:
        records[-1] = replace(records[-1], stop_reason="")
    kept_errors = [r.rel_l2 for r in records if r.kept and np.isfinite(r.rel_l2)]
    previous = kept_errors[-1] if kept_errors else math.inf
    for k in range(len(records) + 1, max_stages + 1):
        t0 = time.perf_counter()
        settings = schedule(k)
        setup = task.setup(stages, settings)
        if setup.eps == 0.0 or not np.isfinite(setup.eps):
            if records:
                records[-1] = replace(records[-1], stop_reason="residue is zero")
            break
        for tried, init_key in attempts(settings, jax.random.fold_in(key, k)):
            if tried.optimizer == "lstsq":
                params = least_squares.init_stage(init_key, task.in_dim, min(tried.widths[0], setup.width or math.inf))
            else:
                params = network.init_stage(init_key, task.in_dim, tried.widths, 1, setup.kappa, tried.sine_first)
            params, loss, iters = train(setup, params, tried, stage_progress(progress, f"{field} stage {k}"))
            if np.isfinite(loss):
                break
        stage = Stage(params, jax.numpy.asarray(setup.eps), setup.kappa, settings.sine_first, settings.angle)
        errs = task.errors(stages + (stage,))
        kept = bool(np.isfinite(loss)) and not (errs.rel_l2 >= previous)  # NaN (unknown truth) keeps it
        reason = ""
        if not np.isfinite(loss):
            reason = f"diverged: {RETRY}; stage discarded"
        elif not kept:
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
        if kept:
            stages = stages + (stage,)
            previous = errs.rel_l2 if np.isfinite(errs.rel_l2) else previous
        if callback is not None:
            callback(stages, tuple(records))
        if reason:
            break
    return stages, tuple(records)
