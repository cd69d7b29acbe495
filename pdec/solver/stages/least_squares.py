"""A stage fitted by linear least squares: drawn sine features, solved output layer.

The stage network has one hidden layer, ``sin(W (kappa * t) + b)`` over the Chebyshev angle t,
and a linear output. Its frequencies are drawn, not trained: ``W`` uniform in [-1, 1] per axis
with ``kappa`` the top of the residue's Chebyshev band (``spectrum.chebyshev_band``), so the
features cover the band evenly, and ``b`` uniform in [-pi, pi]. The residual of a fit is affine
in the output layer, so the best output layer is one linear least-squares solve. A band with
more modes than the features can fit is cut to its largest coefficients (``regression``).

Why (bench/RESULTS.md, 2D fit): a 3x30 sine network trained by Levenberg-Marquardt leaves ~1e-4
of its residue, as white noise no later stage fits; 3000 drawn features solved by least squares
leave ~1e-10 of it, in ~15 s. The dense LM step grows as points x weights^2, the solve here as
points x features^2 once, so a stage can be 100x wider.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax
import jax.numpy as jnp

from pdec.solver import features, lstsq, optimize
from pdec.solver.network import Params
from pdec.solver.stages.base import Fitted, StageKind, StageSetup



def solve_output_layer(residual: optimize.Residual, params: Params) -> tuple[Params, optimize.OptResult]:
    """The output layer that minimizes ``mean(residual(params)**2)``, the hidden layers kept.

    ``residual`` must be affine in the output layer (a fit; an equation that is linear in the
    field). The minimum-norm solution (SVD, singular values below float64 resolution dropped)
    keeps the coefficients small: drawn features are nearly dependent, and a solution that
    cancels large terms would lose digits between the sample points."""
    *hidden, (w, b) = params
    zero = (jnp.zeros_like(w), jnp.zeros_like(b))
    hidden = tuple(hidden)

    @jax.jit
    def system(hid):
        r = lambda last: residual((*hid, last))  # noqa: E731
        jw, jb = jax.jacfwd(r)(zero)
        m = jw.shape[0]
        return jnp.concatenate([jw.reshape(m, -1), jb.reshape(m, -1)], axis=1), r(zero)

    a, r0 = system(hidden)
    coef = lstsq.solve(a, -r0).x
    n_w = w.size
    last = (jnp.asarray(coef[:n_w].reshape(w.shape)), jnp.asarray(coef[n_w:].reshape(b.shape)))
    out = (*hidden, last)
    return out, optimize.OptResult(float(optimize.mse(residual, out)), 1)


@dataclass(frozen=True)
class LeastSquares(StageKind):
    """A stage of ``features`` drawn sine features, output layer solved: over the Chebyshev
    angle up to the residue's band, or (``band`` given) over z up to ``band`` on every axis.

    The `solver` options adam, iterations and width do not apply (nothing is trained; the
    feature count follows the residue). For fits only: an equation's residual is affine in the
    output layer only where the equation is linear in the fields."""

    features: int = 3000
    band: float | None = None  # None: the residue's Chebyshev band, over the angle; else this top
    # frequency on every axis (radians per unit of z), over z itself, at random points

    @property
    def sine(self) -> bool:
        return True

    @property
    def angle(self) -> bool:
        return self.band is None

    def init(self, key, in_dim, width_cap=None) -> Params:
        return features.draw(key, in_dim, min(self.features, width_cap or math.inf))

    def fit(self, setup: StageSetup, params, progress=None) -> Fitted:
        if progress is not None:
            progress("lstsq", 0, 1, float(optimize.mse(setup.residual, params)))
        params, res = solve_output_layer(setup.residual, params)
        if progress is not None:
            progress("lstsq", 1, 1, res.loss)
        return Fitted(params, res.loss, res.iterations)
