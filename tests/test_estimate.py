"""The error estimate (issue 36): the answer never steers a solve; the estimate is honest.

A problem and the same problem without its `exact`, `reference` and `truth` statements give
bit-identical stages, parameters and stop reasons (observations sampled from `exact` are data,
drawn at compile time, and stay; a fit has no answer to remove: its target is its problem). The estimate, from the problem alone, lies within the band
the issue sets: true error <= 3 x estimate (it may not flatter), estimate <= 100 x true error
(it must be useful), also on a solve given far too few points.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

import pdec
from pdec.cli import main
from pdec.records import StopReason, final_estimate, trust

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ROOT / "problems"


def without_answer(problem):
    """The problem as a user without its answer states it: no exact, reference or truth."""
    params = tuple(dataclasses.replace(p, truth=None) for p in problem.parameters)
    return dataclasses.replace(problem, exact={}, references=(), parameters=params)


def same(a, b) -> None:
    """Bit-identical stages (values on points), parameters and stop reasons."""
    assert [(r.stage, r.kept, r.stop, r.score, r.estimate) for r in a.report] == \
        [(r.stage, r.kept, r.stop, r.score, r.estimate) for r in b.report]
    assert a.parameters == b.parameters
    pts = np.linspace(np.asarray(a.lower), np.asarray(a.upper), 97)
    assert np.array_equal(np.asarray(a(pts)), np.asarray(b(pts)))


@pytest.mark.parametrize("name", ["poisson_hf", "ode_inverse"])
def test_the_answer_never_steers(name):
    problem = pdec.compile(PROBLEMS / f"{name}.pde")
    stated = pdec.solve(problem, stages=3)
    alone = pdec.solve(without_answer(problem), stages=3)
    assert math.isfinite(stated.report[0].rel_l2) and math.isnan(alone.report[0].rel_l2)
    same(stated, alone)


def within_band(solution) -> tuple[float, float]:
    true = [r for r in solution.report if r.kept][-1].rel_l2
    est = final_estimate(solution.report)
    assert true <= 3 * est and est <= 100 * max(true, 1e-16), (true, est)
    return true, est


@pytest.mark.parametrize("name", ["poisson1d", "robin1d", "neumann1d", "ode_inverse"])
def test_estimate_within_its_band(name):
    solution = pdec.solve(pdec.compile(PROBLEMS / f"{name}.pde"))
    within_band(solution)
    assert solution.estimated_error == final_estimate(solution.report)
    assert set(solution.estimated_errors) >= set(solution.field_names) | set(solution.parameters)


def test_an_under_resolved_solve_says_so():
    """Far too few points on a disk (no spectral stage comes to the rescue there): the error
    is large, the estimate says how large, and the run is not trusted."""
    solution = pdec.solve(pdec.compile(PROBLEMS / "disk_poisson.pde"), points=30, stages=2)
    true, est = within_band(solution)
    assert true > 1e-2
    assert not trust(solution.report).converged


def test_tolerance_on_the_estimate(tmp_path, capsys):
    """`--tol 1e-8` on a file without `exact`: the run stops at the first stage whose
    (calibrated: stage 2 on) estimate is below it, and exits 0."""
    text = "\n".join(line for line in (PROBLEMS / "poisson_hf.pde").read_text().splitlines()
                     if not line.startswith("exact"))
    path = tmp_path / "hf.pde"
    path.write_text(text + "\n")
    out = tmp_path / "run"
    assert main(["solve", str(path), "--tol", "1e-8", "--out", str(out), "--quiet"]) == 0
    report = json.loads((out / "report.json").read_text())
    stages = report["stages"]
    assert stages[-1]["stop"] == StopReason.TOLERANCE.name and len(stages) == 2
    assert stages[-1]["estimate"] <= 1e-8 and report["estimated_error"] <= 1e-8 and report["trusted"]
    assert "estimated error" in capsys.readouterr().out
