"""Singular features: the functions a domain's holes and re-entrant corners call for.

Global sine features resolve a function only as far as its nearest singularity allows: a
harmonic function outside a disk hole continues into the hole and is singular at its centre
(potential flow past a cylinder: x (1 + R^2 / r^2)), and a re-entrant corner of opening omega
gives r^(pi / omega) sin(pi theta / omega) (the L-shape: r^(2/3)). Sine features of band K
reach about exp(-K d) at a distance d from the singularity (bench/RESULTS.md, shaped domains),
and do not converge at a corner at all. The classical remedy is to add the singular functions
themselves to the basis (as the method of particular solutions and enriched finite elements do):

- a pole (a disk hole's centre c, radius R): log(r / R) and (R / r)^n cos(n phi), (R / r)^n sin(n
  phi) for n = 1 .. ``order`` (every harmonic function outside the disk is their sum plus one
  harmonic inside a larger disk);
- a corner (vertex v, interior bisector direction beta, opening omega > pi): (r / D)^(k pi / omega)
  times sin and cos of k pi theta / omega, theta in [0, omega] from one edge, k = 1 .. ``terms``.

They are ordinary columns of a collocation stage's least-squares matrix (their derivatives by
autodiff); a stage keeps their coefficients beside its network (`pdec.solution.SingularStage`).
This module evaluates them and imports nothing of pdec (a saved solution evaluates it).
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp

TINY = 1e-12  # relative to the scale: a point this close to a singular point gets zeros there


@dataclass(frozen=True)
class Singular:
    """The singular functions of one shaped domain, on the coordinates at ``axes`` (positions in
    the problem's coordinates; two: the plane of the shape).

    ``poles``: (P, 3) rows (cx, cy, R); ``corners``: (C, 4) rows (vx, vy, beta, omega); ``scale``:
    the domain's diameter (corner functions are (r / scale)^lambda, at most 1)."""

    poles: jax.Array
    corners: jax.Array
    scale: jax.Array
    axes: tuple[int, ...] = (0, 1)
    order: int = 12
    terms: int = 6

    @property
    def size(self) -> int:
        """The number of functions (columns)."""
        return int(self.poles.shape[0]) * (2 * self.order + 1) + int(self.corners.shape[0]) * 2 * self.terms

    def __call__(self, points: jax.Array) -> jax.Array:
        """Every function at physical points (M, d): (M, size)."""
        xy = points[:, list(self.axes)]
        cols = [_pole(xy, p, self.order) for p in self.poles] + \
               [_corner(xy, c, self.terms, self.scale) for c in self.corners]
        return jnp.concatenate(cols, axis=1) if cols else jnp.zeros((points.shape[0], 0))


def _safe_polar(d: jax.Array, tiny: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
    """(r, near, unit direction) of offsets d (M, 2); where r is below ``tiny`` (``near``) the
    offset is replaced by (1, 0), so values and derivatives stay finite at the singular point
    itself (the callers put zeros there)."""
    r2 = jnp.sum(d * d, axis=1)
    near = r2 <= tiny * tiny
    safe = jnp.where(near[:, None], jnp.array([1.0, 0.0]), d)
    r = jnp.sqrt(jnp.sum(safe * safe, axis=1))
    return r, near, safe / r[:, None]


def _pole(xy: jax.Array, pole: jax.Array, order: int) -> jax.Array:
    r, near, unit = _safe_polar(xy - pole[:2], TINY * pole[2])
    z = (unit[:, 0] + 1j * unit[:, 1]) * (pole[2] / r)  # (R / r) e^{i phi}
    powers = jnp.cumprod(jnp.repeat(z[:, None], order, axis=1), axis=1)
    cols = jnp.concatenate([jnp.log(r / pole[2])[:, None], powers.real, powers.imag], axis=1)
    return jnp.where(near[:, None], 0.0, cols)


def _corner(xy: jax.Array, corner: jax.Array, terms: int, scale: jax.Array) -> jax.Array:
    beta, omega = corner[2], corner[3]
    r, near, unit = _safe_polar(xy - corner[:2], TINY * scale)
    cos_b, sin_b = jnp.cos(beta), jnp.sin(beta)  # theta from the bisector, cut on the far side
    theta = jnp.arctan2(unit[:, 1] * cos_b - unit[:, 0] * sin_b, unit[:, 0] * cos_b + unit[:, 1] * sin_b) + omega / 2
    k = jnp.arange(1, terms + 1) * jnp.pi / omega
    radial = (r[:, None] / scale) ** k
    cols = jnp.concatenate([radial * jnp.sin(k * theta[:, None]), radial * jnp.cos(k * theta[:, None])], axis=1)
    return jnp.where(near[:, None], 0.0, cols)


jax.tree_util.register_dataclass(Singular, data_fields=["poles", "corners", "scale"],
                                 meta_fields=["axes", "order", "terms"])
