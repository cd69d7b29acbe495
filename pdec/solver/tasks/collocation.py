"""The equation task's least-squares stages: features drawn over the residual's band, solved.

The equation task (`pdec.solver.tasks.equations`) prepares a collocation stage as any other (its
blocks on fresh points with the frozen stages cached, eps from the equation residual) and hands
it here: features for every field, the block weights, the problem in the stage's unknowns
(`pdec.solver.linearized`), solved by the stage kind (`pdec.solver.stages.collocation`).
"""

from __future__ import annotations

from dataclasses import replace

import jax
import jax.numpy as jnp
import numpy as np

from pdec.geometry import singular_points
from pdec.language.problem import Problem
from pdec.solver import keys, lstsq
from pdec.solver.blocks import block_multipliers
from pdec.solver.features import with_coefficients
from pdec.solver.linearized import Features, Linearized
from pdec.solver.singular import Singular
from pdec.solver.stages.collocation import Collocation, CollocationSetup, Enriched
from pdec.solver.tasks.base import Attempt

Array = jnp.ndarray

BAND_FACTOR = 2.0  # a stage's band: up to this times the dominant frequency (at least the first band)
GAMMA = 0.5  # the equation rows' weight against the conditions' (each group normalized to 1)
UNDER_FIT = 1e-6  # a stage 1 whose loss (1 at its start) stays above this misses its own points


def band(kind: Collocation, kappa: Array, k: int) -> Array:
    """The top feature frequency per axis of stage k: BAND_FACTOR times ``kappa`` (2 pi f per
    axis: at stage 1 the data's dominant frequency, `scales.data_kappa`; later the
    residual's, unless the kind keeps its band: ``follow`` off), at least the kind's first band."""
    if k > 1 and not kind.follow:
        return jnp.full(kappa.shape, kind.band)
    return jnp.maximum(BAND_FACTOR * kappa, kind.band)


def observed_start(lin: Linearized) -> np.ndarray | None:
    """Where a nonlinear stage 1 with observations starts: the observed fields fitted to their
    observations alone (one least-squares solve; the other fields and corrections at zero, the
    least-norm solution). None where the problem is affine or every field is observed (there
    the parameters start from the observations, `pdec.solver.data_start`, and the fields at zero
    as they always have).

    Why: at zero fields a product of unknown fields linearizes to nothing (HInv's a lap(u): both
    a and u are zero), so Gauss-Newton's first step leaves the conductivity free and no halving
    of it lowers the loss (problems/hinv.pde: no step taken, rel L2 1.0)."""
    data = tuple(i for i, b in enumerate(lin.blocks) if b.kind == "data")
    observed = {f for i in data for f, _ in lin.blocks[i].needs}
    if lin.affine or not data or observed >= set(lin.fields):
        return None
    part = replace(lin, blocks=tuple(lin.blocks[i] for i in data), multipliers=tuple(lin.multipliers[i] for i in data))
    a, r = (np.asarray(v) for v in part.system(np.zeros(part.size)))
    return lstsq.solve(a, -r).x


def singular_functions(problem: Problem) -> Singular | None:
    """The singular functions of a plane shaped domain with holes or re-entrant corners
    (`pdec.solver.singular`), None elsewhere: boxes, 3D shapes, and shapes with further
    coordinates (time), whose solutions are not functions of the plane alone."""
    g = problem.geometry
    if g is None or g.dim != 2 or problem.dimension != 2:
        return None
    found_poles, found_corners = singular_points.poles(g), singular_points.corners(g)
    if not found_poles and not found_corners:
        return None
    return Singular(jnp.asarray(found_poles, jnp.float64).reshape(-1, 3),
                    jnp.asarray(found_corners, jnp.float64).reshape(-1, 4), jnp.float64(g.diameter), tuple(g.axes))


def attempt(setup, kind: Collocation, key: jax.Array, k: int, fields: tuple[str, ...], lower: Array,
            upper: Array, gamma: float | None, gpinn: float | None, progress,
            singular: Singular | None = None) -> Attempt:
    """Draw every field's features, weigh the blocks, solve; the stage's networks (with the
    coefficients of ``singular``'s functions beside them, where given) and parameter
    corrections as the attempt's theta (the same form a trained stage's has)."""
    d = int(lower.shape[0])
    nets = {n: kind.init(keys.equation_network(key, k, i), d) for i, n in enumerate(fields)}
    params = setup.parameters
    gamma = GAMMA if gamma is None else gamma
    multipliers = tuple(block_multipliers(setup.blocks, params, gamma, gpinn))
    sines = int(nets[fields[0]][0][0].shape[1]) + 1
    width = sines + (0 if singular is None else singular.size)
    lin = Linearized(setup.blocks, multipliers, Features(nets, setup.kappa, lower, upper, singular), float(setup.eps),
                     fields, params, width)
    start = observed_start(lin) if k == 1 else None
    fitted = kind.fit(CollocationSetup(setup.eps, setup.kappa, setup.points, None, linearized=lin, start=start),
                      None, progress)
    solve = fitted.params
    coef, dp = lin.split(jnp.asarray(solve.x))
    stages = {n: with_coefficients(nets[n], coef[n][:sines]) for n in fields}
    if singular is not None:
        stages = {n: Enriched(stages[n], singular, np.asarray(coef[n][sines:]), np.asarray(lower), np.asarray(upper))
                  for n in fields}
    theta = (stages, dict(dp))
    figures = {"gamma": float(gamma), "condition": solve.condition,
               "under_fit": float(k == 1 and not fitted.loss <= UNDER_FIT)}
    return Attempt(theta, fitted.loss, fitted.iterations, figures)

