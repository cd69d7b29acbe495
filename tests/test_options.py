"""The `solver` line and `--set`: parsed, checked with line and column, layered over defaults."""

import pytest

import pdec
from pdec.language import options
from pdec.language.options import SolverOptions
from pdec.cli.solve import parse_set

BASE = "domain x in [-1, 1]\nfit u(x) = sin(x)\n"


def test_solver_line_is_parsed_and_checked():
    p = pdec.compile_text(BASE + "solver stages = 2, tol = 1e-9, points = 300, adam = 0, gamma = auto, gpinn = off\n")
    assert p.options == SolverOptions(stages=2, tol=1e-9, points=300, adam=0, gamma="auto", gpinn="off")
    assert pdec.compile_text(BASE + "solver gamma = 0.25, gpinn = 2\n").options == SolverOptions(gamma=0.25, gpinn=2.0)
    assert pdec.compile_text(BASE + "solver method = trained\n").options == SolverOptions(method="trained")
    assert parse_set(["method=lstsq"]) == {"method": "lstsq"}


@pytest.mark.parametrize("line, col, message", [
    ("solver stages = 0", 8, "stages must be a whole number >= 1 (got 0)"),
    ("solver stagse = 2", 8, "unknown solver option 'stagse'"),
    ("solver gamma = 1", 8, "gamma must be auto or a number strictly between 0 and 1"),
    ("solver adam = 1.5", 8, "adam must be a whole number"),
    ("solver width = on", 8, "width takes a number, not 'on'"),
    ("solver tol = 1, tol = 2", 17, "solver option 'tol' is given twice"),
    ("solver tol = -1", 8, "tol must be a positive number"),
    ("solver gpinn = 0", 8, "gpinn must be on, off or a positive weight"),
    ("solver method = fast", 8, "method must be one of lstsq, trained (got fast)"),
    ("solver method = 3", 8, "method must be one of lstsq, trained"),
])
def test_bad_solver_options_are_located(line, col, message):
    with pytest.raises(pdec.PdecError) as err:
        pdec.compile_text(BASE + line + "\n")
    assert message in err.value.message
    assert (err.value.span.line, err.value.span.column) == (3, col)


def test_set_and_merge_layers():
    assert parse_set(["gamma=0.5", "points = 64", "gpinn=on"]) == {"gamma": 0.5, "points": 64, "gpinn": "on"}
    for bad in (["gamma"], ["points=many"], ["pionts=3"]):
        with pytest.raises(pdec.PdecError):
            parse_set(bad)
    merged = SolverOptions(stages=3, tol=1e-9).merged(SolverOptions(tol=1e-12))
    assert merged == SolverOptions(stages=3, tol=1e-12) and merged.given() == {"stages": 3, "tol": 1e-12}
    assert SolverOptions().max_stages == 4 and SolverOptions().tolerance == 1e-15 and SolverOptions().root_seed == 0
    with pytest.raises(pdec.PdecError, match="gamma must be"):
        SolverOptions(gamma=2.0)
    with pytest.raises(pdec.PdecError, match="did you mean points"):
        SolverOptions.of({"pionts": 3})


def test_solve_takes_every_option_as_a_keyword():
    import inspect

    keywords = inspect.signature(pdec.solve).parameters
    assert set(options.SPECS) <= set(keywords)
    problem = pdec.compile_text("domain x in [0, 1]\nfit u(x) = x\nsolver stages = 1, adam = 5\n")
    with pytest.raises(pdec.PdecError, match="iterations must be"):
        pdec.solve(problem, iterations=0)
    assert problem.options == SolverOptions(stages=1, adam=5)  # the Problem stays what the file says


def test_solve_refuses_to_run_without_float64():
    import jax

    problem = pdec.compile_text(BASE)
    jax.config.update("jax_enable_x64", False)
    try:
        with pytest.raises(pdec.PdecError, match="float64 is switched off"):
            pdec.solve(problem)
    finally:
        jax.config.update("jax_enable_x64", True)
