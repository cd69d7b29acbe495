"""Automatic gamma: the weight of the equation loss against the condition and data losses.

The stage loss is  gamma * L_eq + (1 - gamma) * L_rest,  each part normalized to 1 at the start
of the stage. A short trial run with gamma = 1/2 measures how fast each part falls (log-decrease
per step, r_eq and r_rest). Under gradient descent a part's rate scales with its weight, so the
rates match when gamma * r_eq = (1 - gamma) * r_rest, that is

    gamma = r_rest / (r_eq + r_rest):

the part that falls more slowly gets the larger weight (the paper's Algorithm 3 idea: balance
the convergence rates, so neither the boundary data nor the equation is drowned by the other).
"""

from __future__ import annotations

import math
from typing import Any, Callable

import jax
import jax.numpy as jnp
import optax

# The trial-rate rule can ask for extremes; at 0.99 the data of oscillator_inverse.pde (1% of the
# loss) lost to the trivial solution u = v = w = 0 (rel L2 1.0), at 0.9 it gave w to 1e-8.
GAMMA_MIN, GAMMA_MAX = 0.1, 0.9


def balance(rate_equation: float, rate_rest: float) -> float:
    """gamma that equalizes two measured log-decrease rates, within [GAMMA_MIN, GAMMA_MAX]."""
    tiny = 1e-12
    re, rr = max(rate_equation, tiny), max(rate_rest, tiny)
    return min(GAMMA_MAX, max(GAMMA_MIN, rr / (re + rr)))


def trial_rates(make: Callable[[float], Callable[[Any], jax.Array]], theta: Any, steps: int,
                learning_rate: float = 1e-3) -> tuple[float, float]:
    """Log-decrease per step of the equation part and of the rest under Adam with gamma = 1/2."""
    r_eq, r_rest = make(1.0), make(0.0)
    parts = lambda th: (jnp.sum(r_eq(th) ** 2), jnp.sum(r_rest(th) ** 2))  # noqa: E731
    loss = lambda th: 0.5 * sum(parts(th))  # noqa: E731
    opt = optax.adam(learning_rate)

    @jax.jit
    def run(th):
        def body(_, carry):
            th, state = carry
            g = jax.grad(loss)(th)
            updates, state = opt.update(g, state, th)
            return optax.apply_updates(th, updates), state

        start = parts(th)
        th, _ = jax.lax.fori_loop(0, steps, body, (th, opt.init(th)))
        return start, parts(th)

    (e0, c0), (e1, c1) = run(theta)
    rate = lambda a, b: math.log(max(float(a), 1e-300) / max(float(b), 1e-300)) / steps  # noqa: E731
    return rate(e0, e1), rate(c0, c1)


def choose_gamma(make, theta, blocks, steps: int) -> float:
    """gamma for this stage: 1 without condition or data blocks, else from a trial run."""
    if all(b.kind in ("equation", "gradient") for b in blocks):
        return 1.0
    return balance(*trial_rates(make, theta, steps))
