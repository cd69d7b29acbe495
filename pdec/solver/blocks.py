"""Residual blocks: the lowered residuals of a problem on their sample points.

A block is one equation, condition, periodicity or observation, evaluated on its own points.
The combined field of a multi-stage solve is `U + eps * v`: the frozen part `U` is evaluated
once per stage (its derivative values are cached in the block as `base`), and only the new
stage `v` is differentiated at every optimizer step. Derivatives are linear, so
D(U + eps v) = D(U) + eps D(v) exactly: the same lowered residual functions serve both.

Every block is pointwise: row i of its residual depends only on row i of its sites, cache and
data. So a block can be evaluated on all rows at once (`residual`) or on one row (`row`), which
gives cheap per-row Jacobians (`jax.vmap` of `jax.grad`) for least-squares optimizers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Mapping

import jax
import jax.numpy as jnp

from pdec.solver.derivatives import PointFn, derivative, evaluate_fields
from pdec.language.lowering import Lowered, LoweredResidual
from pdec.language.problem import Face, Interior, MultiIndex, Problem
from pdec.solver.sampling import (condition_count, domain_points, gauss_face, gauss_grid, location_points,
                                  periodic_pairs)

Array = jnp.ndarray
Key = tuple[str, MultiIndex]
Values = tuple[Mapping[Key, Array], ...]
# combine(sites, values, data, parameters) -> (M, k): k residuals per row, from values at each site
Combine = Callable[[tuple[Array, ...], Values, Array, Mapping[str, Array]], Array]


@dataclass(frozen=True)
class Block:
    """One residual term of the loss.

    `sites`: per evaluation site, the points (M, d) the derivatives are taken at (one site for
    most blocks, two for periodicity: the two ends); `needs`: the (field, multi-index) wanted
    at each site; `data`: per-row numbers the residual compares with (observations), (M, k) or
    (M, 0); `combine`: the pointwise residual; `base`: the cached values of the frozen stages.
    """

    name: str
    kind: str  # equation | gradient | condition | periodic | data
    sites: tuple[Array, ...]
    needs: tuple[Key, ...]
    combine: Combine
    data: Array
    base: Values | None = None
    affine: bool = True  # combine is affine in the values and the parameters together

    @property
    def size(self) -> int:
        return int(self.sites[0].shape[0])

    def with_base(self, fields: Mapping[str, PointFn]) -> "Block":
        """Cache the derivative values of `fields` (the frozen stages) at this block's points."""
        return replace(self, base=tuple(evaluate_fields(fields, pts, self.needs) for pts in self.sites))

    def start(self, parameters: Mapping[str, Array]) -> Array:
        """The residual of the frozen stages alone (the new stage at zero), flattened."""
        sites, base, data = self.rows()
        return self.combine(sites, base, data, parameters).reshape(-1)

    def residual(self, fields: Mapping[str, PointFn], scale: Mapping[str, float] | None,
                 parameters: Mapping[str, Array]) -> Array:
        """Residuals of `base + scale * D(fields)` on all rows; without a base, of `D(fields)`."""
        values = []
        for i, pts in enumerate(self.sites):
            new = evaluate_fields(fields, pts, self.needs)
            if self.base is not None:
                s = scale or {}
                new = {k: self.base[i][k] + s.get(k[0], 1.0) * v for k, v in new.items()}
            values.append(new)
        return self.combine(self.sites, tuple(values), self.data, parameters).reshape(-1)

    def rows(self):
        """The block's per-row inputs, as one pytree with a leading axis M (for `jax.vmap`)."""
        base = self.base if self.base is not None else tuple(
            {k: jnp.zeros(self.size) for k in self.needs} for _ in self.sites)
        return self.sites, base, self.data

    def row(self, row, fields: Mapping[str, PointFn], scale: Mapping[str, float],
            parameters: Mapping[str, Array]) -> Array:
        """The k residuals of one row (from `rows()` under vmap): same numbers as `residual`."""
        sites, base, data = row
        values = tuple(
            {k: (b[k] + scale.get(k[0], 1.0) * derivative(fields[k[0]], k[1])(pts))[None] for k in self.needs}
            for pts, b in zip(sites, base))
        one = tuple(p[None, :] for p in sites)
        return self.combine(one, values, data[None, :], parameters).reshape(-1)


# A block is a pytree (points, cache and data are leaves), so a jitted loss can take freshly
# sampled blocks of the same shapes as an argument without compiling again.
jax.tree_util.register_dataclass(Block, data_fields=["sites", "data", "base"],
                                 meta_fields=["name", "kind", "needs", "combine", "affine"])


def resampled(blocks: tuple[Block, ...], fresh: tuple[Block, ...]) -> tuple[Block, ...]:
    """`blocks` on the points of `fresh` (the same problem's blocks sampled with another key):
    the same combine functions, so the pytree structure, and compiled code, stay the same."""
    return tuple(replace(b, sites=f.sites, data=f.data, base=None) for b, f in zip(blocks, fresh))


def residual_block(name: str, lowered: LoweredResidual, points: Array) -> Block:
    """An equation or a condition on its points."""
    kind = "equation" if lowered.residual.kind == "equation" else "condition"

    def combine(sites, values, data, params):
        return lowered(sites[0], values[0], params)[:, None]

    return Block(name, kind, (points,), lowered.needs, combine, jnp.zeros((points.shape[0], 0)),
                 affine=lowered.affine)


def gradient_block(name: str, lowered: LoweredResidual, points: Array) -> Block:
    """gPINN: the derivatives of an equation's residual along every coordinate, d r / d x_j.

    By the chain rule d r/d x_j = (explicit x_j-dependence of r) + sum over its inputs D^a u of
    (d r / d D^a u) * D^(a + e_j) u: a forward-mode jvp of the lowered residual in the direction
    (e_j, the next-order derivative values). So the block needs every derivative one order up,
    and, like every block, is pointwise and linear in the stages' derivative values.
    """
    d = points.shape[1]
    up = lambda a, j: tuple(n + (i == j) for i, n in enumerate(a))  # noqa: E731
    needs = tuple(dict.fromkeys(lowered.needs + tuple((f, up(a, j)) for f, a in lowered.needs for j in range(d))))

    def combine(sites, values, data, params):
        pts, vals = sites[0], values[0]
        own = {k: vals[k] for k in lowered.needs}
        rows = []
        for j in range(d):
            direction = jnp.zeros_like(pts).at[:, j].set(1.0)
            tangent = {(f, a): vals[(f, up(a, j))] for f, a in lowered.needs}
            _, dr = jax.jvp(lambda p, v: lowered(p, v, params), (pts, own), (direction, tangent))
            rows.append(dr)
        return jnp.stack(rows, axis=1)

    return Block(name, "gradient", (points,), needs, combine, jnp.zeros((points.shape[0], 0)),
                 affine=lowered.affine)


def periodic_block(name: str, fields: tuple[str, ...], axis: int, order: int, dimension: int,
                   low_end: Array, high_end: Array) -> Block:
    """Each field and its derivatives along `axis` up to `order` agree at both ends."""
    needs = tuple((f, tuple(k if i == axis else 0 for i in range(dimension))) for f in fields
                  for k in range(order + 1))

    def combine(sites, values, data, params):
        return jnp.stack([values[0][key] - values[1][key] for key in needs], axis=1)

    return Block(name, "periodic", (low_end, high_end), needs, combine, jnp.zeros((low_end.shape[0], 0)))


def data_block(name: str, fields: tuple[str, ...], points: Array, values: Array) -> Block:
    """Observed values: u(x_i) - u_i for each observed field."""
    zero = (0,) * points.shape[1]
    needs = tuple((f, zero) for f in fields)

    def combine(sites, vals, data, params):
        return jnp.stack([vals[0][key] - data[:, j] for j, key in enumerate(needs)], axis=1)

    return Block(name, "data", (points,), needs, combine, jnp.asarray(values, dtype=jnp.float64))


def block_multipliers(blocks: tuple[Block, ...], params: Mapping[str, Array], gamma: float,
                      gpinn: float | None = None) -> list[float]:
    """Per-block factors m_b so that sum_b |m_b r_b|^2 = gamma (L_eq + w L_grad) + (1 - gamma) L_rest,

        L_group = mean over the group's blocks of (mean square of r_b) / S_group^2

    where S_group^2 is that mean at the start of the stage (new stage = 0), so each group's loss
    starts at 1, and w = `gpinn` weighs the gPINN residual gradients (group "gradient"). Each
    block counts by its mean, whatever its number of points (one point at each end of a 1D
    interval weighs as much as the whole interior). A group that starts at zero (homogeneous
    conditions at stage 1) is measured in the equations' or the conditions' unit.
    """
    residuals = [b.start(params) for b in blocks]
    start = [float(jnp.mean(r ** 2)) for r in residuals]
    groups: dict[str, list[int]] = {"equation": [], "gradient": [], "rest": []}
    for i, b in enumerate(blocks):
        groups[b.kind if b.kind in groups else "rest"].append(i)
    unit = {g: (sum(start[i] for i in idx) / len(idx) if idx else 0.0) for g, idx in groups.items()}
    fallback = max(unit["equation"], unit["rest"]) or 1.0
    unit = {g: u if u > 1e-300 else fallback for g, u in unit.items()}
    weight = {"equation": gamma, "gradient": gamma * (gpinn or 0.0), "rest": 1.0 - gamma}
    out = [0.0] * len(blocks)
    for g, idx in groups.items():
        for i in idx:
            out[i] = math.sqrt(weight[g] / (len(idx) * unit[g] * residuals[i].shape[0]))
    return out


def frozen_field(stages: tuple[PointFn, ...], scales: tuple[float, ...]) -> PointFn:
    """The sum of frozen stage functions, each times its scale: a field of one point."""

    def field(point: Array) -> Array:
        return sum((s * f(point) for f, s in zip(stages, scales)), jnp.zeros(()))

    return field


@dataclass(frozen=True)
class FrozenField:
    """The sum of one field's frozen stages as a function of one physical point (the same
    operations as `frozen_field` of each stage at its normalized point). A pytree, so that
    `derivatives.evaluate_fields` evaluates it in one compiled program: evaluated op by op,
    the frozen stages' derivatives took 29 of poisson2d's 53 s (cProfile, 2026-12-05)."""

    stages: tuple
    lower: Array
    upper: Array

    def __call__(self, point: Array) -> Array:
        z = 2.0 * (point[None, :] - self.lower) / (self.upper - self.lower) - 1.0
        return sum((1.0 * s(z)[0] for s in self.stages), jnp.zeros(()))


jax.tree_util.register_dataclass(FrozenField, data_fields=["stages", "lower", "upper"], meta_fields=[])


def problem_blocks(problem: Problem, lowered: Lowered, key: Array, n_interior: int,
                   n_face: int, gpinn: bool = False, grid: tuple[int, ...] | None = None,
                   stretches: tuple = ()) -> tuple[Block, ...]:
    """Every residual block of an equation problem, on freshly sampled points (with `gpinn`,
    also each equation's residual gradient on the interior points). With ``grid`` (nodes per
    axis, a box only) the interior and the faces take Chebyshev-Gauss grids instead
    (`sampling.gauss_grid`: a spectral stage's points, its axes stretched by ``stretches``)."""
    lo, hi, coords = problem.lower, problem.upper, problem.coordinate_names
    keys = iter(jax.random.split(key, 2 + len(lowered.equations) + len(lowered.conditions) + len(problem.periodic)))
    geometry = problem.geometry
    at = next(keys)
    interior = domain_points(at, lo, hi, n_interior, geometry) if grid is None else gauss_grid(lo, hi, grid, stretches)
    blocks = [residual_block(f"equation (line {r.residual.line})", r, interior) for r in lowered.equations]
    if gpinn:
        blocks += [gradient_block(f"gradient of equation (line {r.residual.line})", r, interior)
                   for r in lowered.equations]
    for r in lowered.conditions:
        where, at = r.residual.location, next(keys)
        pts = gauss_face(lo, hi, where, coords, grid, stretches) if grid is not None and isinstance(where, Face) else \
            gauss_grid(lo, hi, grid, stretches) if grid is not None and isinstance(where, Interior) else \
            location_points(at, lo, hi, where, coords, condition_count(geometry, where, n_face), geometry)
        blocks.append(residual_block(f"{r.residual.kind} {r.residual.location.label()} (line {r.residual.line})", r, pts))
    for p in problem.periodic:
        a, b = periodic_pairs(next(keys), lo, hi, p.coordinate, coords, n_face)
        blocks.append(periodic_block(f"periodic {p.coordinate} (line {p.line})", problem.field_names,
                                     coords.index(p.coordinate), p.order, len(coords), a, b))
    for o in problem.observations:
        blocks.append(data_block(f"observe {', '.join(o.fields)} (line {o.line})", o.fields,
                                 jnp.asarray(o.points), jnp.asarray(o.values)))
    return tuple(blocks)
