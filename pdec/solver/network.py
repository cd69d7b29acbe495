"""The network of one stage: a small MLP over inputs normalized to [-1, 1].

Stage 1 is a plain tanh MLP. Later stages fit high-frequency residues, so their first hidden
layer is ``sin(W (kappa * f(z)) + b)`` with a per-axis scale ``kappa`` (Wang & Lai 2023, with
kappa applied per input axis), tanh after it, and a linear output layer.

``f`` is the identity or, with ``angle=True``, the Chebyshev angle variable
``t = 1 - 2 arccos(z) / pi``: residues of fits on Chebyshev points oscillate like Chebyshev
polynomials, i.e. fast near the ends in ``z`` but evenly in ``t``; a sine layer over ``t``
matches that (measured in ``bench/RESULTS.md``).

Parameters are a plain pytree: a tuple of ``(W, b)`` pairs, ``W`` of shape (fan_in, fan_out).
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp

Params = tuple[tuple[jax.Array, jax.Array], ...]


def init_stage(
    key: jax.Array,
    in_dim: int,
    widths: Sequence[int],
    out_dim: int = 1,
    sine_first: bool = False,
) -> Params:
    """Xavier-normal weights, zero biases; a sine first layer gets biases uniform in [-pi, pi]
    so that its units start at different phases (kappa is applied in ``apply``).
    """
    sizes = (in_dim, *widths, out_dim)
    keys = jax.random.split(key, 2 * (len(sizes) - 1))
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        std = jnp.sqrt(2.0 / (n_in + n_out))
        w = std * jax.random.normal(keys[2 * i], (n_in, n_out), dtype=jnp.float64)
        if i == 0 and sine_first:
            b = jax.random.uniform(keys[2 * i + 1], (n_out,), jnp.float64, -jnp.pi, jnp.pi)
        else:
            b = jnp.zeros((n_out,), dtype=jnp.float64)
        layers.append((w, b))
    return tuple(layers)


def features(z: jax.Array, angle: bool) -> jax.Array:
    """Input features of a sine stage: ``z`` itself or its Chebyshev angle ``t``."""
    if not angle:
        return z
    return 1.0 - (2.0 / jnp.pi) * jnp.arccos(jnp.clip(z, -1.0, 1.0))


def apply(
    params: Params,
    z: jax.Array,
    kappa: jax.Array | float = 1.0,
    sine_first: bool = False,
    angle: bool = False,
) -> jax.Array:
    """Evaluate the stage at normalized points ``z`` of shape (N, d); returns (N, out_dim)."""
    h = z
    (w0, b0), rest = params[0], params[1:]
    if sine_first:
        h = jnp.sin((features(h, angle) * kappa) @ w0 + b0)
    else:
        h = jnp.tanh(h @ w0 + b0)
    for w, b in rest[:-1]:
        h = jnp.tanh(h @ w + b)
    w, b = rest[-1]
    return h @ w + b


def count_parameters(params) -> int:
    """Number of trainable scalars in any pytree of arrays (one stage, or several with extras)."""
    return sum(int(jnp.size(leaf)) for leaf in jax.tree.leaves(params))
