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
