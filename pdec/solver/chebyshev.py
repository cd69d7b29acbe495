"""Tensor Chebyshev polynomials over the normalized box, with exact derivatives of any order.

A spectral stage (`pdec.solver.stages.spectral`) is ``sum_J c_J prod_i T_{j_i}(z_i)`` over
``z = normalize(x)`` in [-1, 1]^d. Values and derivatives come from the three-term recurrences

    T_{n+1} = 2 z T_n - T_{n-1},    D^k T_{n+1} = 2 k D^{k-1} T_n + 2 z D^k T_n - D^k T_{n-1},

which are polynomial in z (no arccos: its derivative is infinite at the box's ends), so JAX's
autodiff through `values` is exact too. Imports nothing of pdec: the saved solution evaluates it.
"""

from __future__ import annotations

import math

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


def basis(z: Array, degrees: tuple[int, ...], alpha: tuple[int, ...], scale: Array) -> Array:
    """D^alpha (in x, ``scale[i] = dz_i / dx_i``) of every tensor polynomial at z (M, d):
    shape (M, prod(degrees + 1)), the first axis's degree slowest."""
    out = None
    for i, (n, a) in enumerate(zip(degrees, alpha)):
        v = vander(z[:, i], n, a) * scale[i] ** a
        out = v if out is None else (out[:, :, None] * v[:, None, :]).reshape(z.shape[0], -1)
    return out


def values(coefficients: Array, z: Array) -> Array:
    """sum_J c_J prod_i T_{j_i}(z_i) at z (M, d), for ``coefficients`` of shape (n_1+1, .., n_d+1)."""
    c = coefficients
    for i in range(z.shape[1]):
        v = vander(z[:, i], coefficients.shape[i] - 1)
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
