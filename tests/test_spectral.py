"""Spectral stages: tensor Chebyshev polynomials, their growth, the refining schedule, saving."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
from numpy.polynomial import chebyshev as C

import pdec
from pdec.records import StageRecord
from pdec.reference import burgers
from pdec.solution import ChebyshevStage, Solution
from pdec.solver import chebyshev
from pdec.solver.driver import Schedule
from pdec.solver.stages.collocation import Collocation
from pdec.solver.stages.spectral import Spectral
from pdec.solver.tasks.equations import EquationSettings, solve_equations
from pdec.language.lowering import lower


def test_chebyshev_derivatives_match_numpy_and_autodiff():
    z = np.linspace(-1.0, 1.0, 9)
    for order in range(4):
        got = np.asarray(chebyshev.vander(jnp.asarray(z), 14, order))
        want = np.stack([C.chebval(z, C.chebder(np.eye(15)[j], order)) for j in range(15)], axis=1)
        assert np.max(np.abs(got - want)) <= 1e-13 * np.max(np.abs(want)), order
    coef = jnp.asarray(np.random.default_rng(0).standard_normal((6, 5)))
    f = lambda p: chebyshev.values(coef, p[None, :])[0]  # noqa: E731
    p = jnp.array([0.3, -1.0])  # autodiff stays finite at the box's end
    hess = jax.jacfwd(jax.jacfwd(f))(p)
    basis = chebyshev.basis(p[None, :], (5, 4), (1, 1), jnp.ones(2))
    assert np.isclose(float(hess[0, 1]), float((basis @ coef.reshape(-1))[0]), rtol=1e-12)
    coef3 = jnp.asarray(np.random.default_rng(1).standard_normal((4, 3, 5)))  # three axes, unequal
    z3 = jnp.asarray(np.random.default_rng(2).uniform(-1, 1, (7, 3)))
    plain = chebyshev.basis(z3, (3, 2, 4), (0, 0, 0), jnp.ones(3)) @ coef3.reshape(-1)
    assert np.allclose(np.asarray(chebyshev.values(coef3, z3)), np.asarray(plain), rtol=1e-13, atol=1e-13)


def test_a_stretched_axis_resolves_a_narrow_front_and_differentiates_exactly():
    stretch = chebyshev.Stretch(0.3, 0.01)
    xi = jnp.linspace(-1.0, 1.0, 11)
    assert np.allclose(np.asarray(stretch.inverse(stretch.forward(xi))), np.asarray(xi), atol=1e-14)
    assert np.allclose(np.asarray(stretch.forward(jnp.array([-1.0, 1.0]))), [-1.0, 1.0], atol=1e-14)
    z = jnp.linspace(-0.9, 0.9, 7)  # d^k/dz^k T_j(xi(z)) against the chain rule by hand (k = 1, 2)
    x, d1 = stretch.inverse(z), jax.vmap(jax.grad(stretch.inverse))(z)
    d2 = jax.vmap(jax.grad(jax.grad(stretch.inverse)))(z)
    t1, t2 = chebyshev.vander(x, 9, 1), chebyshev.vander(x, 9, 2)
    assert np.allclose(chebyshev.stretched_vander(z, 9, 1, stretch), t1 * d1[:, None], rtol=1e-12, atol=1e-10)
    want2 = t2 * d1[:, None] ** 2 + t1 * d2[:, None]
    assert np.allclose(chebyshev.stretched_vander(z, 9, 2, stretch), want2, rtol=1e-12, atol=1e-8)
    n = 100  # tanh((z - 0.3) / 0.01) by 100 degrees: stretched 1e-12 or better, plain 1e-2 off
    nodes = -np.cos(np.pi * (np.arange(n + 1) + 0.5) / (n + 1))
    test = np.linspace(-1, 1, 3001)
    for s, bound in ((stretch, 1e-10), (None, None)):
        at = nodes if s is None else np.asarray(s.forward(jnp.asarray(nodes)))
        coef = np.linalg.solve(np.asarray(chebyshev.stretched_vander(jnp.asarray(nodes), n, 0, None)),
                               np.tanh((at - 0.3) / 0.01))
        err = np.max(np.abs(np.asarray(chebyshev.values(jnp.asarray(coef), jnp.asarray(test)[:, None], (s,)))
                            - np.tanh((test - 0.3) / 0.01)))
        assert err < bound if bound else err > 1e-2, (s, err)
        if s is not None:  # the front is found where it is, at its width
            center, width, _ = chebyshev.front(coef, (s,), 0)
            assert abs(center - 0.3) < 1e-3 and 0.8 < width / 0.01 < 1.2


def test_degrees_grow_along_the_unresolved_axis_within_the_budget():
    kind = Spectral(start=16, unknowns=2000, resolved=1e-13)
    assert kind.grown((16, 16), (1e-2, 1e-4)) == (40, 16)  # t within 10x of x would grow too
    assert kind.grown((40, 16), (1e-20, 1e-20)) == (40, 16)  # resolved: done
    nxt = kind.grown((30, 30), (1e-3, 1e-3))
    assert np.prod([n + 1 for n in nxt]) <= 2000 and nxt[0] == nxt[1] > 30
    assert kind.grown((43, 43), (1e-3, 1e-3)) == (43, 43)  # the budget leaves under 10% growth


def test_a_spectral_stage_solves_the_heat_equation_to_1e_12():
    problem = pdec.compile("problems/heat.pde")
    cfg = EquationSettings(schedule=Schedule((Spectral(start=8, unknowns=600),)))
    sol = solve_equations(problem, lower(problem), tol=0.0, max_stages=1, settings=cfg)
    r = sol.report[0]
    assert r.rel_l2 < 1e-12 and r.figures["unknowns"] <= 600
    assert isinstance(sol.stages[0][0], ChebyshevStage)
    assert r.figures["fresh_rms"] < 1e-9 and not r.figures["under_resolved"]


def test_an_under_resolved_stage_is_replaced_by_a_spectral_stage(tmp_path):
    """Burgers at nu = 0.1/pi: 60 sine features leave the front between their points; the
    refining stage replaces that stage and is saved and loaded exactly."""
    problem = pdec.compile_text("domain x in [-1, 1], t in [0, 1]\nunknown u(x, t)\nconst nu = 0.1/pi\n"
                                "equation u_t + u*u_x = nu*u_xx\ninitial t = 0: u = -sin(pi*x)\n"
                                "boundary all: u = 0\n")
    cfg = EquationSettings(schedule=Schedule((Collocation(60, 400, 20.0),), refine=Spectral(unknowns=1200)))
    sol = solve_equations(problem, lower(problem), tol=0.0, max_stages=2, settings=cfg)
    one, two = sol.report
    assert (one.figures["under_resolved"] or one.figures["under_fit"]) and not one.kept  # replaced
    assert two.kept and two.figures["unknowns"] <= 1200
    assert len(sol.stages[0]) == 1 and isinstance(sol.stages[0][0], ChebyshevStage)
    assert two.figures["fresh_rms"] < 0.5 * one.figures["fresh_rms"]
    pts = np.random.default_rng(0).uniform([-1, 0], [1, 1], (400, 2))
    exact = burgers(pts[:, 0], pts[:, 1], nu=0.1 / np.pi)
    assert np.linalg.norm(np.asarray(sol(pts)) - exact) / np.linalg.norm(exact) < 1e-2  # 2.7e-3 measured
    loaded = pdec.load(pdec.save(sol, tmp_path / "run"))
    assert np.array_equal(np.asarray(loaded(pts)), np.asarray(sol(pts)))


def test_the_schedule_replaces_only_the_kept_stages_since_the_last_resolved_one():
    def rec(k, kept, under):
        return StageRecord(fields=("u",), stage=k, eps=1.0, kappa=(1.0,), points=1, iterations=1, loss=0.0,
                           rel_l2=1.0, max_error=1.0, score=1.0, wall_time=0.0, kept=kept, stop=None,
                           figures={"under_resolved": float(under)}, parameters={})
    s = Schedule((Collocation(),), refine=Spectral())
    assert s.replaced((rec(1, True, False), rec(2, True, True), rec(3, False, True))) == 1
    assert s(4, (rec(1, True, False), rec(2, True, True))) == Spectral()
    assert s.replaced((rec(1, True, True), rec(2, True, True))) == 2
    assert s.replaced((rec(1, True, False),)) == 0 and s(2, (rec(1, True, False),)) == Collocation()
    assert dataclasses.replace(s, refine=None).replaced((rec(1, True, True),)) == 0


def test_a_solve_re_expanded_in_new_stretches_keeps_its_field():
    """The warm start of a stretched round: a series interpolated at the new nodes."""
    from types import SimpleNamespace

    from pdec.solver.stages.spectral import SpectralSolve, _reexpanded

    zx = -np.cos(np.pi * (np.arange(81) + 0.5) / 81)
    zt = -np.cos(np.pi * (np.arange(21) + 0.5) / 21)
    gx, gt = np.meshgrid(zx, zt, indexing="ij")
    field = np.tanh(gx / 0.2) * np.cos(gt)
    coef = chebyshev.gauss_coefficients(field)
    solve = SpectralSolve({"u": coef}, {"k": 0.25}, (80, 20), 1.0, 1, (None, None), (0.0, 0.0))
    lin = SimpleNamespace(fields=("u",), parameters={"k": 1.0})
    same = _reexpanded(lin, solve, (80, 20), (None, None))
    assert np.max(np.abs(same[:-1] - coef.reshape(-1))) < 1e-13 and same[-1] == 0.25
    stretch = (chebyshev.Stretch(0.0, 0.3), None)
    moved = _reexpanded(lin, solve, (60, 20), stretch)[:-1].reshape(61, 21)
    z = jnp.asarray(np.column_stack([np.linspace(-1, 1, 101), np.linspace(-0.9, 0.9, 101)]))
    want = chebyshev.values(jnp.asarray(coef), z)
    got = chebyshev.values(jnp.asarray(moved), z, stretch)
    assert np.max(np.abs(np.asarray(got) - np.asarray(want))) < 1e-8
