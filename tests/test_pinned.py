"""The numbers of short runs stay what they were before the stage-driver refactor, to the last bit.

`data/pinned_stages.json` holds per-stage figures (float.hex) of short runs of fit1d, fit2d,
poisson1d, ode_inverse and heat_inverse recorded with the code before one stage loop replaced
the two drivers. The same settings must give the same bits. Recorded under JAX 0.10.2 on an
x86_64 CPU: another JAX (or processor) may round differently, so the test is skipped there.
"""

import json
from pathlib import Path

import jax
import pytest

import pdec
from pdec.solver.data_start import at_guesses
from pdec.solver.driver import Schedule
from pdec.solver.stages.least_squares import LeastSquares
from pdec.solver.stages.trained import LevenbergMarquardt, Trained
from pdec.solver.tasks.fit import FitSettings, solve_fit

PINNED = json.loads((Path(__file__).parent / "data" / "pinned_stages.json").read_text())["runs"]
SMALL_FIT = FitSettings(
    schedule=Schedule((Trained((20, 20, 20), adam_steps=300, optimizer=LevenbergMarquardt(60)), LeastSquares(400))),
    base_points=(300, 400), max_points=(600, 900), n_test=1000,
)
QUICK = "\nsolver stages = 2, method = trained, adam = 150, iterations = 40, points = 120, width = 12\n"

pytestmark = pytest.mark.skipif(jax.__version__ != "0.10.2", reason="pinned under JAX 0.10.2")


def fit(name):
    p = pdec.compile(f"problems/{name}.pde")
    targets = pdec.lower(p).targets
    return solve_fit(p.lower, p.upper, [f.field for f in p.fits], [targets[f.field] for f in p.fits],
                     tol=0.0, max_stages=3, settings=SMALL_FIT)


def equations(name):
    """A short solve; inverse problems from their guesses (the data start came after the pins)."""
    text = Path(f"problems/{name}.pde").read_text() + QUICK
    problem = pdec.compile_text(text, filename=f"problems/{name}.pde", base_dir="problems")
    return pdec.solve(problem, tol=1e-30, resume=at_guesses(problem) if problem.parameters else None)


@pytest.mark.parametrize("name, run", [("fit1d", fit), ("fit2d", fit), ("poisson1d", equations),
                                       ("ode_inverse", equations), ("heat_inverse", equations)])
def test_short_runs_give_the_pinned_numbers(name, run):
    got = run(name).report
    want = PINNED[name]
    assert len(got) == len(want)
    for r, w in zip(got, want):
        for figure in ("eps", "loss", "rel_l2", "max_error"):
            assert float(getattr(r, figure)).hex() == w[figure], (name, r.stage, figure)
        assert r.kept == w["kept"]
        if "parameters" in w:
            assert {k: float(v).hex() for k, v in r.parameters.items()} == w["parameters"]
            assert float(r.figures["equation_rms"]).hex() == w["equation_rms"]
