"""Inverse problems, quick: unknown parameters move from their guess to the truth."""

import pdec

# One collocation stage on 200 points (adam and iterations apply to trained stages only; kept so
# that these files also run quickly under `method = trained`). Measured 2026-12-05: ode_inverse
# a to 1.3e-15 (rel L2 1.7e-12), flux_inverse without noise a to 2.0e-10 (8.5e-15), two_params
# a, b to 1.3e-15, 8.9e-16 (1.5e-12); the bounds below are ~100x those (issue 43).
QUICK = "\nsolver adam = 300, iterations = 200, points = 200, stages = 1\n"


def test_a_short_solve_finds_the_parameter_to_the_rounding_floor():
    problem = pdec.compile_text(open("problems/ode_inverse.pde").read() + QUICK, base_dir="problems")
    (a,) = problem.parameters
    assert (a.name, a.guess, a.truth) == ("a", 0.5, 1.0)
    sol = pdec.solve(problem)
    assert abs(sol.parameters["a"] - 1.0) < 1e-13, sol.parameters
    assert sol.report[-1].rel_l2 < 1e-10
    assert sol.report[-1].parameters == sol.parameters


def test_a_parameter_in_a_boundary_condition_is_found():
    text = open("problems/flux_inverse.pde").read().replace(" noise 1e-3", "")
    sol = pdec.solve(pdec.compile_text(text + QUICK, base_dir="problems"))
    assert abs(sol.parameters["a"] - 0.5) < 2e-8, sol.parameters
    assert sol.report[-1].rel_l2 < 1e-12


def test_two_parameters_at_once():
    sol = pdec.solve(pdec.compile_text(open("problems/two_params.pde").read() + QUICK))
    assert abs(sol.parameters["a"] - 1.0) < 1e-13 and abs(sol.parameters["b"] - 1.0) < 1e-13, sol.parameters
    assert sol.report[-1].rel_l2 < 1e-10


# The start from the observations (pdec.solver.data_start) and the check of the fit to them.

import json  # noqa: E402

import numpy as np  # noqa: E402

from pdec.cli import main  # noqa: E402
from pdec.language.lowering import lower  # noqa: E402
from pdec.records import observation_check  # noqa: E402
from pdec.solver import data_start, keys  # noqa: E402
from pdec.solver.observation_fit import level  # noqa: E402

FREQUENCY = open("problems/frequency_inverse.pde").read()  # u_xx + a u = 0, guess 2, truth 9
TRADE_OFF = """domain x in [0, 1]
unknown u(x)
param a ~ 1
param b ~ 3
equation u_xx = (a + b)*x
boundary x = 0: u = 0
boundary x = 1: u = 1
observe u at 30 points
exact u = x^3/3 + 2*x/3
"""
WRONG_MODEL = """domain x in [0, 1]
unknown u(x)
param a ~ 1
equation u_x = a*u
point x = 0: u = 1
observe u at 40 points
exact u = cos(3*x)
"""


def start_of(text: str):
    problem = pdec.compile_text(text)
    return data_start.data_start(problem, lower(problem), keys.data_start(keys.root(0)))


def test_the_data_start_finds_a_from_a_guess_4x_off_before_any_stage():
    start = start_of(FREQUENCY)
    assert start.guesses == {"a": 2.0}
    assert abs(start.values["a"] - 9.0) < 1e-6, start.values
    assert start.fit_rms["u"] < 1e-8 and not start.unpinned and not start.notes


def test_the_solve_from_the_data_start_reaches_the_truth_a_10x_guess_misses():
    problem = pdec.compile_text(FREQUENCY.replace("param a ~ 2", "param a ~ 90") + "solver stages = 2\n")
    seen = []
    sol = pdec.solve(problem, on_start=seen.append, callback=lambda s: seen.append(len(s.report)))
    assert isinstance(seen[0], type(sol.start)) and seen[1:] and all(isinstance(n, int) for n in seen[1:])
    assert abs(sol.parameters["a"] - 9.0) < 1e-10, sol.parameters
    assert observation_check(sol.report)["met"]
    wrong = pdec.solve(problem, stages=1, resume=data_start.at_guesses(problem))  # stage 1 from the guess
    assert abs(wrong.parameters["a"] - 9.0) > 1.0, wrong.parameters
    check = observation_check(wrong.report)
    assert not check["met"] and check["misfit"] > 1e-2


def test_parameters_that_trade_off_are_named_before_training(tmp_path, capsys):
    assert start_of(TRADE_OFF).unpinned == ("a", "b")
    (tmp_path / "t.pde").write_text(TRADE_OFF + "solver stages = 1\n")
    main(["solve", str(tmp_path / "t.pde"), "--out", str(tmp_path / "run")])
    out = capsys.readouterr().out
    warning = out.index("warning: a, b: the observations cannot pin them apart")
    assert warning < out.index("stage 1:")
    assert "cannot pin a, b" in out.splitlines()[-2]
    assert json.loads((tmp_path / "run" / "report.json").read_text())["parameters_trusted"] is False


def test_a_parameter_that_changes_nothing_observed_is_named():
    text = TRADE_OFF.replace("param b ~ 3\n", "").replace("(a + b)*x", "2*x + a*(u - x^3/3 - 2*x/3)")
    start = start_of(text)
    assert start.unpinned == ("a",) and "cannot pin it" in start.notes[0]


def test_a_fit_that_misses_the_observations_is_flagged_in_the_summary_and_the_report(tmp_path, capsys):
    (tmp_path / "w.pde").write_text(WRONG_MODEL + "solver stages = 1\n")
    main(["solve", str(tmp_path / "w.pde"), "--out", str(tmp_path / "run")])
    out = capsys.readouterr().out
    assert "(observations missed)" in out
    assert "the inferred parameters are not to be trusted" in out
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["parameters_trusted"] is False
    assert report["observations"]["met"] is False and report["observations"]["misfit"] > 0.1
    assert report["start"]["guesses"] == {"a": 1.0}
    assert pdec.load(tmp_path / "run").start == pdec.load(tmp_path / "run").start  # loads
    assert pdec.load(tmp_path / "run").start.guesses == {"a": 1.0}


def test_noisy_data_stay_within_their_bound_and_are_not_flagged():
    sol = pdec.solve(pdec.compile_text(open("problems/flux_inverse.pde").read() + "solver stages = 2\n"))
    assert abs(sol.parameters["a"] - 0.5) < 1e-3, sol.parameters  # least-squares bound ~2.4e-4 (docs/method.md)
    check = observation_check(sol.report)
    assert check["met"] and check["level"] > 1e-4


def test_a_csv_states_its_noise_level():
    text = open("problems/heat_data.pde").read().replace('"data/heat.csv"', '"data/heat.csv" noise 1e-3')
    problem = pdec.compile_text(text, base_dir="problems")
    (obs,) = problem.observations
    assert obs.noise == 1e-3
    rms = float(np.sqrt(np.mean(obs.values ** 2)))
    assert abs(level(problem) - 1e-3 / rms) < 1e-15


# An unknown field (not a scalar): a conductivity a(x) with the field u observed.

FIELD_INVERSE = """
domain x in [0, 1]
unknown u(x), a(x)
equation a*u_xx + a_x*u_x = (1 + x^2)*exp(x) + 2*x*(exp(x) + 1)
boundary x = 0: a = 1
observe u at 1000 points
exact u = exp(x) + x
exact a = 1 + x^2
solver stages = 1
"""


def test_an_unknown_field_is_found_from_observations_of_another():
    """a*u_xx + a_x*u_x is a product of unknown fields: at zero fields it linearizes to nothing,
    so stage 1 starts from u fitted to its observations (tasks.collocation.observed_start)."""
    sol = pdec.solve(pdec.compile_text(FIELD_INVERSE))
    x = np.linspace(0.0, 1.0, 201)[:, None]
    v = np.asarray(sol(x))
    assert np.max(np.abs(v[:, 0] - (np.exp(x[:, 0]) + x[:, 0]))) < 1e-8
    assert np.max(np.abs(v[:, 1] - (1 + x[:, 0] ** 2))) < 1e-7
