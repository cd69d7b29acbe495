"""A fit's spectral stage: the residue interpolated by a tensor Chebyshev series.

A closed-form target on a box can be evaluated anywhere, so a stage need not solve for its
coefficients: the residue on a tensor grid of Chebyshev-Gauss nodes gives them by one
transform per axis (the nodes' discrete orthogonality, ``V^T V`` diagonal), with no matrix
and no rank to cut. The degrees grow as a `Spectral` stage's do (`Spectral.grown`) until the
coefficient tail along every axis is below ``resolved``. The stage freezes as a
`pdec.solution.ChebyshevStage`.

Why (bench/RESULTS.md, fit3d.pde): from 3D on a fit's stages are drawn sine features at a fixed
band solved by least squares, whose solve is cut at rank ~1e-13 and whose coefficients cancel
between the random points: sin(x + 2y) cos(z) + 0.3 x z stops at 8e-13 .. 2.2e-12 (seeds 0..2),
and a second such stage gains nothing (it fits only 70-90% of that residue). The residue of
those features is entire (frequencies up to the band), so its Chebyshev series converges
geometrically and a grid of ~25 nodes per axis holds it to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import jax.numpy as jnp
import numpy as np

from pdec.solution import ChebyshevStage
from pdec.solver import chebyshev
from pdec.solver.stages.base import Fitted, StageKind, StageSetup
from pdec.solver.stages.spectral import Spectral

GridValues = Callable[[tuple[int, ...]], np.ndarray]  # nodes per axis -> residue there, that shape


@dataclass(frozen=True)
class InterpolationSetup(StageSetup):
    """A setup that also gives the scaled residue on the Gauss grid of any node counts."""

    values: GridValues | None = None


@dataclass(frozen=True)
class Interpolation(StageKind):
    """A tensor Chebyshev series through the residue at Chebyshev-Gauss nodes, degrees grown
    from ``start`` per axis (by at most ``growth``) until every axis's coefficient tail is below
    ``resolved`` or the series would have more than ``unknowns`` coefficients. Fits of a
    closed form on a box only (data cannot be evaluated at the nodes)."""

    start: int = 16
    unknowns: int = 120_000
    growth: float = 1.6
    resolved: float = 1e-14

    sine = property(lambda self: False)
    angle = property(lambda self: False)

    def init(self, key, in_dim, width_cap=None):
        return None  # nothing drawn: the coefficients follow from the residue

    def fit(self, setup: StageSetup, params, progress=None) -> Fitted:
        """Interpolate at growing degrees. ``Fitted.params`` is (coefficients, no stretches);
        its loss is the square of the largest coefficient tail (the interpolant is exact at its
        nodes; the tail estimates what it misses between them)."""
        values: GridValues | None = getattr(setup, "values", None)
        if values is None:
            raise TypeError("an interpolation stage needs a setup with values (InterpolationSetup)")
        d = int(np.shape(setup.kappa)[0])
        policy = Spectral(start=self.start, unknowns=self.unknowns, growth=self.growth, resolved=self.resolved)
        degrees, rounds = (self.start,) * d, 0
        while True:
            c = chebyshev.gauss_coefficients(values(tuple(n + 1 for n in degrees)))
            tails = tuple(chebyshev.tail(c, i) for i in range(d))
            rounds += 1
            if progress is not None:
                progress("interpolate", rounds, rounds, max(tails) ** 2)
            nxt = policy.grown(degrees, tails)
            if nxt == degrees:
                return Fitted((c, ()), max(tails) ** 2, rounds)
            degrees = nxt

    def frozen(self, params, eps, kappa):
        del kappa
        coefficients_, stretches = params
        return ChebyshevStage(jnp.asarray(coefficients_), eps, stretches)
