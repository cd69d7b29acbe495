"""Four to six coordinates: the language, the spectrum without a grid, memory refused up front."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pdec
from pdec.errors import PdecError
from pdec.solver import memory, spectrum
from pdec.solver.sampling import axis_lines

SIX = """domain x1 in [0, 1], x2 in [0, 1], x3 in [0, 1], x4 in [0, 1], x5 in [0, 1], x6 in [0, 1]
unknown u(x1, x2, x3, x4, x5, x6)
equation lap(u) + u_x1x2 = -6*u + 1
boundary all: u = sin(x1 + x2 + x3 + x4 + x5 + x6) + 0*x1
exact u = sin(x1 + x2 + x3 + x4 + x5 + x6)
"""


def test_six_coordinates_parse_with_lap_and_multi_letter_subscripts():
    problem = pdec.compile_text(SIX)
    assert problem.dimension == 6
    (eq,) = problem.equations
    needs = {alpha for _, alpha in eq.derivatives}
    assert (1, 1, 0, 0, 0, 0) in needs and all(tuple(2 * (i == j) for i in range(6)) in needs for j in range(6))
    assert len(problem.conditions) == 12  # boundary all: every face of every coordinate
    low = pdec.lower(problem)
    pts = jax.random.uniform(jax.random.PRNGKey(1), (64, 6), jnp.float64)
    s = jnp.sin(pts.sum(axis=1))
    values = {("u", a): (-s if sum(a) == 2 else s) for _, a in eq.derivatives}
    # lap(u) + u_x1x2 = -6 sin - sin, the right side -6 sin + 1: residual -sin - 1
    assert np.allclose(low.equations[0](pts, values), -s - 1.0, atol=1e-14)


def test_the_spectrum_along_random_lines_finds_each_axis_frequency():
    lo, hi = np.zeros(5), np.ones(5)
    per_axis = []
    for axis in range(5):
        pts = axis_lines(jax.random.PRNGKey(axis), lo, hi, axis, 64, 24)
        assert pts.shape == (64 * 24, 5)
        assert np.allclose(pts[:24, axis], np.linspace(0, 1, 24)) and np.ptp(np.asarray(pts[:24, (axis + 1) % 5])) == 0
        values = np.sin(2 * np.pi * (np.arange(5) + 2) @ np.asarray(pts).T)  # axis i: i + 2 cycles over [0, 1]
        per_axis.append(spectrum.grid_frequencies(values.reshape(64, 24))[1])
    # [0, 1] is 2 units of z: axis i holds (i + 2) / 2 cycles per unit of z
    assert np.allclose(per_axis, [(i + 2) / 2 for i in range(5)], atol=0.2), per_axis


def test_a_run_that_would_not_fit_in_memory_is_refused_before_any_work(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 2e8)
    problem = pdec.compile("problems/poisson3d.pde")
    started = []
    with pytest.raises(PdecError) as err:
        pdec.solve(problem, on_start=started.append, stages=1)
    # 8000 interior + 6 x 400 face rows, 3001 columns, 3 copies: 0.75 GB
    assert "stage 1 would need 0.7 GB" in err.value.message and "least-squares matrix" in err.value.message
    assert "0.2 GB this machine has free" in err.value.message and not started


def test_each_stage_records_its_peak_memory():
    sol = pdec.solve(pdec.compile("problems/poisson1d.pde"), stages=1)
    (r,) = sol.report
    assert 1e7 < r.peak_memory < 2e10
