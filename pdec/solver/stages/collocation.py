"""A least-squares collocation stage for equations: drawn sine features, coefficients solved.

Every field's correction is ``eps * (sum_j c_j sin(theta_j(x)) + c_0)`` over drawn features
(`pdec.solver.features`: plain sines of the normalized coordinates, with exact derivatives of
every order); the unknowns are the coefficients of all fields and the corrections of the
unknown parameters (`pdec.solver.linearized`). Where every block is affine in them, one weighted
linear least-squares solve gives the stage. Otherwise Gauss-Newton: each step solves the problem
linearized at the current coefficients (`pdec.solver.newton`: halved, damped or continued
where the full step fails).

Why (bench/RESULTS.md): on poisson2d one such stage from nothing reaches ~1e-13 in ~3 s, where
a trained stage 1 takes minutes for ~1e-7. A stage is limited by its features' conditioning
(condition numbers ~1e12: the rank is cut there), which the next stage, solving for what is
left at unit scale, overcomes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax.numpy as jnp
import numpy as np

from pdec.solution import SingularStage
from pdec.solver import features, lstsq, newton
from pdec.solver.linearized import Linearized
from pdec.solver.network import Params
from pdec.solver.singular import Singular
from pdec.solver.stages.base import Fitted, StageKind, StageSetup



@dataclass(frozen=True)
class CollocationSetup(StageSetup):
    """A stage's setup with its problem in the stage's unknowns (`Linearized`)."""

    linearized: Linearized | None = None
    start: np.ndarray | None = None  # the unknowns Gauss-Newton starts from (None: zero)


@dataclass(frozen=True)
class Enriched:
    """A fitted stage network with coefficients of singular functions beside it (a shaped
    domain's holes and corners, `pdec.solver.singular`); frozen as a `SingularStage`."""

    net: Params
    functions: Singular
    coefficients: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


@dataclass(frozen=True)
class Collocation(StageKind):
    """A stage of ``features`` drawn sine features per field, solved by linear least squares
    (by ``newton``, `pdec.solver.newton`, where the problem is nonlinear), on ``points``
    interior points at stage 1. Stage 1's features reach frequency ``band`` on every axis, more
    where the data hold more; later stages' follow the residual where ``follow``
    (`tasks.collocation`).
    Equations only; the `solver` options adam, iterations and width do not apply."""

    features: int = 1500
    points: int = 4000  # interior collocation points of stage 1 (later stages get more)
    band: float = 20.0  # stage 1's top feature frequency per axis, radians per unit of z
    newton: newton.Newton = newton.Newton(max_steps=30)
    follow: bool = True  # later stages follow the residual's frequency (else keep ``band``)
    solve: lstsq.LinearSolve = lstsq.Dense()  # each linear least-squares solve (bench/lstsq.py)

    def sample_points(self, d: int) -> int:
        return self.points

    def limit_points(self, n: int, fields: int) -> int:
        """Rows of the stage's matrix within MAX_ENTRIES (a 3D stage 4 would need 1.5 GB)."""
        return int(min(n, lstsq.MAX_ENTRIES // ((self.features + 1) * fields)))

    def largest_array(self, rows, in_dim, fields, parameters) -> tuple[float, str]:
        """The stage's least-squares matrix and what its solve holds besides (`LinearSolve.nbytes`)."""
        cols = (self.features + 1) * fields + parameters
        need = self.solve.nbytes(rows, cols)
        return need, f"its {rows:,} x {cols:,} least-squares matrix and its solve ({need / (8.0 * rows * cols):.1f} copies)"

    @property
    def sine(self) -> bool:
        return True

    @property
    def angle(self) -> bool:
        return False

    def frozen(self, params, eps, kappa):
        """A `Stage` network, or a `SingularStage` where the stage has singular functions."""
        if not isinstance(params, Enriched):
            return super().frozen(params, eps, kappa)
        return SingularStage(super().frozen(params.net, eps, kappa), params.functions,
                             jnp.asarray(params.coefficients), jnp.asarray(params.lower), jnp.asarray(params.upper))

    def init(self, key, in_dim, width_cap=None) -> Params:
        return features.draw(key, in_dim, min(self.features, width_cap or math.inf))

    def fit(self, setup: StageSetup, params, progress=None) -> Fitted:
        """``setup`` is a `CollocationSetup`; ``params`` is ignored (the unknowns start at
        ``setup.start``, or zero).
        ``Fitted.params`` is the whole solve (`newton.Solve`: unknowns, condition, step sizes)."""
        if not isinstance(setup, CollocationSetup) or setup.linearized is None:
            raise TypeError("a collocation stage needs a CollocationSetup")
        out = self.newton(setup.linearized, setup.start, self.solve, progress)
        return Fitted(out, out.loss, out.steps)
