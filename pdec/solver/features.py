"""Drawn sine features over the normalized coordinates, and their exact derivatives.

A least-squares stage of an equation (`pdec.solver.stages.collocation`) is one hidden layer

    v(x) = sum_j c_j sin(theta_j(x)) + c_0,    theta_j(x) = sum_i kappa_i W_ij z_i + b_j,

over ``z = normalize(x)`` in [-1, 1]^d: a `pdec.solution.Stage` with ``sine_first`` and no
angle input, so a solution evaluates, saves and loads it as any other stage. Unlike the angle
variable of fits, whose derivatives are infinite at the box's ends, ``theta`` is linear in x, so
every derivative is bounded and exact in closed form:

    D^alpha sin(theta_j) = prod_i a_ij^alpha_i * sin(theta_j + |alpha| pi / 2),
    a_ij = kappa_i W_ij * 2 / (upper_i - lower_i).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from pdec.language.problem import MultiIndex
from pdec.solution import normalize
from pdec.solver.network import Params

Array = jnp.ndarray


def draw(key: jax.Array, in_dim: int, width: int) -> Params:
    """``width`` features: W uniform in [-1, 1] per axis (kappa scales it to the band), b uniform
    in [-pi, pi]; a zero output layer (the solve sets it). Least-squares stages of fits
    (`stages.least_squares`, over the Chebyshev angle) and of equations draw them alike."""
    kw, kb = jax.random.split(key)
    w = jax.random.uniform(kw, (in_dim, width), jnp.float64, -1.0, 1.0)
    b = jax.random.uniform(kb, (width,), jnp.float64, -jnp.pi, jnp.pi)
    return ((w, b), (jnp.zeros((width, 1), jnp.float64), jnp.zeros((1,), jnp.float64)))


def matrix(params: Params, kappa: Array, lower: Array, upper: Array, points: Array, alpha: MultiIndex) -> Array:
    """D^alpha of every feature and of the constant at ``points`` (M, d): shape (M, width + 1),
    the constant's column last (1 for alpha = 0, else 0)."""
    (w, b), _ = params
    rate = (kappa * 2.0 / (upper - lower))[:, None] * w  # a_ij = d theta_j / d x_i
    theta = (normalize(points, lower, upper) * kappa) @ w + b
    order = sum(alpha)
    factor = jnp.prod(jnp.stack([rate[i] ** n for i, n in enumerate(alpha)]), axis=0) if order else 1.0
    values = factor * jnp.sin(theta + order * math.pi / 2.0)
    constant = jnp.full((points.shape[0], 1), 1.0 if order == 0 else 0.0)
    return jnp.concatenate([values, constant], axis=1)


def with_coefficients(params: Params, coefficients: Array) -> Params:
    """The stage network with output layer ``coefficients`` (width + 1: the constant last)."""
    (w, b), _ = params
    c = jnp.asarray(coefficients, jnp.float64)
    return ((w, b), (c[:-1, None], c[-1:]))
