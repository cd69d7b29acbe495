"""The numbers of short runs stay what they were before the stage-driver refactor.

`data/pinned_stages.json` holds per-stage figures (float.hex) of short runs of fit1d, fit2d,
poisson1d, ode_inverse and heat_inverse recorded with the code before one stage loop replaced
the two drivers. The same settings must give the same numbers to RTOL: on the machine that
recorded them they agree to the last bit, but another x86_64 CPU (CI's) rounds a few BLAS sums
differently (fit2d's first loss moved by 1e-10 of itself), and training carries that along; a
changed method moves them by far more. Figures at the rounding floor (below FLOOR) are rounding
noise and only have to stay there, and so is the loss of a stage that fits a residue at the floor.
Recorded under JAX 0.10.2: another JAX may change more, so the test is skipped there.
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
RTOL = 1e-4
FLOOR = {"eps": 1e-13, "rel_l2": 1e-13, "max_error": 1e-13, "loss": 1e-20}
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


def close(got: float, want: float, floor: float) -> bool:
    """Equal to RTOL, or both at the rounding floor."""
    return got == pytest.approx(want, rel=RTOL) or max(abs(got), abs(want)) < floor


@pytest.mark.parametrize("name, run", [("fit1d", fit), ("fit2d", fit), ("poisson1d", equations),
                                       ("ode_inverse", equations), ("heat_inverse", equations)])
def test_short_runs_give_the_pinned_numbers(name, run):
    got = run(name).report
    want = PINNED[name]
    assert len(got) == len(want)
    for r, w in zip(got, want):
        at_floor = float.fromhex(w["eps"]) < FLOOR["eps"]
        for figure in ("eps", "rel_l2", "max_error") + (() if at_floor else ("loss",)):
            assert close(float(getattr(r, figure)), float.fromhex(w[figure]), FLOOR[figure]), (name, r.stage, figure)
        assert r.kept == w["kept"]
        if "parameters" in w:
            want_parameters = {k: float.fromhex(v) for k, v in w["parameters"].items()}
            assert dict(r.parameters) == pytest.approx(want_parameters, rel=RTOL)
            assert float(r.figures["equation_rms"]) == pytest.approx(float.fromhex(w["equation_rms"]), rel=RTOL)
