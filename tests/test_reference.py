"""The Burgers reference solution (Cole-Hopf): initial and boundary values, the equation, convergence."""

import numpy as np

from pdec.reference import burgers

NU = 0.01 / np.pi


def test_initial_and_boundary_values():
    x = np.linspace(-1, 1, 101)
    np.testing.assert_allclose(burgers(x, 0.0), -np.sin(np.pi * x), rtol=0, atol=1e-15)
    t = np.linspace(0, 1, 11)
    assert np.max(np.abs(burgers(-1.0, t))) < 1e-15 and np.max(np.abs(burgers(1.0, t))) < 1e-15


def test_it_solves_the_equation_away_from_the_front():
    rng = np.random.default_rng(0)
    x, t, h = rng.uniform(-0.9, -0.4, 40), rng.uniform(0.2, 0.9, 40), 1e-4
    u = burgers(x, t)
    u_t = (burgers(x, t + h) - burgers(x, t - h)) / (2 * h)
    u_x = (burgers(x + h, t) - burgers(x - h, t)) / (2 * h)
    u_xx = (burgers(x + h, t) - 2 * u + burgers(x - h, t)) / h**2
    assert np.max(np.abs(u_t + u * u_x - NU * u_xx)) < 1e-7  # measured 1.8e-8 (the differences' own error)


def test_the_quadrature_has_converged_at_the_front():
    x = np.array([-1e-3, -1e-4, 0.0, 1e-4, 1e-3, 0.3])
    t = np.array([1.0, 1.0, 1.0, 0.9, 0.5, 0.7])
    fine, coarse = burgers(x, t), burgers(x, t, nodes=4001)
    assert np.max(np.abs(fine - coarse)) < 1e-14
    assert fine[2] == 0.0 or abs(fine[2]) < 1e-14  # odd in x
    assert -1.0 < fine.min() and fine.max() < 1.0
