"""A stage kind says how one stage is fitted; the task (`pdec.solver.tasks`) says what it fits.

A kind is a small frozen type carrying only its own settings. The driver asks it for a fresh
network (``init``), to fit that network to the residual vector the task set up (``fit``), for a
safer variant when a fit diverged (``retry``), and for its activation flags (``sine``,
``angle``) to freeze the result as a `pdec.solution.Stage`.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass

import jax

from pdec.solution import Stage
from pdec.solver import optimize
from pdec.solver.network import Params


@dataclass(frozen=True)
class StageSetup:
    """What a task hands a stage kind: the stage's scales, sample count and residual.

    ``residual(params) -> (M,)`` is the new stage's residual vector with earlier stages frozen;
    ``jacobian`` optionally gives its rows cheaply (see ``optimize.pointwise``);
    ``residual_on(params, batch)`` and ``batches(i)`` let Adam train chunk i on resampled points.
    ``width``: at most this many features for a least-squares stage (few data points).
    """

    eps: float
    kappa: jax.Array
    points: int
    residual: optimize.Residual
    jacobian: Callable | None = None
    residual_on: Callable | None = None
    batches: Callable[[int], object] | None = None
    width: int | None = None


@dataclass(frozen=True)
class Fitted:
    """A fitted stage network: its parameters, final loss and iterations taken."""

    params: Params
    loss: float
    iterations: int


@dataclass(frozen=True)
class StageKind(abc.ABC):
    """How a stage is fitted: its network, its optimizer, its retry."""

    @property
    @abc.abstractmethod
    def sine(self) -> bool:
        """Whether the first hidden layer is sin(kappa * ...) (else tanh)."""

    @property
    @abc.abstractmethod
    def angle(self) -> bool:
        """Whether the sine layer reads the Chebyshev angle of the input (`network.features`)."""

    @abc.abstractmethod
    def init(self, key: jax.Array, in_dim: int, width_cap: int | None = None) -> Params:
        """A fresh network for the stage (``width_cap``: at most this many features)."""

    @abc.abstractmethod
    def fit(self, setup: StageSetup, params, progress: optimize.Progress | None = None) -> Fitted:
        """Fit ``params`` (the stage network, or a pytree holding several) to ``setup.residual``."""

    def sample_points(self, d: int) -> int:
        """Interior collocation points of an equation stage 1 in d dimensions (later stages get
        more; the `solver` option points overrides it). Trained stages: 400, 2000, 4000 for
        d = 1, 2, 3 and up (bench/RESULTS.md)."""
        return (400, 2000, 4000)[min(d, 3) - 1]

    def limit_points(self, n: int, fields: int) -> int:
        """At most this many interior points for a stage with ``fields`` fields (default: n)."""
        del fields
        return n

    def largest_array(self, rows: int, in_dim: int, fields: int, parameters: int) -> tuple[float, str]:
        """The bytes of the largest array a fit of ``rows`` residual rows builds, and what it is
        (for refusing a run that would not fit before it starts; default: none worth counting)."""
        del rows, in_dim, fields, parameters
        return 0.0, ""

    def frozen(self, params, eps, kappa):
        """The fitted stage of one field, frozen for the solution (default: a `Stage` network)."""
        return Stage(params, eps, kappa, self.sine, self.angle)

    def retry(self) -> "StageKind":
        """The settings of a second attempt after a non-finite loss (default: the same)."""
        return self

    def with_options(self, adam: int | None, iterations: int | None, width: int | None) -> "StageKind":
        """The kind with the `solver` options adam, iterations and width applied where they mean
        something for it (default: none do)."""
        del adam, iterations, width
        return self
