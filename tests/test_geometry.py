"""Shaped domains: membership and sampling against closed-form areas, normals against closed
forms, every geometry mistake at its line and column, a small disk Poisson solve."""

import math

import numpy as np
import pytest
import sympy as sp

from pdec.errors import PdecError
from pdec.geometry import csg
from pdec.geometry.codec import geometry_from_json, geometry_json
from pdec.geometry.domain import Geometry
from pdec.geometry.planar import Disk, Ellipse, Polygon, Rectangle
from pdec.geometry.solid import Ball, Box, Cylinder
from pdec.language.compile import compile_text

L_SHAPE = Polygon(((0, -1), (1, -1), (1, 1), (-1, 1), (-1, 0), (0, 0)))
SHAPES = [  # shape, its area (volume), the lengths (areas) of its boundary pieces in order
    (Disk((0.5, 0), 2.0), math.pi * 4, [4 * math.pi]),
    (Ellipse((0, 0), (2.0, 0.5)), math.pi, [math.pi * (7.5 - math.sqrt(6.5 * 3.5))]),
    (L_SHAPE, 3.0, [1, 2, 2, 1, 1, 1]),
    (csg.Difference(Rectangle((-2, -1), (2, 1)), Disk((0, 0), 0.5)), 8 - math.pi / 4, [4, 2, 4, 2, math.pi]),
    (csg.Union(Disk((-1, 0), 1), Disk((0.5, 0), 1)), 2 * math.pi - (2 * math.acos(0.75) - 0.75 * math.sqrt(1.75)),
     [2 * math.pi - 2 * math.acos(0.75)] * 2),
    (csg.Intersection(csg.Union(Disk((-1, 0), 1), Disk((1, 0), 1)), Rectangle((-2, 0), (2, 1))), math.pi,
     [math.pi, math.pi, 4, 0, 0, 0]),
    (csg.Difference(Box((0, 0, 0), (1, 1, 1)), Ball((0.5, 0.5, 0.5), 0.25)), 1 - 4 / 3 * math.pi / 64,
     [1] * 6 + [math.pi / 4]),
    (Cylinder((0, 0, 0), 1.0, 2.0), 2 * math.pi, [4 * math.pi, math.pi, math.pi]),
]


def monte_carlo_area(shape, n=200_000):
    lo, hi = shape.bounds()
    pts = lo + (hi - lo) * np.random.default_rng(1).random((n, lo.size))
    return float(np.prod(hi - lo) * np.mean(shape.contains(pts)))


@pytest.mark.parametrize("shape, area, lengths", SHAPES, ids=lambda v: getattr(v, "describe", lambda: "")())
def test_membership_area_and_boundary_lengths(shape, area, lengths):
    assert monte_carlo_area(shape) == pytest.approx(area, rel=0.01)
    geometry = Geometry(shape, tuple(range(shape.dim)), ("x", "y", "z")[:shape.dim])
    assert geometry.area() == pytest.approx(area, rel=0.01)
    assert list(geometry.lengths) == pytest.approx(lengths, rel=0.03, abs=1e-12)


@pytest.mark.parametrize("shape, area, lengths", SHAPES, ids=lambda v: getattr(v, "describe", lambda: "")())
def test_sampled_points_lie_inside_and_on_the_boundary(shape, area, lengths):
    d = shape.dim
    geometry = Geometry(shape, tuple(range(d)), ("x", "y", "z")[:d])
    lo, hi = shape.bounds()
    rng = np.random.default_rng(2)
    inside = geometry.interior(rng, lo, hi, 3000)
    assert inside.shape == (3000, d) and np.all(shape.level(inside) <= 0)
    for i in geometry.boundary():
        pts = geometry.piece_points(rng, i, lo, hi, 500)
        assert np.max(np.abs(shape.level(pts))) < 1e-9
        out = geometry.pieces[i].outward(pts)  # a step along the outward normal leaves the domain
        assert np.all(np.abs(np.linalg.norm(out, axis=1) - 1) < 1e-12)
        assert not np.any(shape.contains(pts + 1e-6 * out)) and np.all(shape.contains(pts - 1e-6 * out))


def test_normals_match_their_closed_forms():
    problem = compile_text("domain x, y in rectangle((-2, -1), (2, 1)) - disk((0.5, 0), 0.5) as hole\n"
                           "unknown u(x, y)\nequation lap(u) = 0\nboundary hole: u_n = 0\nboundary rest: u = 0\n")
    geometry = problem.geometry
    (hole,) = [i for i in geometry.boundary() if "hole" in geometry.pieces[i].names]
    pts = geometry.piece_points(np.random.default_rng(0), hole, problem.lower, problem.upper, 50)
    assert np.allclose(geometry.pieces[hole].outward(pts), -(pts - [0.5, 0]) / 0.5, atol=1e-14)
    condition = problem.conditions[0]
    assert "hole" in condition.location.label()
    x, y = sp.symbols("x y", real=True)
    u = sp.Function("u")(x, y)
    assert sp.simplify(condition.expr - (-(x - sp.Rational(1, 2)) * u.diff(x) - y * u.diff(y)) / sp.Rational(1, 2)) == 0
    faces = {r.location.label(): str(r.expr) for r in problem.conditions[1:]}
    assert set(faces) == {"x = -2", "x = 2", "y = -1", "y = 1"}


def test_u_n_on_box_faces_is_the_outward_derivative():
    problem = compile_text("domain x in [0, 1], y in [0, 2]\nunknown u(x, y)\nequation lap(u) = 0\n"
                           "boundary all: u_n = 1\n")
    got = {r.location.label(): str(r.lhs) for r in problem.conditions}
    assert got == {"x = 0": "-Derivative(u(x, y), x)", "x = 1": "Derivative(u(x, y), x)",
                   "y = 0": "-Derivative(u(x, y), y)", "y = 2": "Derivative(u(x, y), y)"}


def test_rest_covers_what_no_other_line_does_and_time_follows_the_shape():
    problem = compile_text("domain x, y in disk((0, 0), 1) as outer - disk((0, 0), 0.5) as inner, t in [0, 1]\n"
                           "unknown u(x, y, t)\nequation u_t = lap(u)\ninitial t = 0: u = 0\n"
                           "boundary inner: u = 1\nboundary rest: u_n = 0\n")
    assert problem.coordinate_names == ("x", "y", "t")
    kinds = [(r.kind, r.location.label()) for r in problem.conditions]
    assert kinds == [("initial", "t = 0"), ("boundary", "circle around (0, 0), radius 0.5 (inner)"),
                     ("boundary", "circle around (0, 0), radius 1 (outer)")]
    assert problem.inside(np.array([[0.75, 0, 0.5], [0.2, 0, 0.5]])).tolist() == [True, False]


def test_geometry_round_trips_through_json():
    problem = compile_text("domain x, y in (disk((-1, 0), 1) | disk((1, 0), 1)) & rectangle((-2, 0), (2, 1)) as top\n"
                           "unknown u(x, y)\nequation lap(u) = 0\nboundary all: u = 0\n")
    again = geometry_from_json(geometry_json(problem.geometry))
    assert again.shape == problem.geometry.shape and again.lengths == problem.geometry.lengths


DISK = "domain x, y in disk((0, 0), 1)\nunknown u(x, y)\nequation lap(u) = 0\n"


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        ("domain x, y in disk((0, 0), 0)\n", 1, 29, "must be positive"),
        ("domain x, y in rectangle((0, 0), (0, 1))\n", 1, 16, "rectangle is empty"),
        ("domain x, y in polygon((0, 0), (1, 1), (2, 2))\n", 1, 16, "no area"),
        ("domain x, y in polygon((0, 0), (1, 1), (1, 0), (0, 1))\n", 1, 16, "crosses itself"),
        ("domain x, y in polygon((0, 0), (1, 1))\n", 1, 16, "at least 3 vertices"),
        ("domain x, y in disk((0, 0), 1) - disk((0, 0), 2)\n", 1, 16, "domain is empty"),
        ("domain x, y in disk((0, 0), 1) & disk((3, 0), 1)\n", 1, 16, "intersection is empty"),
        ("domain x, y in disk((0, 0), 1) - disk((0, 0), 0.1) as lost - disk((0, 0), 0.2)\n", 1, 55, "no part of the boundary of 'lost'"),
        ("domain x, y in ball((0, 0, 0), 1)\n", 1, 16, "shape in 3 coordinates"),
        ("domain x, y in disc((0, 0), 1)\n", 1, 16, "unknown shape 'disc'"),
        ("domain x, y in disk((0, 0, 0), 1)\n", 1, 21, "has 2 numbers"),
        ("domain x, y in disk(1, 1)\n", 1, 21, "a point"),
        ("domain x, y in disk((0, 0), 1) as rest\n", 1, 35, "cannot name a shape"),
        ("domain t, y in disk((0, 0), 1)\n", 1, 8, "time t cannot"),
        (DISK + "boundary hole: u = 0\n", 4, 10, "no shape is named 'hole'"),
        (DISK + "boundary x = 1: u = 0\n", 4, 14, "no straight piece"),
        (DISK + "boundary all: u = 0\nequation u_n = 0\n", 5, 10, "cannot stand in an equation"),
        (DISK + "boundary all: u = 0\npoint x = 0.9, y = 0.9: u = 0\n", 5, 1, "outside the domain"),
        (DISK + "boundary all: u = 0\nboundary rest: u = 1\n", 5, 10, "covers nothing"),
        (DISK + "boundary all: u = 0\nperiodic x\n", 5, 10, "coordinate of the shape"),
        (DISK + "boundary all: u = 0\nreference u from \"data/heat.csv\"\n", 5, 18, "no column 'y'"),
        ("domain x, y in disk((0, 0), 1)\nfit u(x, y) = x\n", 2, 1, "a fit is made on a box"),
    ],
)
def test_geometry_mistakes_are_located(text, line, column, words):
    from pathlib import Path
    with pytest.raises(PdecError) as info:
        compile_text(text, base_dir=Path(__file__).parent.parent / "problems")
    err = info.value
    assert words in err.message, err.render()
    assert (err.span.line, err.span.column) == (line, column), err.render()


def test_a_small_disk_poisson_solve():
    """Collocation stages on the disk's points (stage 1 only, small): to 1e-8."""
    import pdec
    from pdec.solver.driver import Schedule
    from pdec.solver.stages.collocation import Collocation
    from pdec.solver.tasks.equations import EquationSettings, solve_equations

    problem = pdec.compile(Path_problems() / "disk_poisson.pde")
    settings = EquationSettings(schedule=Schedule((Collocation(400, 1200, 12.0),)), n_test=2000)
    solution = solve_equations(problem, pdec.lower(problem), tol=1e-14, max_stages=1, settings=settings)
    assert solution.report[0].rel_l2 < 1e-8
    assert solution.geometry is None or solution.geometry.shape == problem.geometry.shape


def Path_problems():
    from pathlib import Path
    return Path(__file__).parent.parent / "problems"
