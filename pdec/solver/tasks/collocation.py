"""The equation task's least-squares stages: features drawn over the residual's band, solved.

The equation task (`pdec.solver.tasks.equations`) prepares a collocation stage as any other (its
blocks on fresh points with the frozen stages cached, eps from the equation residual) and hands
it here: features for every field, the block weights, the problem in the stage's unknowns
(`pdec.solver.linearized`), solved by the stage kind (`pdec.solver.stages.collocation`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from pdec.solver import keys
from pdec.solver.blocks import block_multipliers
from pdec.solver.features import with_coefficients
from pdec.solver.linearized import Features, Linearized
from pdec.solver.stages.collocation import Collocation, CollocationSetup
from pdec.solver.tasks.base import Attempt

Array = jnp.ndarray

BAND_FACTOR = 2.0  # a stage's band: up to this times the dominant frequency (at least the first band)
GAMMA = 0.5  # the equation rows' weight against the conditions' (each group normalized to 1)
UNDER_FIT = 1e-6  # a stage 1 whose loss (1 at its start) stays above this misses its own points


def band(kind: Collocation, kappa: Array, k: int) -> Array:
    """The top feature frequency per axis of stage k: BAND_FACTOR times ``kappa`` (2 pi f per
    axis: at stage 1 the data's dominant frequency, `equations.data_kappa`; later the
    residual's, unless the kind keeps its band: ``follow`` off), at least the kind's first band."""
    if k > 1 and not kind.follow:
        return jnp.full(kappa.shape, kind.band)
    return jnp.maximum(BAND_FACTOR * kappa, kind.band)


def attempt(setup, kind: Collocation, key: jax.Array, k: int, fields: tuple[str, ...], lower: Array,
            upper: Array, gamma: float | None, gpinn: float | None, progress) -> Attempt:
    """Draw every field's features, weigh the blocks, solve; the stage's networks and parameter
    corrections as the attempt's theta (the same form a trained stage's has)."""
    d = int(lower.shape[0])
    nets = {n: kind.init(keys.equation_network(key, k, i), d) for i, n in enumerate(fields)}
    params = setup.parameters
    gamma = GAMMA if gamma is None else gamma
    multipliers = tuple(block_multipliers(setup.blocks, params, gamma, gpinn))
    width = int(nets[fields[0]][0][0].shape[1]) + 1
    lin = Linearized(setup.blocks, multipliers, Features(nets, setup.kappa, lower, upper), float(setup.eps), fields, params, width)
    fitted = kind.fit(CollocationSetup(setup.eps, setup.kappa, setup.points, None, linearized=lin), None, progress)
    solve = fitted.params
    coef, dp = lin.split(jnp.asarray(solve.x))
    theta = ({n: with_coefficients(nets[n], coef[n]) for n in fields}, dict(dp))
    figures = {"gamma": float(gamma), "condition": solve.condition,
               "under_fit": float(k == 1 and not fitted.loss <= UNDER_FIT)}
    return Attempt(theta, fitted.loss, fitted.iterations, figures)

