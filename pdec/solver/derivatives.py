"""Derivative values of any JAX-callable field, by forward-mode autodiff.

A field here is `f(point) -> scalar` for one point of shape (d,): a network, a sum of network
stages, a closed form. `derivative(f, alpha)` is again such a function; `evaluate` maps a set
of multi-indices over a batch of points. This is kept apart from the lowered residuals so the
solver can feed cached values for frozen stages into the same residual functions.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

import jax
import jax.numpy as jnp

from pdec.language.problem import MultiIndex

PointFn = Callable[[jnp.ndarray], jnp.ndarray]


def _directional(f: PointFn, axis: int) -> PointFn:
    """d f / d x_axis, as a function of one point (a single jvp with a unit tangent)."""

    def df(point: jnp.ndarray) -> jnp.ndarray:
        tangent = jnp.zeros_like(point).at[axis].set(1.0)
        return jax.jvp(f, (point,), (tangent,))[1]

    return df


def derivative(f: PointFn, alpha: MultiIndex) -> PointFn:
    """The mixed partial derivative of `f` with orders `alpha` (one per coordinate)."""
    for axis, order in enumerate(alpha):
        for _ in range(order):
            f = _directional(f, axis)
    return f


def evaluate_fields(fields: Mapping[str, PointFn], points: jnp.ndarray,
                    needs: Iterable[tuple[str, MultiIndex]]) -> dict[tuple[str, MultiIndex], jnp.ndarray]:
    """{(field, alpha): values (N,)} for every need, the form lowered residuals take. Fields
    that are pytrees (`blocks.FrozenField`) are evaluated in one compiled program per set of
    needs, shapes and stage structure; others (closures) op by op."""
    needs = tuple(needs)
    used = {name: fields[name] for name in dict.fromkeys(name for name, _ in needs)}
    if used and all(_is_pytree(f) for f in used.values()):
        return _compiled(used, points, needs)
    return _evaluate(fields, points, needs)


def _evaluate(fields, points, needs):
    return {(name, alpha): jax.vmap(derivative(fields[name], alpha))(points) for name, alpha in needs}


_compiled = jax.jit(_evaluate, static_argnums=2)


def _is_pytree(f) -> bool:
    """Whether ``f`` is a registered pytree with leaves (not a closure, which is one opaque leaf)."""
    leaves = jax.tree_util.tree_leaves(f)
    return not (len(leaves) == 1 and leaves[0] is f)
