"""Optimizers over a residual vector: ``residual(params) -> (M,)``, loss = mean(residual**2).

The residual form is what regression and PINN stages share: regression residuals are
``net(x_i) - target_i``; PINN residuals are equation and condition residuals, each block scaled
by the square root of its weight, concatenated. Every optimizer here runs its loop as jitted
``lax`` loops (Adam and LM in chunks of steps, so that progress shows and Ctrl-C is honoured
between chunks), so a stage costs one compilation and no Python per step.

- ``adam``: full-batch Adam, the usual warm start.
- ``lbfgs``: optax L-BFGS with a zoom line search (memory 50, ``initial_guess_strategy='one'``:
  the default 'keep' was measured ~70x worse here).
- ``levenberg_marquardt``: damped Gauss-Newton on the residual vector with a dense Jacobian.
  Stage networks have ~1e3 weights and ~1e3-1e4 residuals, so ``J^T J`` is small and a
  Cholesky solve per step is cheap; near a good fit it converges much faster than L-BFGS.

Each returns ``(params, OptResult)`` with the final loss and the number of iterations done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import optax
from jax.flatten_util import ravel_pytree

Residual = Callable[[Any], jax.Array]
Progress = Callable[[str, int, int, float], None]  # (phase, step, total steps, loss)
CHUNK = 100  # optimizer steps per jitted call, between progress reports


@dataclass(frozen=True)
class OptResult:
    """What one optimizer run did: final loss (mean square residual) and iterations taken."""

    loss: float
    iterations: int


def mse(residual: Residual, params: Any) -> jax.Array:
    """The loss that all optimizers minimize: mean of squared residuals."""
    r = residual(params)
    return jnp.mean(r * r)


def adam(residual: Callable, params: Any, steps: int, learning_rate: float = 1e-3,
         progress: Progress | None = None, batches: Callable[[int], Any] | None = None):
    """Full-batch Adam for ``steps`` steps with a fixed learning rate.

    Runs in jitted chunks of ``CHUNK`` steps (one compilation), so progress can be shown and
    Ctrl-C is honoured between chunks; the steps are the same as one loop's. With ``batches``,
    ``residual(params, batch)`` and chunk i trains on ``batches(i)`` (e.g. resampled points of
    the same shapes)."""
    opt = optax.adam(learning_rate)
    loss = (lambda p, b: mse(lambda q: residual(q, b), p)) if batches else (lambda p, b: mse(residual, p))  # noqa: E731
    grad = jax.grad(loss)

    @jax.jit
    def run(p, s, n, batch):
        def body(_, carry):
            p, s = carry
            u, s = opt.update(grad(p, batch), s, p)
            return optax.apply_updates(p, u), s

        p, s = jax.lax.fori_loop(0, n, body, (p, s))
        return p, s, loss(p, batch)

    p, s, value = params, opt.init(params), jnp.asarray(jnp.nan)
    done = 0
    while done < steps:
        n = min(CHUNK, steps - done)
        p, s, value = run(p, s, n, batches(done // CHUNK) if batches else None)
        done += n
        if progress is not None:
            progress("adam", done, steps, float(value))
    if steps == 0:
        value = loss(p, batches(0) if batches else None)
    return p, OptResult(float(value), steps)


def lbfgs(residual: Residual, params: Any, max_iter: int, memory: int = 50, tol: float = 0.0):
    """optax L-BFGS, whole loop in one ``lax.while_loop``; stops at ``max_iter`` or |g| <= tol."""
    loss_fn = lambda p: mse(residual, p)  # noqa: E731
    opt = optax.lbfgs(
        memory_size=memory,
        linesearch=optax.scale_by_zoom_linesearch(max_linesearch_steps=30, initial_guess_strategy="one"),
    )
    value_and_grad = optax.value_and_grad_from_state(loss_fn)

    @jax.jit
    def run(p):
        def cond(carry):
            _, s, it, gnorm = carry
            return (it < max_iter) & (gnorm > tol)

        def body(carry):
            p, s, it, _ = carry
            value, g = value_and_grad(p, state=s)
            u, s = opt.update(g, s, p, value=value, grad=g, value_fn=loss_fn)
            p = optax.apply_updates(p, u)
            return p, s, it + 1, optax.tree.norm(g)

        p, _, it, _ = jax.lax.while_loop(cond, body, (p, opt.init(p), 0, jnp.inf))
        return p, loss_fn(p), it

    p, loss, it = run(params)
    return p, OptResult(float(loss), int(it))


def levenberg_marquardt(
    residual: Residual,
    params: Any,
    max_iter: int,
    mu_init: float = 1e-3,
    min_rel_decrease: float = 0.0,
    patience: int = 20,
    jacobian: Callable[[Any], Any] | None = None,
    progress: Progress | None = None,
):
    """Levenberg-Marquardt on the residual vector, dense Jacobian, jitted while_loop chunks.

    Step: solve ``(J^T J + mu * s I) d = J^T r`` by Cholesky (``s`` = mean diagonal of J^T J, so
    ``mu`` is relative), accept when the loss falls. ``mu`` follows Nielsen's rule: shrink after
    good steps by up to 3x, double-and-growing after rejected ones. The Jacobian is recomputed
    only after an accepted step. ``jacobian(params)`` may supply the rows of J as a pytree like
    ``params`` with a leading axis M (e.g. per-point gradients by ``vmap(grad)``, far cheaper
    than a generic ``jacfwd`` when residual i depends on point i only). Stops after ``max_iter`` steps (accepted or not), or after
    ``patience`` steps in a row without a relative loss decrease above ``min_rel_decrease``.
    """
    theta0, unravel = ravel_pytree(params)
    r_of = lambda th: residual(unravel(th))  # noqa: E731
    m = r_of(theta0).shape[0]
    n = theta0.shape[0]
    # Forward mode needs n passes, reverse mode m: take the smaller.
    if jacobian is not None:
        jac = lambda th: jax.vmap(lambda row: ravel_pytree(row)[0])(jacobian(unravel(th)))  # noqa: E731
    else:
        jac = jax.jacfwd(r_of) if n <= m else jax.jacrev(r_of)

    def normal_eq(th):
        r = r_of(th)
        j = jac(th)
        return r, j.T @ j, j.T @ r

    @jax.jit
    def start(th):
        r, a, g = normal_eq(th)
        return dict(th=th, a=a, g=g, loss=jnp.dot(r, r), mu=jnp.asarray(mu_init), nu=jnp.asarray(2.0),
                    it=jnp.asarray(0), idle=jnp.asarray(0))

    @jax.jit
    def run(c0, stop):
        def cond(c):
            return (c["it"] < stop) & (c["idle"] < patience)

        def body(c):
            th, a, g, loss, mu, nu = c["th"], c["a"], c["g"], c["loss"], c["mu"], c["nu"]
            scale = jnp.mean(jnp.diag(a))
            chol = jnp.linalg.cholesky(a + (mu * scale) * jnp.eye(n))
            d = jax.scipy.linalg.cho_solve((chol, True), g)
            th_new = th - d
            r_new = r_of(th_new)
            loss_new = jnp.dot(r_new, r_new)
            predicted = jnp.dot(d, g) + jnp.dot(d, (mu * scale) * d)  # 2*(model decrease)
            rho = (loss - loss_new) / jnp.maximum(predicted, 1e-300)
            ok = jnp.isfinite(loss_new) & (loss_new < loss)
            gained = ok & (loss - loss_new > min_rel_decrease * loss)

            def accept(_):
                _, a2, g2 = normal_eq(th_new)
                mu2 = mu * jnp.maximum(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3)
                return th_new, a2, g2, loss_new, jnp.maximum(mu2, 1e-15), 2.0

            def reject(_):
                return th, a, g, loss, jnp.minimum(mu * nu, 1e10), nu * 2.0

            th, a, g, loss, mu, nu = jax.lax.cond(ok, accept, reject, None)
            return dict(th=th, a=a, g=g, loss=loss, mu=mu, nu=nu, it=c["it"] + 1,
                        idle=jnp.where(gained, 0, c["idle"] + 1))

        return jax.lax.while_loop(cond, body, c0)

    c = start(theta0)
    while int(c["it"]) < max_iter and int(c["idle"]) < patience:
        c = run(c, min(int(c["it"]) + CHUNK // 4, max_iter))
        if progress is not None:
            progress("lm", int(c["it"]), max_iter, float(c["loss"]) / m)
    return unravel(c["th"]), OptResult(float(c["loss"]) / m, int(c["it"]))


def pointwise(fn: Callable[[Any, jax.Array], jax.Array], points: jax.Array, weight: float = 1.0):
    """Residual vector and its Jacobian rows from a per-point residual ``fn(params, x) -> ()``.

    Returns ``(residual, jacobian)``: ``residual(params) -> (M,)`` and ``jacobian(params)`` the
    per-point gradients (a pytree like params with leading axis M), scaled by sqrt(weight).
    """
    w = jnp.sqrt(weight)
    residual = lambda p: w * jax.vmap(fn, (None, 0))(p, points)  # noqa: E731
    jacobian = lambda p: jax.tree.map(lambda g: w * g, jax.vmap(jax.grad(fn), (None, 0))(p, points))  # noqa: E731
    return residual, jacobian
