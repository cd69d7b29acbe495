"""Tensor Chebyshev polynomials over the normalized box, with exact derivatives of any order.

A spectral stage (`pdec.solver.stages.spectral`) is ``sum_J c_J prod_i T_{j_i}(z_i)`` over
``z = normalize(x)`` in [-1, 1]^d. Values and derivatives come from the three-term recurrences

    T_{n+1} = 2 z T_n - T_{n-1},    D^k T_{n+1} = 2 k D^{k-1} T_n + 2 z D^k T_n - D^k T_{n-1},

which are polynomial in z (no arccos: its derivative is infinite at the box's ends), so JAX's
autodiff through `values` is exact too. Imports nothing of pdec: the saved solution evaluates it.

An axis may be stretched (`Stretch`): the polynomials are then in xi = stretch.inverse(z), which
puts the Chebyshev nodes close together within about ``width`` of ``center``; a front of width w
there needs ~100 degrees instead of ~1 / w (derivatives in z by nested forward-mode autodiff).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

Array = jnp.ndarray


def vander(z: Array, degree: int, order: int = 0) -> Array:
    """D^order T_j(z) for j = 0..degree at points z (M,): shape (M, degree + 1).

    One `jax.lax.scan` over the degree (a Python loop of 235 steps took minutes to compile)."""
    one, zero = jnp.ones_like(z), jnp.zeros_like(z)
    t0 = jnp.stack([one] + [zero] * order)  # D^k T_0, k = 0..order
    t1 = jnp.stack([z, one] + [zero] * (order - 1))[:order + 1]  # D^k T_1
    if degree == 0:
        return t0[order][:, None]

    def step(carry, _):
        prev, cur = carry
        lower = jnp.concatenate([jnp.zeros_like(cur[:1]), cur[:-1]])  # D^(k-1) T_n, zero for k = 0
        k = jnp.arange(order + 1, dtype=z.dtype)[:, None]
        nxt = 2.0 * k * lower + 2.0 * z * cur - prev
        return (cur, nxt), nxt[order]

    _, rest = jax.lax.scan(step, (t0, t1), None, length=degree - 1)
    return jnp.concatenate([t0[order][:, None], t1[order][:, None], rest.T], axis=1)


@dataclass(frozen=True)
class Stretch:
    """The sinh map z = center + width * sinh(lo + (hi - lo) (xi + 1) / 2) of [-1, 1] onto itself
    (lo, hi: asinh((-1 - center) / width), asinh((1 - center) / width)). An entire function of
    xi, so a series in xi of a function analytic near [-1, 1] still converges geometrically;
    its nodes are ~width apart at ``center``. Why sinh, measured on the Burgers front at nu =
    0.01/pi (t = 1, max error): plain 320 degrees 2.1e-2; tan map 160 degrees 4.5e-9; sinh map
    120 degrees 1.1e-14 for any width from 0.2x to 1.5x the front's (bench/RESULTS.md)."""

    center: float
    width: float

    def _ends(self):
        return (jnp.arcsinh((-1.0 - self.center) / self.width), jnp.arcsinh((1.0 - self.center) / self.width))

    def forward(self, xi: Array) -> Array:
        """z at the stretched variable xi."""
        lo, hi = self._ends()
        return self.center + self.width * jnp.sinh(lo + (hi - lo) * (xi + 1.0) / 2.0)

    def inverse(self, z: Array) -> Array:
        """The stretched variable xi at z."""
        lo, hi = self._ends()
        return 2.0 * (jnp.arcsinh((z - self.center) / self.width) - lo) / (hi - lo) - 1.0


jax.tree_util.register_dataclass(Stretch, data_fields=["center", "width"], meta_fields=[])


def stretched_vander(z: Array, degree: int, order: int, stretch: Stretch | None) -> Array:
    """D^order in z of T_j(xi(z)), j = 0..degree (xi = z without a stretch): (M, degree + 1)."""
    if stretch is None:
        return vander(z, degree, order)

    def f(s):
        return vander(stretch.inverse(s), degree, 0)
    for _ in range(order):
        f = _derivative(f)
    return f(z)


def _derivative(f):
    """s -> d f / d s, elementwise (each row of f depends on its own s only)."""
    return lambda s: jax.jvp(f, (s,), (jnp.ones_like(s),))[1]


def basis(z: Array, degrees: tuple[int, ...], alpha: tuple[int, ...], scale: Array,
          stretches: tuple[Stretch | None, ...] | None = None) -> Array:
    """D^alpha (in x, ``scale[i] = dz_i / dx_i``) of every tensor polynomial at z (M, d):
    shape (M, prod(degrees + 1)), the first axis's degree slowest."""
    stretches = stretches or (None,) * len(degrees)
    out = None
    for i, (n, a) in enumerate(zip(degrees, alpha)):
        v = stretched_vander(z[:, i], n, a, stretches[i]) * scale[i] ** a
        out = v if out is None else (out[:, :, None] * v[:, None, :]).reshape(z.shape[0], -1)
    return out


def values(coefficients: Array, z: Array, stretches: tuple[Stretch | None, ...] | None = None) -> Array:
    """sum_J c_J prod_i T_{j_i}(xi_i) at z (M, d), for ``coefficients`` of shape (n_1+1, .., n_d+1)
    (xi_i = z_i where axis i has no stretch)."""
    stretches = stretches or (None,) * z.shape[1]
    c = coefficients
    for i in range(z.shape[1]):
        v = stretched_vander(z[:, i], coefficients.shape[i] - 1, 0, stretches[i])
        c = jnp.einsum("mj,j...->m...", v, c) if i == 0 else jnp.einsum("mj,mj...->m...", v, c)
    return c


def tail(coefficients: np.ndarray, axis: int, share: float = 0.1) -> float:
    """How much of the coefficients' size sits in the top ``share`` of the degrees along
    ``axis`` (largest magnitude there over the largest overall): small when that axis is
    resolved (a Chebyshev series of a smooth function decays geometrically)."""
    c = np.abs(np.moveaxis(np.asarray(coefficients), axis, 0))
    n = c.shape[0]
    top = max(1, int(math.ceil(share * n)))
    big = float(c.max())
    return float(c[n - top:].max() / big) if big > 0 else 0.0


FINE = 4001  # points along an axis where `front` looks for the steepest slope
LINES = 9  # lines per other axis (at its Chebyshev-Gauss nodes) that `front` looks along


def grid_values(coefficients: Array, points: list[Array], stretches: tuple, alpha: tuple[int, ...]) -> np.ndarray:
    """D^alpha (in z) of the series on the tensor grid of ``points`` (one array per axis):
    shape (len(points[0]), ..), one contraction per axis."""
    c = jnp.asarray(coefficients)
    for i, z in enumerate(points):
        v = stretched_vander(jnp.asarray(z, dtype=jnp.float64), c.shape[i] - 1, alpha[i], stretches[i])
        c = jnp.moveaxis(jnp.tensordot(v, c, axes=([1], [i])), 0, i)
    return np.asarray(c)


def front(coefficients: Array, stretches: tuple, axis: int) -> tuple[float, float, float]:
    """(center, width, slope) of the series' steepest front along ``axis`` (in z): where |d/dz|
    is largest over FINE points on LINES lines per other axis, and the rise of the line through
    it over twice that slope (tanh(z / w) gives w)."""
    d = np.ndim(coefficients)
    stretches = tuple(stretches) or (None,) * d
    gauss = -np.cos(np.pi * (np.arange(LINES) + 0.5) / LINES)
    fine = np.linspace(-1.0, 1.0, FINE)
    pts = [fine if i == axis else (gauss if s is None else np.asarray(s.forward(gauss)))
           for i, s in enumerate(stretches)]
    u = grid_values(coefficients, pts, stretches, (0,) * d)
    du = grid_values(coefficients, pts, stretches, tuple(int(i == axis) for i in range(d)))
    at = np.unravel_index(int(np.argmax(np.abs(du))), du.shape)
    line = u[at[:axis] + (slice(None),) + at[axis + 1:]]
    slope = float(abs(du[at]))
    width = float(line.max() - line.min()) / (2.0 * slope) if slope > 0 else math.inf
    return float(fine[at[axis]]), width, slope


def gauss_coefficients(values: np.ndarray) -> np.ndarray:
    """Chebyshev coefficients of the interpolant of ``values`` given on the tensor grid of
    Chebyshev-Gauss nodes -cos(pi (k + 1/2) / n) (shape n_1 x .. x n_d; degrees n_i - 1)."""
    c = np.asarray(values, dtype=np.float64)
    for axis, n in enumerate(c.shape):
        z = -np.cos(np.pi * (np.arange(n) + 0.5) / n)
        v = np.asarray(vander(jnp.asarray(z), n - 1))  # (nodes, degrees)
        weight = np.full(n, 2.0 / n)
        weight[0] = 1.0 / n  # sum_k T_j(z_k) T_l(z_k) = n/2 delta_jl (n for j = l = 0)
        c = np.moveaxis(np.tensordot(v.T * weight[:, None], np.moveaxis(c, axis, 0), axes=1), 0, axis)
    return c
