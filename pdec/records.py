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
    STALLED = "stalled"
    MAX_STAGES = "max stages"
    ZERO_RESIDUE = "residue is zero"
    DIVERGED = "diverged"


RETRY = "loss not finite after a retry with a 10x smaller Adam step and another seed"


@dataclass(frozen=True)
class StageRecord:
    """One stage of one run of the stage loop (a fit's field, or all fields of an equation solve).

    ``score`` is what the stop rules compare between stages: the held-out relative L2 error,
    or, where no exact solution is known, the task's error estimate (the equation residual).
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

    @property
    def field(self) -> str:
        """The fields of this record's run, as one label."""
        return ", ".join(self.fields)


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
        StopReason.TOLERANCE: lambda: f"tolerance met (rel L2 {r.rel_l2:.2e})",
        StopReason.NO_GAIN: lambda: f"no gain ({r.score:.2e} >= {before:.2e}), stage discarded",
        StopReason.STALLED: lambda: f"stalled: gain {before / r.score:.2g}x",
        StopReason.MAX_STAGES: lambda: f"max stages ({r.stage})",
        StopReason.ZERO_RESIDUE: lambda: "residue is zero",
        StopReason.DIVERGED: lambda: f"diverged: {RETRY}; stage discarded",
    }[r.stop]()


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
    return not (last.stop is StopReason.TOLERANCE and last.rel_l2 > tol)


def format_stage(records: Sequence[StageRecord], index: int = -1) -> str:
    """One line for a finished stage, for progress output."""
    index = index % len(records)
    r = records[index]
    kappa = ",".join(f"{k:.3g}" for k in r.kappa)
    figures = "".join(f"  {name.replace('_', ' ')} {format(value, '.3f' if name == 'gamma' else '.2e')}"
                      for name, value in r.figures.items())
    params = "".join(f"  {k} {v:.12g}" for k, v in r.parameters.items())
    line = (f"{r.field:>6s} stage {r.stage}: eps {r.eps:.2e}  kappa [{kappa}]  points {r.points:5d}  "
            f"iters {r.iterations:6d}  loss {r.loss:.2e}{figures}  rel L2 {r.rel_l2:.2e}  max {r.max_error:.2e}"
            f"{params}  {r.wall_time:6.1f} s")
    if not r.kept:
        line += "  (discarded)"
    if r.stop is not None:
        line += f"  [stop: {describe_stop(records, index)}]"
    return line
