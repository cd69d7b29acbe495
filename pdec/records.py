"""What each stage of a solve did: one record type for every task, and why a solve stopped.

A record holds the figures every stage has (eps, kappa, points, loss, held-out errors, time)
and, as mappings, the task's own figures (a fit's RMS error; an equation solve's gamma,
equation residual and condition residual) and the inferred parameters after the stage. The
table, the summary, the plots and the saved files read records through this one type.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence


class StopReason(enum.Enum):
    """Why the stage loop ended after a stage; stored by name, described by `describe_stop`."""

    TOLERANCE = "tolerance met"
    NO_GAIN = "no gain"
    NO_CHANGE = "no change"
    STALLED = "stalled"
    MAX_STAGES = "max stages"
    ZERO_RESIDUE = "residue is zero"
    DIVERGED = "diverged"


FAR = 10.0  # a misfit to the observations above FAR times their level is reported (`observations_missed`)
# Noiseless observations: the misfit level taken as reached. Well above the float64 floor of a
# multi-stage solve (1e-13..1e-16, so a run that stops early on a hard problem is not flagged),
# far below what a solve that settles on a wrong parameter leaves (1e-2..1).
FLOOR = 1e-8
HIDDEN = ("data_level", "under_resolved", "under_fit", "unsolved", "share", "correction", "calibrated")  # figures a record keeps for the checks, not shown per stage

RETRY = "loss not finite after a retry with a 10x smaller Adam step and another seed"


@dataclass(frozen=True)
class StageRecord:
    """One stage of one run of the stage loop (a fit's field, or all fields of an equation solve).

    ``score`` is what the keep rule compares between stages: the residual size of an equation
    solve, a fit's held-out error against its target. ``estimate`` is the estimated relative L2
    error (`pdec.solver.estimate`), all fields together, ``estimates`` per field and inferred
    parameter; ``rel_l2`` and ``max_error`` the errors against a stated exact solution (NaN
    where none), for the report only.
    """

    fields: tuple[str, ...]
    stage: int
    eps: float
    kappa: tuple[float, ...]
    points: int
    iterations: int
    loss: float
    rel_l2: float
    max_error: float
    score: float
    wall_time: float
    kept: bool = True
    stop: StopReason | None = None
    figures: Mapping[str, float] = field(default_factory=dict)
    parameters: Mapping[str, float] = field(default_factory=dict)
    peak_memory: float | None = None  # bytes: the process's resident peak during the stage, None where unknown
    # per condition and equation line (its block's name), the relative miss on fresh points
    # (`pdec.solver.convergence`); empty for fits and for records saved before pdec measured it
    misses: Mapping[str, float] = field(default_factory=dict)
    estimate: float = math.nan  # NaN in records saved before pdec estimated its error
    estimates: Mapping[str, float] = field(default_factory=dict)

    @property
    def field(self) -> str:
        """The fields of this record's run, as one label."""
        return ", ".join(self.fields)


@dataclass(frozen=True)
class ParameterStart:
    """Where the unknown parameters of an inverse solve started (`pdec.solver.data_start`): the
    file's guesses, the start the observations gave, notes on what the observations cannot pin
    (``unpinned``: those parameters by name), and the held-out RMS error of each observed
    field's fit."""

    guesses: Mapping[str, float]
    values: Mapping[str, float]
    notes: tuple[str, ...] = ()
    unpinned: tuple[str, ...] = ()
    fit_rms: Mapping[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """`name: guess G -> start S` per parameter, then the notes."""
        return [f"{n}: guess {g:.6g} -> start {self.values[n]:.10g}" for n, g in self.guesses.items()] \
            + list(self.notes)


def baseline(records: Sequence[StageRecord], index: int) -> float:
    """The score a stage had to beat: that of the last kept stage of its run before it."""
    run = records[index].fields
    kept = [r.score for r in records[:index] if r.fields == run and r.kept and math.isfinite(r.score)]
    return kept[-1] if kept else math.inf


def describe_stop(records: Sequence[StageRecord], index: int) -> str:
    """The stop reason of ``records[index]`` as a message ('' when it is not the last stage)."""
    r = records[index]
    if r.stop is None:
        return ""
    before = baseline(records, index)
    return {
        StopReason.TOLERANCE: lambda: f"tolerance met (estimated error {r.estimate:.2e})",
        StopReason.NO_GAIN: lambda: f"no gain (residual size {r.score:.2e} >= {before:.2e}), stage discarded",
        StopReason.NO_CHANGE: lambda: "no change (the stage's solve took no step, or left the residual and the "
                                      "conditions worse), stage discarded",
        StopReason.STALLED: lambda: stalled(records, index),
        StopReason.MAX_STAGES: lambda: f"max stages ({r.stage})",
        StopReason.ZERO_RESIDUE: lambda: "residue is zero",
        StopReason.DIVERGED: lambda: f"diverged: {RETRY}; stage discarded",
    }[r.stop]()


def last_kept(records: Sequence[StageRecord], fields: tuple[str, ...]) -> StageRecord | None:
    """The last kept stage of the run of ``fields`` (None: none)."""
    kept = [r for r in records if r.fields == fields and r.kept]
    return kept[-1] if kept else None


def stalled(records: Sequence[StageRecord], index: int) -> str:
    """The message of a run that stopped because a stage cut its estimated error by less than
    the run's least gain (`pdec.solver.driver.gain`), or a fit's score by less."""
    r = records[index]
    c = r.figures.get("correction", math.nan)
    if math.isfinite(c) and r.estimate > 0:
        return f"stalled: the stage corrected {c:.2e} and leaves an estimated {r.estimate:.2e} (gain {c / r.estimate:.2g}x)"
    return f"stalled: gain {baseline(records, index) / r.score:.2g}x"


def final_estimate(records: Sequence[StageRecord]) -> float:
    """The estimated error of a run's last kept stage, and no smaller than the correction a
    stage after it made before it was discarded for no gain (a measured size of what the kept
    stage still misses); NaN where none is kept or it was not estimated."""
    kept = [i for i, r in enumerate(records) if r.kept]
    if not kept:
        return math.nan
    est = records[kept[-1]].estimate
    for r in records[kept[-1] + 1:]:
        c = r.figures.get("correction", math.nan)
        if r.stop is StopReason.NO_GAIN and math.isfinite(c):
            est = max(est, c)
    return est


def calibrated(records: Sequence[StageRecord]) -> bool:
    """Whether a run's final estimate rests on a measured correction: its last kept stage's
    estimate is calibrated (stage 2 on), or a stage after it was tried (a fit's estimate is its
    measured error: always)."""
    kept = [i for i, r in enumerate(records) if r.kept]
    if not kept:
        return False
    last = records[kept[-1]]
    return bool(last.figures.get("calibrated", 1.0)) or any(
        math.isfinite(r.figures.get("correction", math.nan)) for r in records[kept[-1] + 1:])


POOR = 1e-3  # an estimated relative error above this is too large for a result to be trusted


def trust(records: Sequence[StageRecord]) -> Verdict:
    """Whether a run's error estimate can be trusted, and why not: it rests on stage 1 alone,
    it is above POOR, or the observations are noisy (the estimate measures the solve, not what
    their noise leaves in the fields and parameters: flux_inverse, noise 1e-3, estimate 2e-8
    for a, true error 1.7e-4)."""
    est, reasons = final_estimate(records), []
    kept = [r for r in records if r.kept]
    level = kept[-1].figures.get("data_level", 0.0) if kept else 0.0
    if level > FLOOR:
        reasons.append(f"the observations have noise (level {level:.1e}): the estimate covers the solve, not "
                       "what that noise leaves in the result")
    if not calibrated(records):
        reasons.append("the error estimate rests on stage 1 alone: no later stage measured what it misses")
    if not est <= POOR:
        reasons.append(f"the estimated error {est:.2e} is above {POOR:g}" if math.isfinite(est)
                       else "the error could not be estimated")
    return Verdict(not reasons, tuple(reasons))


def stop_messages(records: Sequence[StageRecord]) -> list[str]:
    """Every stop reason of a report (one per run), as messages."""
    return [describe_stop(records, i) for i, r in enumerate(records) if r.stop is not None]


def finished(records: Sequence[StageRecord], tol: float, max_stages: int) -> bool:
    """Whether a run that left these records is over for (tol, max_stages), so resuming it
    would add nothing: it stopped for a reason other than the stage count, or ran them all."""
    if not records:
        return False
    last = records[-1]
    if len(records) >= max_stages:
        return True
    if last.stop in (None, StopReason.MAX_STAGES):
        return False
    return not (last.stop is StopReason.TOLERANCE and last.estimate > tol)


@dataclass(frozen=True)
class Verdict:
    """Whether a run of an equation problem reached a solution (`pdec.solver.convergence`):
    ``converged``, and why not, in words naming the line."""

    converged: bool
    reasons: tuple[str, ...] = ()

    def message(self) -> str:
        return "converged" if self.converged else "did not converge: " + "; ".join(self.reasons)


MISSED = 1e-3  # as pdec.solver.convergence.MISSED (records do not import the solver)


def _line(name: str) -> str:
    """A block's name, 'initial t = 0 (line 5)', as 'the initial condition t = 0 at line 5'
    ('equation (line 3)': 'the equation at line 3')."""
    what, _, line = name.partition(" (line ")
    kind, _, where = what.partition(" ")
    kind = {"initial": "initial condition", "boundary": "boundary condition", "point": "point condition",
            "periodic": "periodicity"}.get(kind, kind)
    return f"the {kind} {where}".rstrip() + (f" at line {line.rstrip(')')}" if line else "")


def verdict(records: Sequence[StageRecord]) -> Verdict | None:
    """Whether the run's last kept stage is a solution: every condition met to MISSED
    (relative) and each equation's residual at most MISSED of the residual at zero fields, both
    on fresh points (`StageRecord.misses`); no kept stage is no solution. None where the records hold no such
    measurement (fits, runs saved before pdec measured it). Where no stage is kept, the last
    stage tried says what was missed."""
    kept = [r for r in records if r.kept]
    last = kept[-1] if kept else (records[-1] if records else None)
    if last is None or "share" not in last.figures:
        return None
    reasons = [f"{_line(name)} is not solved: its residual on fresh points is {100 * miss:.3g} % of the "
               "residual at zero fields" if name.startswith("equation") else f"{_line(name)} is missed by {100 * miss:.3g} %"
               for name, miss in last.misses.items() if not miss <= MISSED]
    if not kept:
        tried = ("in the last stage tried, " + ", ".join(reasons),) if reasons else ()
        return Verdict(False, ("no stage was kept",) + tried)
    return Verdict(not reasons, tuple(reasons))


def observations_missed(r: StageRecord) -> bool:
    """Whether the stage misses its observations: a misfit (figure ``data_rms``, relative RMS) above
    FAR times their level (``data_level``: their noise, or the noiseless floor,
    `pdec.solver.observation_fit`). False for a stage without observations."""
    rms, level = r.figures.get("data_rms"), r.figures.get("data_level")
    return rms is not None and level is not None and not rms <= FAR * level


def describe_misfit(r: StageRecord) -> str:
    """What a missed fit to the observations means, for the summary."""
    level = r.figures["data_level"]
    what = "the floor taken for noiseless data" if level <= FLOOR else "their noise"
    return (f"the observations are missed: misfit {r.figures['data_rms']:.2e} (relative RMS), above {FAR:g} x "
            f"{level:.1e} ({what})")


def observation_check(records: Sequence[StageRecord]) -> dict | None:
    """The fit to the observations of the last kept stage (the last stage where none is kept):
    its misfit, the observations' level and whether it is met; None without observations."""
    kept = [r for r in records if r.kept] or list(records[-1:])
    if not kept or "data_rms" not in kept[-1].figures:
        return None
    r = kept[-1]
    return {"misfit": r.figures["data_rms"], "level": r.figures["data_level"], "met": not observations_missed(r)}


def format_stage(records: Sequence[StageRecord], index: int = -1) -> str:
    """One line for a finished stage, for progress output."""
    index = index % len(records)
    r = records[index]
    kappa = ",".join(f"{k:.3g}" for k in r.kappa)
    figures = "".join(f"  {name.replace('_', ' ')} {format(value, '.3f' if name == 'gamma' else '.2e')}"
                      for name, value in r.figures.items() if name not in HIDDEN)
    params = "".join(f"  {k} {v:.12g}" for k, v in r.parameters.items())
    line = (f"{r.field:>6s} stage {r.stage}: eps {r.eps:.2e}  kappa [{kappa}]  points {r.points:5d}  "
            f"iters {r.iterations:6d}  loss {r.loss:.2e}{figures}  est err {r.estimate:.2e}"
            + (f"  rel L2 {r.rel_l2:.2e}  max {r.max_error:.2e}" if math.isfinite(r.rel_l2) else "")
            + f"{params}  {r.wall_time:6.1f} s" + (f"  {r.peak_memory / 1e9:.2f} GB" if r.peak_memory is not None else ""))
    if not r.kept:
        line += "  (discarded)"
    if observations_missed(r):
        line += "  (observations missed)"
    if r.stop is not None:
        line += f"  [stop: {describe_stop(records, index)}]"
    return line
