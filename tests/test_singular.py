"""Singular functions at a plane domain's holes and re-entrant corners: where they are placed,
what they are, and what a stage with them reaches."""

import math
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pdec
from pdec.geometry import csg
from pdec.geometry.domain import Geometry
from pdec.geometry.planar import Disk, Polygon, Rectangle
from pdec.geometry.singular_points import corners, poles
from pdec.solver.derivatives import derivative
from pdec.solver.driver import Schedule
from pdec.solver.singular import Singular
from pdec.solver.stages.collocation import Collocation
from pdec.solver.tasks.equations import EquationSettings, solve_equations

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"
L_SHAPE = Polygon(((0, -1), (1, -1), (1, 1), (-1, 1), (-1, 0), (0, 0)))


def geometry(shape):
    return Geometry(shape, (0, 1), ("x", "y"))


def test_the_l_shape_has_one_reentrant_corner_of_opening_three_halves_pi():
    [(vx, vy, beta, omega)] = corners(geometry(L_SHAPE))
    assert (vx, vy) == (0.0, 0.0) and omega == pytest.approx(1.5 * math.pi, abs=1e-12)
    assert beta == pytest.approx(math.pi / 4, abs=1e-3)
    assert poles(geometry(L_SHAPE)) == []


def test_a_notch_cut_by_a_difference_is_a_corner_and_convex_corners_are_not():
    shape = csg.Difference(Rectangle((0, 0), (2, 2)), Rectangle((1, 1), (3, 3)))
    [(vx, vy, _, omega)] = corners(geometry(shape))
    assert (vx, vy) == (1.0, 1.0) and omega == pytest.approx(1.5 * math.pi, abs=1e-12)
    assert corners(geometry(Rectangle((0, 0), (2, 1)))) == []


def test_holes_are_poles_and_an_outer_circle_is_not():
    ring = csg.Difference(Disk((0, 0), 1.0), Disk((0, 0), 0.5))
    assert poles(geometry(ring)) == [(0.0, 0.0, 0.5)]
    assert poles(geometry(Disk((0, 0), 1.0))) == []
    holes = csg.Difference(Rectangle((-1, -1), (1, 1)), csg.Union(Disk((0.5, 0), 0.1), Disk((-0.5, 0), 0.2)))
    assert sorted(poles(geometry(holes))) == [(-0.5, 0.0, 0.2), (0.5, 0.0, 0.1)]


def test_pole_and_corner_functions_are_harmonic_and_the_corner_sines_vanish_on_its_edges():
    fn = Singular(jnp.array([[0.3, -0.2, 0.25]]), jnp.array([[0.0, 0.0, math.pi / 4, 1.5 * math.pi]]),
                  jnp.float64(2.0), order=4, terms=3)
    assert fn.size == 9 + 6
    pts = jax.random.uniform(jax.random.PRNGKey(0), (50, 2), minval=0.6, maxval=1.0)
    lap = jax.vmap(derivative(lambda p: fn(p[None])[0], (2, 0)))(pts) + \
        jax.vmap(derivative(lambda p: fn(p[None])[0], (0, 2)))(pts)
    assert np.max(np.abs(lap)) < 1e-10 * np.max(np.abs(fn(pts)))
    edges = jnp.array([[0.0, -0.5], [0.0, -0.9], [-0.3, 0.0], [-0.8, 0.0]])  # the L's two edges at the corner
    assert np.max(np.abs(fn(edges)[:, 9:12])) < 1e-15
    assert float(fn(jnp.array([[0.5, 0.5]]))[0, 9]) == pytest.approx(
        float((1 / math.sqrt(2) / 2.0) ** (2 / 3) * math.sin(2 / 3 * (math.pi / 4 + math.pi / 2))), rel=1e-13)


def test_a_small_l_shape_stage_reaches_1e10_and_saves_and_loads_exactly(tmp_path):
    problem = pdec.compile(PROBLEMS / "lshape.pde")
    settings = EquationSettings(schedule=Schedule((Collocation(200, 600, 8.0),)), n_test=2000)
    sol = solve_equations(problem, pdec.lower(problem), tol=1e-14, max_stages=1, settings=settings)
    assert sol.report[0].rel_l2 < 1e-10
    pdec.save(sol, tmp_path)
    back = pdec.load(tmp_path)
    pts = np.array([[0.5, -0.5], [-0.5, 0.5], [0.01, 0.01]])
    assert np.array_equal(np.asarray(back(pts)), np.asarray(sol(pts)))
