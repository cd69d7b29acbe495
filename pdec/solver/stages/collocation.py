"""A least-squares collocation stage for equations: drawn sine features, coefficients solved.

Every field's correction is ``eps * (sum_j c_j sin(theta_j(x)) + c_0)`` over drawn features
(`pdec.solver.features`: plain sines of the normalized coordinates, with exact derivatives of
every order); the unknowns are the coefficients of all fields and the corrections of the
unknown parameters (`pdec.solver.linearized`). Where every block is affine in them, one weighted
linear least-squares solve gives the stage. Otherwise Gauss-Newton: each step solves the problem
linearized at the current coefficients, the step halved until the loss falls, until a step
gains less than ``MIN_STEP_GAIN``.

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
from pdec.solver import features, lstsq
from pdec.solver.linearized import Linearized
from pdec.solver.network import Params
from pdec.solver.singular import Singular
from pdec.solver.stages.base import Fitted, StageKind, StageSetup

MAX_ENTRIES = 1.2e8  # of a stage's matrix (rows x unknowns, ~1 GB in float64): caps the points
MIN_STEP_GAIN = 1.01  # a Gauss-Newton step that lowers the loss by less than 1% ends the solve
HALVINGS = 8  # a step is halved at most this often before the solve gives up on it


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
class CollocationSetup(StageSetup):
    """A stage's setup with its problem in the stage's unknowns (`Linearized`)."""

    linearized: Linearized | None = None
    start: np.ndarray | None = None  # the unknowns Gauss-Newton starts from (None: zero)


@dataclass(frozen=True)
class GaussNewton:
    """The end of a solve: the unknowns, the mean square residual, steps taken, the largest
    condition number met, each step's size (the norm of the change of the unknowns) and the
    loss before the first step and after each."""

    x: np.ndarray
    loss: float
    steps: int
    condition: float
    step_sizes: tuple[float, ...]
    losses: tuple[float, ...]


def _loss(lin: Linearized, x) -> float:
    return float(np.mean(np.asarray(lin.residual(x)) ** 2))


def gauss_newton(lin: Linearized, max_steps: int, progress=None, x0=None, solver=lstsq.solve) -> GaussNewton:
    """Minimize the mean square of ``lin.residual`` from ``x0`` (None: x = 0; one step when it
    is affine), each step's linear least squares by ``solver`` (`pdec.solver.lstsq`)."""
    x = np.zeros(lin.size) if x0 is None else np.asarray(x0, dtype=np.float64)
    loss, cond, sizes = _loss(lin, x), 0.0, []
    losses = [loss]
    steps = 1 if lin.affine else max_steps
    for i in range(steps):
        a, r = (np.asarray(v) for v in lin.system(x))
        solved = solver(a, a @ x - r)  # the new unknowns themselves (of least norm, lstsq.solve)
        cond = max(cond, solved.condition)
        delta, scale = solved.x - x, 1.0
        for _ in range(HALVINGS):
            trial = _loss(lin, x + scale * delta)
            if trial < loss or lin.affine:
                break
            scale *= 0.5
        if not trial < loss and not lin.affine:
            break
        x, gain, loss = x + scale * delta, loss / max(trial, 1e-300), trial
        sizes.append(float(np.linalg.norm(scale * delta)))
        losses.append(loss)
        if progress is not None:
            progress("gauss-newton", i + 1, steps, loss)
        if gain < MIN_STEP_GAIN:
            break
    return GaussNewton(x, loss, len(sizes), cond, tuple(sizes), tuple(losses))


@dataclass(frozen=True)
class Collocation(StageKind):
    """A stage of ``features`` drawn sine features per field, solved by linear least squares
    (Gauss-Newton, at most ``steps`` solves, where the problem is nonlinear), on ``points``
    interior points at stage 1. Stage 1's features reach frequency ``band`` on every axis, more
    where the data hold more; later stages' follow the residual where ``follow``
    (`tasks.collocation`).
    Equations only; the `solver` options adam, iterations and width do not apply."""

    features: int = 1500
    points: int = 4000  # interior collocation points of stage 1 (later stages get more)
    band: float = 20.0  # stage 1's top feature frequency per axis, radians per unit of z
    steps: int = 30
    follow: bool = True  # later stages follow the residual's frequency (else keep ``band``)
    solve: lstsq.LinearSolve = lstsq.Dense()  # each linear least-squares solve (bench/lstsq.py)

    def sample_points(self, d: int) -> int:
        return self.points

    def limit_points(self, n: int, fields: int) -> int:
        """Rows of the stage's matrix within MAX_ENTRIES (a 3D stage 4 would need 1.5 GB)."""
        return int(min(n, MAX_ENTRIES // ((self.features + 1) * fields)))

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
        ``Fitted.params`` is the whole solve (`GaussNewton`: unknowns, condition, step sizes)."""
        if not isinstance(setup, CollocationSetup) or setup.linearized is None:
            raise TypeError("a collocation stage needs a CollocationSetup")
        out = gauss_newton(setup.linearized, self.steps, progress, setup.start, self.solve)
        return Fitted(out, out.loss, out.steps)
