"""The result of a solve: fields as sums of frozen stage networks, callable on physical points.

    u(x) = sum_k eps_k * net_k(z),   z = 2 (x - lower) / (upper - lower) - 1

``Stage`` and ``Solution`` are immutable; ``Stage`` is a JAX pytree (params, eps and kappa are
leaves; the activation flags are static), so evaluation is one jitted function of all stages.

A solution is evaluated in batches of ``BATCH`` points, the last one padded to the same shape:
memory stays bounded for any number of points, there is one compilation, and a point's value does
not depend on how many other points share the call (XLA's CPU code computes the last rows of an
odd-sized array through a different path, which can change the last bit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np

from pdec.geometry.domain import Geometry
from pdec.solver import chebyshev, network, singular
from pdec.errors import PdecError
from pdec.records import ParameterStart, StageRecord, final_estimate, last_kept

BATCH = 2**16  # points per jitted call: (BATCH, 30) float64 activations are 15 MB
LANES = 8  # rows per padded call are a multiple of this (see Solution.evaluate)


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


@dataclass(frozen=True)
class ChebyshevStage:
    """One frozen spectral stage: ``eps * sum_J c_J prod_i T_{j_i}(z_i)`` over the normalized
    box (`pdec.solver.chebyshev`; ``coefficients`` of shape (n_1 + 1, .., n_d + 1)), each axis
    stretched or not (``stretches``: a `chebyshev.Stretch` or None per axis; empty: none)."""

    coefficients: jax.Array
    eps: jax.Array
    stretches: tuple = ()

    def __call__(self, z: jax.Array) -> jax.Array:
        return self.eps * chebyshev.values(self.coefficients, z, self.stretches)


jax.tree_util.register_dataclass(ChebyshevStage, data_fields=["coefficients", "eps", "stretches"], meta_fields=[])


@dataclass(frozen=True)
class SingularStage:
    """A collocation stage with singular functions beside its network (`pdec.solver.singular`:
    a shaped domain's holes and re-entrant corners): ``net(z) + net.eps * sum_i c_i psi_i(x)``,
    x the physical point of z on the box [lower, upper]."""

    net: Stage
    functions: singular.Singular
    coefficients: jax.Array
    lower: jax.Array
    upper: jax.Array

    def __call__(self, z: jax.Array) -> jax.Array:
        x = self.lower + (z + 1.0) * (self.upper - self.lower) / 2.0
        return self.net(z) + self.net.eps * (self.functions(x) @ self.coefficients)


jax.tree_util.register_dataclass(SingularStage, data_fields=["net", "functions", "coefficients", "lower", "upper"],
                                 meta_fields=[])


def normalize(points: jax.Array, lower: jax.Array, upper: jax.Array) -> jax.Array:
    """Map the box [lower, upper] to [-1, 1]^d."""
    return 2.0 * (points - lower) / (upper - lower) - 1.0


def sum_stages(stages: tuple[Stage | ChebyshevStage | SingularStage, ...], z: jax.Array) -> jax.Array:
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
    records of the solve (``pdec.records.StageRecord``); ``parameters``: inferred scalar
    parameters by name (none for regression); ``start``: where they started (the guesses, the
    start from the observations, what the observations cannot pin). ``estimated_error`` and
    ``estimated_errors``: the solve's own estimate of its relative error (`pdec.solver.estimate`).
    """

    lower: jax.Array
    upper: jax.Array
    field_names: tuple[str, ...]
    stages: tuple[tuple[Stage, ...], ...]
    report: tuple[StageRecord, ...] = ()
    parameters: dict[str, float] = field(default_factory=dict)
    coordinate_names: tuple[str, ...] = ()  # the box's axes in order; () when not known
    start: ParameterStart | None = None  # where an equation solve's parameters started
    geometry: Geometry | None = None  # the shaped domain it was solved on; None: the box

    @property
    def estimated_error(self) -> float:
        """The estimated relative L2 error of all fields together (the largest over a fit's
        fields), from the problem alone; NaN where nothing was estimated."""
        runs = {r.fields for r in self.report}
        values = [final_estimate([r for r in self.report if r.fields == run]) for run in runs]
        return max(values) if values else float("nan")

    @property
    def estimated_errors(self) -> dict[str, float]:
        """The estimated relative error of each field and inferred parameter (the last kept
        stage's; a fit's field: its run's estimate)."""
        out: dict[str, float] = {}
        for run in dict.fromkeys(r.fields for r in self.report):
            last = last_kept(self.report, run)
            if last is not None:
                out |= dict(last.estimates) or {n: final_estimate([r for r in self.report if r.fields == run])
                                                 for n in run}
        return out

    def inside(self, points) -> np.ndarray:
        """Whether each point (N, d) lies in the domain solved on (the box, or the shape in it)."""
        pts = np.atleast_2d(np.asarray(points, dtype=np.float64))
        lo, hi = np.asarray(self.lower), np.asarray(self.upper)
        tol = 1e-12 * (hi - lo)
        mask = np.all((pts >= lo - tol) & (pts <= hi + tol), axis=1)
        return mask & self.geometry.contains(pts, 1e-12) if self.geometry is not None else mask

    def __call__(self, points) -> jax.Array:
        """The fields at `points` (N, d) (or (N,) in 1D): (N,) for one field, else (N, n_fields)."""
        return self.evaluate(points)

    def evaluate(self, points, batch: int = BATCH) -> jax.Array:
        """The fields at `points` (N, d), or (N,) in 1D.

        Traced points (under `jax.grad`, `jit`, `vmap`) go through one jitted call, so the
        solution is differentiable. Concrete points are computed `batch` per call (the last
        batch padded: one compilation), so memory stays bounded on millions of points.
        """
        pts = points if isinstance(points, jax.Array) else np.asarray(points, dtype=np.float64)
        if pts.ndim == 1:
            pts = pts[:, None]
        d = int(np.shape(self.lower)[0])
        if pts.ndim != 2 or pts.shape[1] != d:
            raise PdecError(f"points of shape {pts.shape} for a solution on a {d}-dimensional box",
                            hint=f"pass an array of shape (N, {d})", filename="solution")
        n = pts.shape[0]
        if isinstance(pts, jax.core.Tracer):
            values = _evaluate(self.stages, self.lower, self.upper, pts)
        else:
            # XLA's vector loops may round the last few rows of an array differently; padding
            # every call to a multiple of LANES rows gives each point the same value whatever
            # else is evaluated with it (measured: bit-identical across batch sizes).
            host = np.asarray(pts)
            out = np.empty((n, len(self.field_names)), dtype=np.float64)
            for start in range(0, n, batch):
                chunk = host[start:start + batch]
                size = chunk.shape[0]
                padded = batch if n > batch else -(-size // LANES) * LANES
                if size < padded:
                    chunk = np.concatenate([chunk, np.broadcast_to(chunk[-1:], (padded - size, d))])
                out[start:start + size] = np.asarray(_evaluate(self.stages, self.lower, self.upper, chunk))[:size]
            values = jnp.asarray(out)
        return values[:, 0] if len(self.field_names) == 1 else values

    def field_stages(self, name: str) -> tuple[Stage, ...]:
        """The stages of one field."""
        return self.stages[self.field_names.index(name)]
