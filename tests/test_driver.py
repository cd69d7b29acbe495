"""The stage loop's decisions, on a fake task whose every figure is scripted (issue 35, item 8;
issue 36): which stages are kept, why the loop stops, and what it estimates. No numerics run."""

from __future__ import annotations

import math

import jax.numpy as jnp
import pytest

from pdec.records import StopReason, final_estimate, trust
from pdec.solver import keys
from pdec.solver.driver import Schedule, Stops, run
from pdec.solver.estimate import FLOOR
from pdec.solver.stages.base import StageSetup
from pdec.solver.tasks.base import Attempt, Measure, State


class FakeKind:
    """A stage kind that the fake task fits without work."""

    def retry(self) -> "FakeKind":
        return self


class FakeTask:
    """Stage k's residual size is ``scores[k-1]`` and its correction ``corrections[k-1]``."""

    fields = ("u",)

    def __init__(self, scores, corrections, losses=None):
        self.scores, self.corrections = scores, corrections
        self.losses = losses or [1e-20] * len(scores)

    def stage_key(self, run_key, k):
        return keys.equation_stage(run_key, k)

    def prepare(self, state, kind, k):
        return StageSetup(1.0, jnp.ones(1), 10, residual=None)

    def attempt(self, setup, kind, key, k, progress):
        return Attempt(k, self.losses[k - 1], 1)

    def extend(self, state, setup, kind, attempt):
        return State((state.stages[0] + (attempt.theta,),), {})

    def measure(self, state, setup):
        k = state.stages[0][-1]
        c = self.corrections[k - 1]
        return Measure(math.nan, math.nan, self.scores[k - 1], correction=c, corrections={"u": c})


def solve(task, tol=1e-15, stages=6):
    state, records = run(task, Schedule((FakeKind(),)), Stops(tol, stages), key=keys.root(0))
    return state, records


def test_the_estimate_is_the_correction_times_the_square_root_of_the_residual_fall():
    _, records = solve(FakeTask([1e-4, 1e-8, 1e-12], [1.0, 1e-6, 1e-10]), stages=3)
    assert records[0].estimate == 1e-4  # stage 1: its residual size, uncalibrated
    assert records[1].estimate == pytest.approx(1e-6 * math.sqrt(1e-8 / 1e-4))
    assert records[2].estimate == pytest.approx(1e-10 * math.sqrt(1e-12 / 1e-8))
    assert records[-1].stop is StopReason.MAX_STAGES and all(r.kept for r in records)


def test_a_stage_1_estimate_below_the_tolerance_does_not_stop_the_run():
    _, records = solve(FakeTask([1e-10, 1e-12, 1e-14], [1.0, 1e-10, 1e-12]), tol=1e-9)
    assert records[0].stop is None and records[1].stop is StopReason.TOLERANCE


def test_a_stage_whose_residual_does_not_fall_is_discarded_and_its_correction_bounds_the_estimate():
    _, records = solve(FakeTask([1e-4, 1e-7, 2e-7], [1.0, 1e-5, 3e-6]))
    assert [r.kept for r in records] == [True, True, False] and records[-1].stop is StopReason.NO_GAIN
    assert records[1].estimate == pytest.approx(1e-5 * math.sqrt(1e-3))
    assert final_estimate(records) == pytest.approx(3e-6)  # what the discarded stage still moved


def test_a_correction_larger_than_the_estimate_before_it_is_the_stage_s_own_error():
    _, records = solve(FakeTask([1e-6, 1e-8, 1e-10], [1.0, 1e-9, 1e-9]), stages=3)
    est2 = 1e-9 * math.sqrt(1e-8 / 1e-6)
    assert records[1].estimate == pytest.approx(est2)
    assert records[2].estimate == pytest.approx(1e-9)  # 1e-9 > est2: the stage fitted noise


def test_a_stage_that_cuts_the_estimate_by_less_than_2x_ends_the_run():
    _, records = solve(FakeTask([1e-6, 1e-8, 0.5e-8], [1.0, 1e-6, 1e-7]))
    assert records[2].kept and records[2].stop is StopReason.STALLED  # 1e-7 / (1e-7 sqrt(0.5)) < 2


def test_no_estimate_goes_below_two_ulps_and_a_diverged_stage_is_discarded():
    _, records = solve(FakeTask([1e-2, 1e-30], [1.0, 1e-20]), stages=2)
    assert records[1].estimate == FLOOR
    _, records = solve(FakeTask([1e-2, 1e-6, 1e-8], [1.0, 1e-3, 1e-5], losses=[1e-20, 1e-20, math.nan]))
    assert records[1].estimate == pytest.approx(1e-5) and records[1].stop is None
    assert not records[2].kept and records[2].stop is StopReason.DIVERGED


def test_a_run_that_ends_at_stage_1_is_not_trusted():
    _, records = solve(FakeTask([1e-12], [1.0]), stages=1)
    verdict = trust(records)
    assert not verdict.converged and "stage 1 alone" in verdict.reasons[0]
