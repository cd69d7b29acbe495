"""Samplers: right shapes, inside the box, on the right face, reproducible from the seed."""

import jax
import jax.numpy as jnp
import numpy as np

from pdec.language.problem import AtPoint, Face
from pdec.solver.sampling import chebyshev_nodes, face_points, latin_hypercube, location_points, periodic_pairs, tensor_grid, uniform_grid

LO, HI = np.array([-1.0, 0.0, 2.0]), np.array([1.0, 0.5, 3.0])
COORDS = ("x", "y", "z")


def inside(p):
    return bool(jnp.all(p >= LO - 1e-15) & jnp.all(p <= HI + 1e-15))


def test_grids():
    u = uniform_grid(LO, HI, 5)
    c = LO + (tensor_grid([chebyshev_nodes(5)] * 3) + 1.0) * 0.5 * (HI - LO)
    assert u.shape == c.shape == (125, 3) and u.dtype == jnp.float64
    assert inside(u) and inside(c)
    x = np.unique(np.asarray(c[:, 0]))
    np.testing.assert_allclose(x, [-1, -np.sqrt(0.5), 0, np.sqrt(0.5), 1], atol=1e-15)


def test_latin_hypercube_is_seeded():
    key = jax.random.PRNGKey(3)
    for sampler in (latin_hypercube,):
        a, b = sampler(key, LO, HI, 64), sampler(key, LO, HI, 64)
        assert a.shape == (64, 3) and inside(a)
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, sampler(jax.random.PRNGKey(4), LO, HI, 64))


def test_latin_hypercube_fills_every_slab():
    p = np.asarray(latin_hypercube(jax.random.PRNGKey(0), LO, HI, 50))
    for axis in range(3):
        slabs = np.floor((p[:, axis] - LO[axis]) / (HI[axis] - LO[axis]) * 50).astype(int)
        assert sorted(slabs) == list(range(50))


def test_faces_points_and_pairs():
    f = face_points(jax.random.PRNGKey(0), LO, HI, Face("y", 0.5), COORDS, 20)
    assert f.shape == (20, 3) and bool(jnp.all(f[:, 1] == 0.5)) and inside(f)
    p = location_points(jax.random.PRNGKey(0), LO, HI, AtPoint((("x", 0.0), ("y", 0.1), ("z", 2.5))), COORDS, 20)
    np.testing.assert_array_equal(p, [[0.0, 0.1, 2.5]])
    a, b = periodic_pairs(jax.random.PRNGKey(0), LO, HI, "x", COORDS, 10)
    assert bool(jnp.all(a[:, 0] == -1.0)) and bool(jnp.all(b[:, 0] == 1.0))
    np.testing.assert_array_equal(a[:, 1:], b[:, 1:])
