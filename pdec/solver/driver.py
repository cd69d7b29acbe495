"""The stage loop (Wang & Lai 2023), one for every task and stage kind.

Stage 1 fits the target; stage k fits what the frozen stages before it still miss; a field is
the sum of its stages. The task (`pdec.solver.tasks`) says what a stage fits and how good a
state is; the stage kind (`pdec.solver.stages`) how a stage is fitted. The loop owns the rest:
the schedule of kinds, a retry when a fit diverges, keeping or discarding a stage, the stop
rules, the records, resuming a run, the random keys and the callbacks.

Stop rules, after each stage: its loss is not finite after the retry (discarded); its solve took
no step, or made the residual and the conditions worse (discarded); its score (residual size)
is no smaller than the last kept stage's (discarded); its estimated error
(`pdec.solver.estimate`, calibrated) meets the tolerance; its estimated gain (`gain`) is
below ``Stops.min_gain`` (when set); ``max_stages``. Before a stage: the residue to fit is zero. No
decision reads an error against a stated exact solution: that is for the report.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import jax
import numpy as np

from pdec.records import StageRecord, StopReason, finished, last_kept
from pdec.solver import keys, memory
from pdec.solver.estimate import Estimate, estimate
from pdec.solver.optimize import Progress
from pdec.solver.stages.base import StageKind
from pdec.solver.tasks.base import Attempt, State, Task


def under_resolved(r: StageRecord) -> bool:
    """Whether a stage's task measured it under-resolved (`Schedule.refine` follows it)."""
    return bool(r.figures.get("under_resolved") or r.figures.get("under_fit"))


@dataclass(frozen=True)
class Schedule:
    """The stage kind of each stage: ``kinds[k-1]`` for stage k, the last one repeating; after
    a kept stage that its task measured under-resolved (the figures ``under_resolved``: a stage
    1 whose residual on fresh points is far from solved; ``under_fit``: a stage 1 that misses
    even its own points), ``refine`` where set."""

    kinds: tuple[StageKind, ...]
    refine: StageKind | None = None

    def __call__(self, k: int, records: tuple[StageRecord, ...] = ()) -> StageKind:
        return self.refine if self.replaced(records) else self.kinds[min(k, len(self.kinds)) - 1]

    def replaced(self, records: tuple[StageRecord, ...]) -> int:
        """How many of the last kept stages the next one replaces: with ``refine``, the kept
        stages since the last one measured resolved (their sum only gets in the refining
        stage's way: stage 1 of Burgers, 0.16 off, made a spectral stage 2 need twice the
        degrees in t)."""
        if self.refine is None:
            return 0
        n = 0
        for r in reversed(records):
            if r.kept and not under_resolved(r):
                break
            n += r.kept
        return n

    def with_options(self, adam: int | None, iterations: int | None, width: int | None) -> "Schedule":
        """Every kind with the `solver` options applied where they mean something for it."""
        return Schedule(tuple(kind.with_options(adam, iterations, width) for kind in self.kinds), self.refine)


@dataclass(frozen=True)
class Stops:
    """The loop's stop settings: ``min_gain``, the least factor by which a kept stage must cut
    the estimated error for the run to go on (`gain`; None: never stop for a small gain)."""

    tol: float
    max_stages: int
    min_gain: float | None = 2.0


Callback = Callable[[State, tuple[StageRecord, ...]], None]


def attempts(kind: StageKind, key: jax.Array) -> Iterator[tuple[StageKind, jax.Array]]:
    """A stage's kind and network key, then one safer retry if its loss is not finite."""
    yield kind, key
    yield kind.retry(), keys.retry(key)


def labelled(progress: Progress | None, label: str) -> Progress | None:
    """The optimizers' progress hook with the stage's label in front of the phase."""
    if progress is None:
        return None
    return lambda phase, step, total, loss: progress(f"{label} {phase}", step, total, loss)


def stop_reason(loss: float, kept: bool, est: Estimate, gain: float, k: int, stops: Stops,
                helped: bool = True) -> StopReason | None:
    """Why the loop ends after stage k, or None to go on: ``est`` is the stage's estimated
    error, ``gain`` the factor by which it estimates the stage cut the error (`gain`)."""
    if not np.isfinite(loss):
        return StopReason.DIVERGED
    if not kept:
        return StopReason.NO_GAIN if helped else StopReason.NO_CHANGE
    if est.calibrated and est.error <= stops.tol:
        return StopReason.TOLERANCE
    if stops.min_gain is not None and est.calibrated and gain < stops.min_gain:
        return StopReason.STALLED
    if k == stops.max_stages:
        return StopReason.MAX_STAGES
    return None


def gain(correction: float, before: Estimate | None, est: Estimate) -> float:
    """The factor by which a stage cut the error: the error it corrected (its correction, or,
    where the score is a measured error, the last kept stage's) over its estimate (inf: no
    stage kept before a fit's)."""
    was = correction if not math.isnan(correction) else (before.error if before is not None else math.inf)
    return was / est.error if est.error > 0 else math.inf


def _estimate_figures(m, est: Estimate) -> dict[str, float]:
    """The figures the final estimate and the report read back (`pdec.records.final_estimate`)."""
    return {} if math.isnan(m.correction) else {"correction": m.correction, "calibrated": float(est.calibrated)}


def _fit(task: Task, kind: StageKind, setup, key: jax.Array, k: int, progress) -> Attempt:
    """The stage's attempts until one ends with a finite loss (or the last one)."""
    for tried, attempt_key in attempts(kind, task.stage_key(key, k)):
        attempt = task.attempt(setup, tried, attempt_key, k, progress)
        if np.isfinite(attempt.loss):
            break
    return attempt


def _replace_under_resolved(schedule: Schedule, state: State, records: list, previous: float) -> tuple[State, float]:
    """Drop the kept stages the next stage replaces (`Schedule.replaced`); their records become
    discarded ones. The parameters go back to the last stage kept before them."""
    n = schedule.replaced(tuple(records))
    if n == 0:
        return state, previous
    dropped = 0
    for i in range(len(records) - 1, -1, -1):
        if dropped == n:
            break
        if records[i].kept:
            records[i] = replace(records[i], kept=False)
            dropped += 1
    before = [r for r in records if r.kept and np.isfinite(r.score)]
    params = dict(before[-1].parameters) if before else dict(state.parameters)
    stages = tuple(st[:len(st) - n] for st in state.stages)
    return State(stages, params), (before[-1].score if before else math.inf)


def run(task: Task, schedule: Schedule, stops: Stops, *, key: jax.Array, label: str = "",
        start: tuple[State, tuple[StageRecord, ...]] | None = None, callback: Callback | None = None,
        progress: Progress | None = None) -> tuple[State, tuple[StageRecord, ...]]:
    """Add stages until a stop rule ends the run; returns the kept state and one record per stage.

    ``start``: the state and records of an earlier run to continue (same key: the result is the
    one an uninterrupted run gives). ``callback(state, records)`` after every stage."""
    state, done = start if start is not None else (State(tuple(() for _ in task.fields)), ())
    if finished(done, stops.tol, stops.max_stages):
        return state, done
    records = list(done)
    if records:
        records[-1] = replace(records[-1], stop=None)
    scores = [r.score for r in records if r.kept and np.isfinite(r.score)]
    previous = scores[-1] if scores else math.inf
    for k in range(len(records) + 1, stops.max_stages + 1):
        t0 = time.perf_counter()
        memory.reset_peak()
        kind = schedule(k, tuple(records))
        state, previous = _replace_under_resolved(schedule, state, records, previous)
        setup = task.prepare(state, kind, k)
        if setup.eps == 0.0 or not np.isfinite(setup.eps):
            if records:
                records[-1] = replace(records[-1], stop=StopReason.ZERO_RESIDUE)
            break
        attempt = _fit(task, kind, setup, key, k, labelled(progress, f"{label}stage {k}"))
        new = task.extend(state, setup, kind, attempt)
        m = task.measure(new, setup)
        last = last_kept(records, task.fields)
        before = Estimate(last.estimate, last.estimates) if last is not None and math.isfinite(last.estimate) else None
        est = estimate(m.score, m.correction, m.corrections, previous, before)
        helped = attempt.iterations > 0 and m.helped  # a solve of no step adds exactly zero
        kept = bool(np.isfinite(attempt.loss)) and helped and not (m.score >= previous)  # NaN score keeps it
        records.append(StageRecord(
            fields=task.fields, stage=k, eps=float(setup.eps), kappa=tuple(float(v) for v in setup.kappa),
            points=setup.points, iterations=attempt.iterations, loss=float(attempt.loss), rel_l2=m.rel_l2,
            max_error=m.max_error, score=m.score, wall_time=time.perf_counter() - t0, kept=kept,
            stop=stop_reason(attempt.loss, kept, est, gain(m.correction, before, est), k, stops, helped),
            figures={**attempt.figures, **m.figures, **_estimate_figures(m, est)}, parameters=dict(new.parameters),
            peak_memory=memory.peak_bytes(), misses=dict(m.misses), estimate=est.error, estimates=dict(est.parts)))
        if kept:
            state = new
            previous = m.score if np.isfinite(m.score) else previous
        if callback is not None:
            callback(state, tuple(records))
        if records[-1].stop is not None:
            break
    return state, tuple(records)
