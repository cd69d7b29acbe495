"""Quick tests of the multi-stage regression engine (small settings, well under 3 minutes)."""

import math

import jax.numpy as jnp
import numpy as np
import pytest

import jax

from pdec.errors import PdecError
from pdec.records import format_stage
from pdec.solver import chebyshev, features, network, spectrum
from pdec.solver.driver import Schedule
from pdec.solver.sampling import chebyshev_nodes
from pdec.solver.schedules import fit_schedule
from pdec.solver.stages import least_squares
from pdec.solver.stages.interpolation import Interpolation
from pdec.solver.stages.least_squares import LeastSquares
from pdec.solver.stages.trained import LBFGS, LevenbergMarquardt, Trained
from pdec.solver.tasks.fit import FitSettings, solve_fit

SMALL = FitSettings(
    schedule=Schedule(
        (
            Trained((20, 20, 20), adam_steps=1000, optimizer=LBFGS(4000)),
            LeastSquares(600),  # the default kind, fewer features
        )
    ),
    base_points=(600, 900),
    max_points=(1200, 1600),
    n_test=2000,
)


def target_1d(x):
    return jnp.sin(2 * x[:, 0] + 1) + 0.2 * jnp.exp(1.3 * x[:, 0])


@pytest.fixture(scope="module")
def fit_1d():
    lines = []
    sol = solve_fit([-1.0], [1.0], ["u"], [target_1d], tol=0.0, max_stages=2, settings=SMALL,
                    callback=lambda s: lines.append(format_stage(s.report)))
    return sol, lines


def test_stage_two_cuts_error_100x(fit_1d):
    sol, lines = fit_1d
    r1, r2 = sol.report
    assert len(sol.stages[0]) == 2 and r2.kept
    assert r1.rel_l2 < 1e-4  # a working stage 1 fits to ~1e-6
    assert r2.rel_l2 < r1.rel_l2 / 100.0, (r1.rel_l2, r2.rel_l2)
    assert r2.kappa[0] > 2.0  # stage 2 is tuned to a higher frequency
    assert len(lines) == 2 and "stage 2" in lines[1]


def test_evaluation_is_sum_of_stages(fit_1d):
    sol, _ = fit_1d
    x = jnp.linspace(-1.0, 1.0, 101)[:, None]
    z = 2.0 * (x + 1.0) / 2.0 - 1.0
    manual = sum(
        s.eps * network.apply(s.params, z, s.kappa, s.sine_first, s.angle)[:, 0] for s in sol.stages[0]
    )
    assert sol(x).shape == (101,)
    np.testing.assert_allclose(np.asarray(sol(x)), np.asarray(manual), rtol=0, atol=1e-15)
    # The stages matter: stage 2 alone is a correction of the size of stage 1's error.
    s1 = sol.stages[0][0]
    only1 = s1.eps * network.apply(s1.params, z, s1.kappa, s1.sine_first, s1.angle)[:, 0]
    err1 = float(jnp.max(jnp.abs(only1 - target_1d(x))))
    err2 = float(jnp.max(jnp.abs(sol(x) - target_1d(x))))
    assert err2 < err1 / 50.0


def test_eps_is_residue_rms(fit_1d):
    sol, _ = fit_1d
    s1, s2 = sol.stages[0]
    # stage 1's eps is the RMS of the target on the Chebyshev grid
    z = chebyshev_nodes(600)[:, None]
    y = target_1d(z)
    assert float(s1.eps) == pytest.approx(float(jnp.sqrt(jnp.mean(y * y))), rel=1e-12)
    # stage 2's eps is about stage 1's RMS test error (same residue, other points)
    assert 0.3 < float(s2.eps) / sol.report[0].figures["rms_error"] < 3.0
    assert spectrum.residue_size(np.array([3.0, -4.0])) == pytest.approx(math.sqrt(12.5))


def test_kappa_1d_grid_and_scattered():
    z = np.linspace(-1.0, 1.0, 801)
    r = np.sin(2 * np.pi * 7 * z) + 0.01 * np.sin(2 * np.pi * 2 * z)
    (f,) = spectrum.grid_frequencies(r)
    assert f == pytest.approx(7.0, abs=0.3)
    assert float(spectrum.kappa_from_frequencies((f,))[0]) == pytest.approx(2 * np.pi * 7, rel=0.05)
    t = np.random.default_rng(0).uniform(-1, 1, (700, 1))
    (fs,) = spectrum.scattered_frequencies(t, np.sin(2 * np.pi * 7 * t[:, 0]))
    assert fs == pytest.approx(7.0, abs=0.1)


def test_kappa_2d_per_axis():
    z = np.linspace(-1.0, 1.0, 129)
    zx, zy = np.meshgrid(z, z, indexing="ij")
    r = np.sin(2 * np.pi * 7 * zx) * np.cos(2 * np.pi * 3 * zy + 0.3)
    fx, fy = spectrum.grid_frequencies(r)
    assert fx == pytest.approx(7.0, abs=0.3) and fy == pytest.approx(3.0, abs=0.3)
    pts = np.random.default_rng(1).uniform(-1, 1, (3000, 2))
    gx, gy = spectrum.scattered_frequencies(pts, np.sin(2 * np.pi * 7 * pts[:, 0]) * (1 - pts[:, 1] ** 2))
    assert gx == pytest.approx(7.0, abs=0.2) and gy < 1.0
    assert spectrum.points_per_axis(7.0, 10, 50, 1000) == 140


def test_fit_from_data_arrays():
    rng = np.random.default_rng(2)
    x = rng.uniform(0.0, 3.0, (1000, 1))
    y = np.cos(1.5 * x[:, 0]) * np.exp(-0.3 * x[:, 0])
    sol = solve_fit([0.0], [3.0], ["v"], [(x, y)], tol=0.0, max_stages=2, settings=SMALL)
    r1, r2 = sol.report
    assert r1.points == 900  # 10% held out
    assert sol.stages[0][1].params[0][0].shape == (1, 300)  # least-squares stage: 3 points per feature
    assert r2.rel_l2 < r1.rel_l2 / 10.0 and r2.rel_l2 < 1e-7, (r1.rel_l2, r2.rel_l2)
    xt = np.linspace(0.2, 2.8, 50)[:, None]
    err = np.max(np.abs(np.asarray(sol(xt)) - np.cos(1.5 * xt[:, 0]) * np.exp(-0.3 * xt[:, 0])))
    assert err < 1e-6


def test_two_fields_shape():
    s = SMALL.schedule.kinds[0]
    quick = FitSettings(schedule=Schedule((Trained(s.widths, adam_steps=200, optimizer=LBFGS(200)),)),
                        base_points=(100, 400), n_test=500)
    f = lambda x: x[:, 0] * x[:, 1]  # noqa: E731
    g = lambda x: jnp.sin(x[:, 0]) + x[:, 1]  # noqa: E731
    sol = solve_fit([0.0, 0.0], [1.0, 2.0], ["a", "b"], [f, g], tol=1e-3, max_stages=1, settings=quick)
    pts = jax.random.uniform(jax.random.PRNGKey(3), (7, 2))
    out = sol(pts)
    assert out.shape == (7, 2)
    assert [r.field for r in sol.report] == ["a", "b"]
    assert sol.parameters == {}
    np.testing.assert_allclose(np.asarray(out[:, 0]), np.asarray(f(pts)), atol=1e-2)


def test_chebyshev_band_finds_the_last_degree_per_axis():
    n = 128
    z = np.cos(np.pi * np.arange(n) / (n - 1))
    zx, zy = np.meshgrid(z, z, indexing="ij")
    cheb = lambda k, x: np.cos(k * np.arccos(x))  # noqa: E731
    noise = 1e-13 * np.random.default_rng(0).normal(size=(n, n))
    v = cheb(10, zx) * cheb(5, zy) + 0.3 * cheb(3, zx) + 1e-6 * cheb(17, zx) + noise
    assert spectrum.chebyshev_band(v) == (17, 5)
    assert spectrum.chebyshev_band(cheb(40, z)) == (40,)
    # more modes than a stage can fit: the band keeps the largest coefficients
    w = cheb(10, zx) * cheb(8, zy) + 1e-6 * cheb(30, zx) * cheb(30, zy) + noise
    assert spectrum.chebyshev_band(w) == (30, 30)
    assert spectrum.chebyshev_band(w, max_modes=200) == (10, 8)


def test_least_squares_output_layer_is_the_exact_minimizer():
    key = jax.random.PRNGKey(4)
    params = features.draw(key, 2, 50)
    z = jax.random.uniform(jax.random.PRNGKey(5), (400, 2), jnp.float64, -1.0, 1.0)
    kappa = jnp.array([6.0, 3.0])
    (w, b), _ = params
    truth = (params[0], (jax.random.normal(key, (50, 1), jnp.float64), jnp.array([0.7])))
    y = network.apply(truth, z, kappa, True, True)[:, 0]  # in the span of the features
    residual = lambda p: network.apply(p, z, kappa, True, True)[:, 0] - y  # noqa: E731
    out, res = least_squares.solve_output_layer(residual, params)
    assert res.loss < 1e-24 and res.iterations == 1
    assert out[0][0] is w and out[0][1] is b  # the drawn layer is kept
    np.testing.assert_allclose(np.asarray(out[1][1]), [0.7], atol=1e-9)


def test_2d_least_squares_stage_fits_the_residue_to_float64():
    """The 2D default: a short tanh stage 1, then one least-squares stage (3000 features)."""
    def target(x):
        return (jnp.sin(2 * x[:, 0] + 1) - 0.5 * x[:, 0]) * (1 - x[:, 1] ** 2)

    first = Trained((20, 20, 20), adam_steps=500, optimizer=LevenbergMarquardt(200))
    cfg = FitSettings(schedule=Schedule((first, fit_schedule(2)(2))), base_points=(600, 900), n_test=2000)
    sol = solve_fit([-1.0, -1.0], [1.0, 1.0], ["u"], [target], tol=0.0, max_stages=2, settings=cfg)
    r1, r2 = sol.report
    assert isinstance(fit_schedule(2)(2), LeastSquares) and sol.stages[0][1].params[0][0].shape == (2, 3000)
    assert r1.rel_l2 < 1e-3
    assert r2.rel_l2 < 1e-12 and r2.rel_l2 < r1.rel_l2 / 1e6, (r1.rel_l2, r2.rel_l2)
    assert min(r2.kappa) > 10.0 and r2.points >= 9000  # the band is resolved, >= 3 points per feature


def test_solver_options_leave_least_squares_stages_alone():
    sched = fit_schedule(2).with_options(adam=7, iterations=5, width=10)
    first, second = sched.kinds
    assert first.widths == (10, 10, 10) and first.optimizer.iterations == 5 and first.adam_steps == 7
    assert second == fit_schedule(2)(2)


def test_3d_fit_interpolates_to_rounding_and_4d_draws_fixed_band_features():
    """In 3D a fit's default stages interpolate the residue at Chebyshev-Gauss nodes
    (schedules.fit_schedule): the smooth 3D target to ~3e-15 in one stage of a few seconds (the
    fixed-band sine features it replaced stopped at 2.2e-12); from 4D on the stages draw
    features over z at a fixed band."""
    kind = fit_schedule(3)(1)
    assert isinstance(kind, Interpolation)
    later = fit_schedule(4)(1)
    assert isinstance(later, LeastSquares) and later.band == 3.0 and not later.angle
    target = lambda x: jnp.sin(x[:, 0] + 2 * x[:, 1]) * jnp.cos(x[:, 2]) + 0.3 * x[:, 0] * x[:, 2]  # noqa: E731
    sol = solve_fit([-1.0] * 3, [1.0] * 3, ["u"], [target], max_stages=1, settings=FitSettings(n_test=2000))
    (r,) = sol.report
    assert r.rel_l2 < 2e-14
    x = jnp.asarray([[0.1, 0.2, 0.3], [-0.9, 0.5, 0.99]])
    assert np.max(np.abs(np.asarray(sol(x)).reshape(-1) - np.asarray(target(x)))) < 1e-13


def test_interpolation_coefficients_are_exact_for_a_polynomial():
    """The Gauss-node transform gives a polynomial's Chebyshev coefficients exactly:
    T_2(x) T_1(y) + 0.5 T_0 on a 4 x 3 grid."""
    zx = -np.cos(np.pi * (np.arange(4) + 0.5) / 4)
    zy = -np.cos(np.pi * (np.arange(3) + 0.5) / 3)
    gx, gy = np.meshgrid(zx, zy, indexing="ij")
    c = chebyshev.gauss_coefficients((2 * gx**2 - 1) * gy + 0.5)
    want = np.zeros((4, 3))
    want[2, 1], want[0, 0] = 1.0, 0.5
    assert np.max(np.abs(c - want)) < 1e-15


def test_interpolation_refuses_data():
    """Scattered data cannot be evaluated at the nodes: a located PdecError, not a crash."""
    x = np.random.default_rng(0).uniform(-1, 1, (200, 3))
    with pytest.raises(PdecError, match="closed-form target"):
        solve_fit([-1.0] * 3, [1.0] * 3, ["u"], [(x, x[:, 0])], max_stages=1,
                  settings=FitSettings(schedule=Schedule((Interpolation(),))))
