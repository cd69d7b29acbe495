"""A task says what the stages fit; the driver (`pdec.solver.driver`) runs its stages.

The driver carries a `State` (the frozen stages of the task's fields, the inferred parameters)
from stage to stage and asks the task, for stage k with stage kind ``kind``:

- ``prepare(state, kind, k)``: the stage's residual vector and scales (a `StageSetup`);
- ``attempt(setup, kind, key, k, progress)``: a fresh network from ``key`` fitted to it;
- ``extend(state, setup, kind, attempt)``: the state with that stage frozen in;
- ``measure(state, setup)``: its residual size, the new stage's correction, errors against a
  stated exact solution (reported only) and the task's own figures;

and ``stage_key(run_key, k)`` for the key of stage k's networks (`pdec.solver.keys`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, Protocol

import jax

from pdec.solution import Stage
from pdec.solver.optimize import Progress
from pdec.solver.stages.base import StageKind, StageSetup


@dataclass(frozen=True)
class State:
    """The frozen stages of each of a run's fields (in order) and the inferred parameters."""

    stages: tuple[tuple[Stage, ...], ...]
    parameters: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Attempt:
    """One fitted try at a stage: its trainable pytree, loss, iterations, and figures of its own
    (an equation stage's gamma)."""

    theta: object
    loss: float
    iterations: int
    figures: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Measure:
    """Figures of a state: relative L2 and max error against a stated exact solution (NaN
    where none; reported, never used to decide), the score the keep rule compares (a residual
    size, or a fit's measured error), the correction (the newest stage's relative size, overall
    and per field and parameter; NaN where the score is a measured error) from which the driver
    estimates the error (`pdec.solver.estimate`), and the task's own figures."""

    rel_l2: float
    max_error: float
    score: float
    figures: Mapping[str, float] = field(default_factory=dict)
    misses: Mapping[str, float] = field(default_factory=dict)  # per condition line (`pdec.solver.convergence`)
    helped: bool = True  # False: the stage changed nothing, or made the residual and every condition worse
    correction: float = math.nan
    corrections: Mapping[str, float] = field(default_factory=dict)


class Task(Protocol):
    """What a run of the stage loop fits."""

    fields: tuple[str, ...]

    def stage_key(self, run: jax.Array, k: int) -> jax.Array: ...

    def prepare(self, state: State, kind: StageKind, k: int) -> StageSetup: ...

    def attempt(self, setup: StageSetup, kind: StageKind, key: jax.Array, k: int,
                progress: Progress | None) -> Attempt: ...

    def extend(self, state: State, setup: StageSetup, kind: StageKind, attempt: Attempt) -> State: ...

    def measure(self, state: State, setup: StageSetup) -> Measure: ...
