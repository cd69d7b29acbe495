"""Least-squares collocation stages for equations: features, linearization, Gauss-Newton, stages."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pdec
from pdec.records import StopReason
from pdec.language.lowering import lower
from pdec.solver import features, lstsq
from pdec.solver import linearized as linearized_module
from pdec.solver.blocks import block_multipliers, problem_blocks
from pdec.solver.derivatives import derivative
from pdec.solver.driver import Schedule
from pdec.solver.linearized import Features, Linearized
from pdec.solver.network import apply
from pdec.solver import newton
from pdec.solver.stages.collocation import Collocation
from pdec.solver.stages.trained import LevenbergMarquardt, Trained
from pdec.solver.tasks.equations import EquationSettings, solve_equations

LO, HI = jnp.array([-1.0, 0.5]), jnp.array([2.0, 1.5])


def test_feature_derivatives_of_order_one_to_four_agree_with_autodiff():
    net = features.draw(jax.random.PRNGKey(3), 2, 7)
    kappa = jnp.array([5.0, 9.0])
    coef = jax.random.normal(jax.random.PRNGKey(4), (8,))
    stage = features.with_coefficients(net, coef)
    f = lambda pt: apply(stage, (2.0 * (pt - LO) / (HI - LO) - 1.0)[None, :], kappa, True, False)[0, 0]  # noqa: E731
    pts = LO + (HI - LO) * jax.random.uniform(jax.random.PRNGKey(5), (6, 2))
    for alpha in [(0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 3), (2, 2), (4, 0), (1, 3)]:
        want = jax.vmap(derivative(f, alpha))(pts)
        got = features.matrix(net, kappa, LO, HI, pts, alpha) @ coef
        assert np.max(np.abs(got - want)) <= 1e-12 * max(1.0, float(np.max(np.abs(want)))), alpha


def linearized(path, n_int=60, n_face=10, width=40, seed=0):
    problem = pdec.compile(path)
    lo, hi, d = jnp.asarray(problem.lower), jnp.asarray(problem.upper), problem.dimension
    zero = {n: (lambda pt: jnp.zeros(())) for n in problem.field_names}
    blocks = tuple(b.with_base(zero) for b in problem_blocks(problem, lower(problem), jax.random.PRNGKey(seed),
                                                             n_int, n_face))
    params = {p.name: jnp.float64(p.guess) for p in problem.parameters}
    nets = {n: features.draw(jax.random.PRNGKey(seed + 1 + i), d, width) for i, n in enumerate(problem.field_names)}
    mats = Features(nets, jnp.full(d, 6.0), lo, hi)
    return Linearized(blocks, tuple(block_multipliers(blocks, params, 0.5)), mats, 0.7, problem.field_names,
                      params, width + 1)


@pytest.mark.parametrize("path", ["problems/heat_inverse.pde", "problems/nonlinear1d.pde", "problems/periodic1d.pde"])
def test_the_linearized_jacobian_equals_autodiff_of_the_residual(path):
    lin = linearized(path)
    x = 0.3 * jax.random.normal(jax.random.PRNGKey(9), (lin.size,))
    a, r = lin.system(x)
    want = jax.jacfwd(lin.residual)(x)
    assert np.allclose(r, lin.residual(x), rtol=0, atol=1e-13)
    assert np.max(np.abs(a - want)) <= 1e-12 * float(np.max(np.abs(want)))
    with pytest.MonkeyPatch.context() as mp:  # built in pieces of 7 points: the same system
        mp.setattr(linearized_module, "CHUNK", 7 * lin.size)
        pa, pr = lin.system(x)
        pieces = lin.residual(x)
    assert np.allclose(pieces, r, rtol=0, atol=1e-14 * float(np.max(np.abs(r))))
    assert pa.shape == a.shape and np.allclose(pa, a, rtol=0, atol=1e-14 * float(np.max(np.abs(a))))
    assert np.allclose(pr, r, rtol=0, atol=1e-14 * float(np.max(np.abs(r))))


def test_affine_problems_are_known_as_such():
    assert linearized("problems/poisson1d.pde").affine and linearized("problems/periodic1d.pde").affine
    assert not linearized("problems/nonlinear1d.pde").affine  # u^3
    assert not linearized("problems/heat_inverse.pde").affine  # k*u_xx, k unknown


def test_gauss_newton_converges_quadratically_on_a_nonlinear_problem():
    out = newton.Newton(max_steps=30)(linearized("problems/nonlinear1d.pde", n_int=200, width=80))
    assert out.loss < 1e-24 and out.steps >= 4
    # near the end the residual (the size of the next step's change of u) is at most about the
    # square of the one before, relative to the first: r_(n+1) / r_0 <= 10 (r_n / r_0)^2
    rel = [np.sqrt(v / out.losses[0]) for v in out.losses]
    assert any(rel[i + 1] <= 10.0 * rel[i] ** 2 and rel[i] < 1e-3 for i in range(len(rel) - 1)), rel


def test_an_underdetermined_rank_deficient_system_gets_the_minimum_norm_solution():
    a = np.ones((3, 8))
    a[:, 4:] = 0.0  # zero columns
    a[2] = a[0]  # a repeated row
    got = lstsq.solve(a, np.array([4.0, 4.0, 4.0]))
    assert got.rank == 1 and np.allclose(got.x, [1, 1, 1, 1, 0, 0, 0, 0])
    # a stage with more features than rows does not crash either
    lin = linearized("problems/poisson1d.pde", n_int=12, width=60)
    out = newton.Newton(max_steps=5)(lin)
    assert np.isfinite(out.loss) and out.loss < 1e-20


def short_first_stage():
    return Trained((10, 10), adam_steps=100, optimizer=LevenbergMarquardt(20))


def test_a_collocation_stage_after_a_short_first_stage_gains_at_least_1e4():
    problem = pdec.compile("problems/poisson1d.pde")
    cfg = EquationSettings(schedule=Schedule((short_first_stage(), Collocation(200, 300, band=60.0))),
                           interior_points=(200,), n_test=2000)
    r = solve_equations(problem, lower(problem), tol=0.0, max_stages=2, settings=cfg).report
    assert r[0].rel_l2 > 1e-9 and r[1].kept
    assert r[1].rel_l2 * 1e4 <= r[0].rel_l2, (r[0].rel_l2, r[1].rel_l2)
    assert r[1].figures["condition"] > 1.0


def test_the_default_equation_stages_reach_1e13_on_poisson1d_and_stop_at_the_floor():
    """At the float64 floor the run ends before its stage limit: a stage that gains nothing is
    discarded, or one whose estimated gain is below 2 ends it."""
    problem = pdec.compile("problems/poisson1d.pde")
    sol = pdec.solve(problem, stages=4, tol=1e-30)
    first = sol.report[0]
    assert first.rel_l2 < 1e-13 and first.kept
    assert sol.report[-1].stop in (StopReason.NO_GAIN, StopReason.STALLED) and len(sol.report) < 4
    for r in sol.report:
        if not r.kept:
            assert r.score >= min(q.score for q in sol.report if q.kept and q.stage < r.stage)


def test_an_inverse_parameter_is_found_by_gauss_newton():
    text = open("problems/ode_inverse.pde").read()
    sol = pdec.solve(pdec.compile_text(text, filename="ode_inverse.pde", base_dir="problems"), stages=1)
    assert abs(sol.parameters["a"] - 1.0) < 1e-10 and sol.report[0].rel_l2 < 1e-10


def test_the_sketched_solve_agrees_with_the_dense_one_on_an_overdetermined_system():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((600, 80)) * np.logspace(0, 6, 80)  # columns of unequal scale
    b = rng.standard_normal(600)
    dense, sketched = lstsq.solve(a, b), lstsq.Sketched()(a, b)
    assert sketched.rank == dense.rank == 80
    assert np.max(np.abs(sketched.x - dense.x)) <= 1e-12 * np.max(np.abs(dense.x))


def test_a_stage_solved_by_sketching_agrees_with_the_dense_solve_on_poisson2d_to_1e12():
    problem = pdec.compile("problems/poisson2d.pde")
    solutions = []
    for solve in (lstsq.Dense(), lstsq.Sketched()):
        cfg = EquationSettings(schedule=Schedule((Collocation(600, 1500, band=12.0, solve=solve),)), n_test=2000)
        solutions.append(solve_equations(problem, lower(problem), tol=0.0, max_stages=1, settings=cfg))
    pts = jax.random.uniform(jax.random.PRNGKey(2), (2000, 2), minval=-1.0, maxval=1.0)
    dense, sketched = (np.asarray(s.evaluate(pts)) for s in solutions)
    assert solutions[0].report[0].rel_l2 < 1e-10 and solutions[1].report[0].rel_l2 < 1e-10
    assert np.linalg.norm(sketched - dense) <= 1e-12 * np.linalg.norm(dense)  # relative L2, as errors are
