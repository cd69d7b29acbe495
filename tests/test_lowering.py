"""Lowered residuals vanish on the exact solutions and not on perturbed ones; derivatives agree
with SymPy's."""

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp

from pdec.language.compile import compile, compile_text
from pdec.solver.derivatives import evaluate_fields
from pdec.language.lowering import lower
from pdec.language.problem import Problem
from pdec.solver.sampling import location_points

PROBLEMS = sorted((Path(__file__).parent.parent / "problems").glob("*.pde"))
WITH_EXACT = [p for p in PROBLEMS if "exact" in p.read_text() and "fit" not in p.read_text()]


def point_fn(closed_form):
    """A closed form f(points (N, d)) as a field of one point."""
    return lambda pt: closed_form(pt[None])[0]


def residual_sizes(problem: Problem, fields, n=300):
    """(max |r|, size of its terms) for each lowered residual, on points where each holds."""
    low = lower(problem)
    params = {p.name: jnp.float64(p.truth) for p in problem.parameters if p.truth is not None}
    out = []
    for i, r in enumerate(low.equations + low.conditions):
        pts = location_points(jax.random.PRNGKey(i), problem.lower, problem.upper, r.residual.location,
                              problem.coordinate_names, n, problem.geometry)
        derivs = evaluate_fields(fields, pts, r.needs)
        value = r(pts, derivs, params)
        scale = 1.0 + max(float(jnp.max(jnp.abs(v))) for v in derivs.values())
        out.append((r.residual.text, float(jnp.max(jnp.abs(value))), scale))
    return out


def test_gallery_is_large_and_covers_the_language():
    assert len(PROBLEMS) >= 10
    text = "\n".join(p.read_text() for p in PROBLEMS)
    for construct in ("domain", "unknown", "const", "param", "truth", "equation", "boundary x",
                      "boundary all", "initial t", "point", "periodic", "observe u from", "points",
                      "noise", "fit u(x)", "fit u from", "exact", "diff(", "lap(", "_xy", "u_t"):
        assert construct in text, construct


@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: p.name)
def test_every_problem_compiles(path):
    problem = compile(path)
    assert problem.dimension >= 1
    lower(problem)


@pytest.mark.parametrize("path", WITH_EXACT, ids=lambda p: p.name)
def test_exact_solution_makes_every_residual_vanish(path):
    problem = compile(path)
    if not problem.exact or any(p.truth is None for p in problem.parameters):
        pytest.skip("no exact solution, or a parameter without a stated truth")
    low = lower(problem)
    exact = {n: point_fn(low.exact[n]) for n in problem.field_names}
    for text, size, scale in residual_sizes(problem, exact):
        assert size <= 1e-10 * scale, (text, size)
    # a perturbed solution is clearly not a solution
    bump = {n: (lambda f: lambda pt: f(pt) + 1e-3 * jnp.cos(3.0 * jnp.sum(pt) + 0.4))(f) for n, f in exact.items()}
    worst = max(size / scale for _, size, scale in residual_sizes(problem, bump))
    assert worst > 1e-6


def test_derivatives_agree_with_sympy():
    x, y, t = sp.symbols("x y t", real=True)
    expr = sp.sin(2 * x + y) * sp.exp(0.3 * t * y) + x ** 3 * y
    fn = sp.lambdify([x, y, t], expr, modules="jax")
    f = lambda p: fn(p[0], p[1], p[2])
    pts = jax.random.uniform(jax.random.PRNGKey(0), (50, 3), minval=-1.0, maxval=1.0)
    alphas = [(0, 0, 0), (1, 0, 0), (0, 0, 1), (2, 0, 0), (1, 1, 0), (2, 1, 1), (0, 3, 0)]
    values = {a: v for (_, a), v in evaluate_fields({"f": f}, pts, [("f", a) for a in alphas]).items()}
    for alpha in alphas:
        d = expr
        for sym, k in zip((x, y, t), alpha):
            d = sp.diff(d, sym, k) if k else d
        want = sp.lambdify([x, y, t], d, modules="numpy")(*np.asarray(pts).T)
        np.testing.assert_allclose(values[alpha], np.broadcast_to(want, (50,)), rtol=1e-12, atol=1e-12)


def test_residual_takes_given_derivative_values():
    """The solver may feed cached values: the residual only combines what it is given."""
    problem = compile_text("domain x in [0, 1]\nunknown u(x)\nconst c = 3\nequation u_xx + c*u = x\n")
    (r,) = lower(problem).equations
    assert r.needs == (("u", (0,)), ("u", (2,)))
    pts = jnp.linspace(0, 1, 5)[:, None]
    value = r(pts, {("u", (0,)): jnp.ones(5), ("u", (2,)): jnp.full(5, 2.0)})
    np.testing.assert_allclose(value, 2.0 + 3.0 - np.linspace(0, 1, 5))


def test_parameters_enter_the_lowered_function():
    problem = compile_text("domain x in [0, 1]\nunknown u(x)\nequation u_x = k*u\nboundary x = 0: u_x = a\n"
                           "exact u = exp(x)\nobserve u at 5 points\n")
    assert problem.parameter_names == ("k", "a")
    eq, bc = lower(problem).equations + lower(problem).conditions
    assert eq.parameters == ("k",) and bc.parameters == ("a",)
    pts = jnp.zeros((1, 1))
    assert float(bc(pts, {("u", (1,)): jnp.array([2.0])}, {"a": jnp.float64(0.5)})[0]) == 1.5
