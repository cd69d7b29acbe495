"""Trained stages: an MLP fitted by Adam, then Levenberg-Marquardt or L-BFGS."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field, replace

from pdec.solver import network, optimize
from pdec.solver.network import Params
from pdec.solver.stages.base import Fitted, StageKind, StageSetup

LM_MAX_JACOBIAN = 2e7  # entries of J (160 MB in float64); above it LM falls back to L-BFGS
LBFGS_FALLBACK_ITERATIONS = 20000


@dataclass(frozen=True)
class Optimizer(abc.ABC):
    """The second phase of a trained stage, after Adam."""

    iterations: int

    @abc.abstractmethod
    def minimize(self, setup: StageSetup, params, progress) -> tuple[Params, optimize.OptResult]:
        """Minimize the mean square of ``setup.residual`` from ``params``."""


@dataclass(frozen=True)
class LevenbergMarquardt(Optimizer):
    """Levenberg-Marquardt with a dense Jacobian (`optimize.levenberg_marquardt`)."""

    iterations: int = 300

    def minimize(self, setup, params, progress):
        return optimize.levenberg_marquardt(setup.residual, params, self.iterations, jacobian=setup.jacobian,
                                            progress=progress)


@dataclass(frozen=True)
class LBFGS(Optimizer):
    """optax L-BFGS (`optimize.lbfgs`)."""

    iterations: int = 10000

    def minimize(self, setup, params, progress):
        return optimize.lbfgs(setup.residual, params, self.iterations)


@dataclass(frozen=True)
class Trained(StageKind):
    """An MLP of ``widths``, first layer tanh or ``sin(kappa * ...)`` (``sine``), trained by Adam
    (``adam_steps`` at ``adam_lr``) and then ``optimizer``.

    LM stores the dense Jacobian (points x weights); when that exceeds ``LM_MAX_JACOBIAN``
    entries (e.g. a large data set) the stage uses L-BFGS instead."""

    widths: tuple[int, ...] = (20, 20, 20)
    sine_first: bool = False
    angle_input: bool = False
    adam_steps: int = 3000
    adam_lr: float = 1e-3
    optimizer: Optimizer = field(default_factory=LevenbergMarquardt)

    @property
    def sine(self) -> bool:
        return self.sine_first

    @property
    def angle(self) -> bool:
        return self.angle_input

    def init(self, key, in_dim, width_cap=None) -> Params:
        return network.init_stage(key, in_dim, self.widths, 1, self.sine_first)

    def fit(self, setup: StageSetup, params, progress=None) -> Fitted:
        optimizer = self._optimizer(setup.points, network.count_parameters(params))
        iters = 0
        if self.adam_steps > 0:
            if setup.batches is not None:
                params, _ = optimize.adam(setup.residual_on, params, self.adam_steps, self.adam_lr, progress,
                                          setup.batches)
            else:
                params, _ = optimize.adam(setup.residual, params, self.adam_steps, self.adam_lr, progress)
            iters += self.adam_steps
        params, res = optimizer.minimize(setup, params, progress)
        return Fitted(params, res.loss, iters + res.iterations)

    def _optimizer(self, rows: int, weights: int):
        """The stage's optimizer, or L-BFGS where LM's Jacobian (rows x weights) would exceed
        LM_MAX_JACOBIAN."""
        if isinstance(self.optimizer, LevenbergMarquardt) and rows * weights > LM_MAX_JACOBIAN:
            return LBFGS(LBFGS_FALLBACK_ITERATIONS)
        return self.optimizer

    def largest_array(self, rows, in_dim, fields, parameters) -> tuple[float, str]:
        """Levenberg-Marquardt's dense Jacobian, rows x weights (none where L-BFGS takes over)."""
        sizes = (in_dim, *self.widths, 1)
        weights = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        if not isinstance(self._optimizer(rows, weights), LevenbergMarquardt):
            return 0.0, ""
        cols = weights * fields + parameters
        return 8.0 * rows * cols, f"its {rows:,} x {cols:,} Jacobian"

    def retry(self) -> "Trained":
        """Adam's step 10x smaller."""
        return replace(self, adam_lr=self.adam_lr * 0.1)

    def with_options(self, adam, iterations, width) -> "Trained":
        out = self
        if adam is not None:
            out = replace(out, adam_steps=int(adam))
        if iterations is not None:
            out = replace(out, optimizer=replace(out.optimizer, iterations=int(iterations)))
        if width is not None:
            out = replace(out, widths=(int(width),) * 3)
        return out
