"""The result of a solve: fields as sums of frozen stage networks, callable on physical points.

    u(x) = sum_k eps_k * net_k(z),   z = 2 (x - lower) / (upper - lower) - 1

``Stage`` and ``Solution`` are immutable; ``Stage`` is a JAX pytree (params, eps and kappa are
leaves; the activation flags are static), so evaluation is one jitted function of all stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp

from pdec import network


@dataclass(frozen=True)
class Stage:
    """One frozen stage: its network parameters, output scale eps and input scale kappa."""

    params: network.Params
    eps: jax.Array
    kappa: jax.Array  # (d,) per input axis
    sine_first: bool = False
    angle: bool = False

    def __call__(self, z: jax.Array) -> jax.Array:
        """eps * net(z) at normalized points z (N, d) -> (N,)."""
        out = network.apply(self.params, z, self.kappa, self.sine_first, self.angle)
        return self.eps * out[:, 0]


jax.tree_util.register_dataclass(
    Stage, data_fields=["params", "eps", "kappa"], meta_fields=["sine_first", "angle"]
)


def normalize(points: jax.Array, lower: jax.Array, upper: jax.Array) -> jax.Array:
    """Map the box [lower, upper] to [-1, 1]^d."""
    return 2.0 * (points - lower) / (upper - lower) - 1.0


def sum_stages(stages: tuple[Stage, ...], z: jax.Array) -> jax.Array:
    """The field: the sum of all stages at normalized points z, from stage 1 on."""
    total = jnp.zeros(z.shape[0], dtype=jnp.float64)
    for stage in stages:
        total = total + stage(z)
    return total


@jax.jit
def _evaluate(fields, lower, upper, points):
    z = normalize(points, lower, upper)
    return jnp.stack([sum_stages(stages, z) for stages in fields], axis=1)


@dataclass(frozen=True)
class Solution:
    """Fields on a box, each a sum of stages. ``solution(points (N, d))`` -> (N,) or (N, n_fields).

    ``stages``: per field (declared order), its tuple of ``Stage``; ``report``: the per-stage
    records of the solve (``multistage.StageRecord``); ``parameters``: inferred scalar
    parameters by name (none for regression).
    """

    lower: jax.Array
    upper: jax.Array
    field_names: tuple[str, ...]
    stages: tuple[tuple[Stage, ...], ...]
    report: tuple[Any, ...] = ()
    parameters: dict[str, float] = field(default_factory=dict)

    def __call__(self, points) -> jax.Array:
        pts = jnp.asarray(points, dtype=jnp.float64)
        if pts.ndim == 1:
            pts = pts[:, None]
        out = _evaluate(self.stages, self.lower, self.upper, pts)
        return out[:, 0] if len(self.field_names) == 1 else out

    def field_stages(self, name: str) -> tuple[Stage, ...]:
        """The stages of one field."""
        return self.stages[self.field_names.index(name)]
