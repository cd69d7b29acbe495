"""Inverse problems, quick: unknown parameters move from their guess to the truth."""

import pdec

QUICK = "\nsolver adam = 300, iterations = 200, points = 200, stages = 1\n"


def test_a_short_solve_moves_the_parameter_100x_closer_to_the_truth():
    problem = pdec.compile_text(open("problems/ode_inverse.pde").read() + QUICK, base_dir="problems")
    (a,) = problem.parameters
    assert (a.name, a.guess, a.truth) == ("a", 0.5, 1.0)
    sol = pdec.solve(problem)
    assert abs(sol.parameters["a"] - 1.0) < abs(a.guess - 1.0) / 100, sol.parameters
    assert sol.report[-1].parameters == sol.parameters


def test_a_parameter_in_a_boundary_condition_is_found():
    text = open("problems/flux_inverse.pde").read().replace(" noise 1e-3", "")
    sol = pdec.solve(pdec.compile_text(text + QUICK, base_dir="problems"))
    assert abs(sol.parameters["a"] - 0.5) < 1e-4, sol.parameters
    assert sol.report[-1].rel_l2 < 1e-5


def test_two_parameters_at_once():
    sol = pdec.solve(pdec.compile_text(open("problems/two_params.pde").read() + QUICK))
    assert abs(sol.parameters["a"] - 1.0) < 1e-3 and abs(sol.parameters["b"] - 1.0) < 1e-3, sol.parameters
