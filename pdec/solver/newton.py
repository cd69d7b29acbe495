"""One Gauss-Newton for every nonlinear least-squares problem pdec solves.

A problem is anything with ``size``, ``affine``, ``residual(x)`` and ``system(x) -> (A, r)``
(A = d r / d x): a collocation or spectral stage in its coefficients
(`pdec.solver.linearized.Linearized`), the unknown parameters fitted to observations
(`pdec.solver.data_start`). Each step solves for the new unknowns (``A x_new = A x - r``, the
least-norm solution of the linear least-squares solve given), in this order:

1. **The full step, halved** up to ``halvings`` times until the loss falls: the rule every
   gallery problem is measured with (a step that gains less than ``min_gain`` ends the solve).
2. **Levenberg-Marquardt** where no halving lowers the loss: the step of
   ``min |A d + r|^2 + mu |D d|^2`` (D: the column norms of A, Marquardt's scaling), ``mu``
   raised tenfold from the last one that worked until the loss falls. The full step of a
   strongly nonlinear problem can be wrong in direction, not only in length: Allen-Cahn's
   linearization at u = 0 grows like e^{5t} where the solution stays in [-1, 1], and no
   shortening of that step lowers the loss (issue 46: a solve of zero steps, kept as the zero
   field). A damped step turns toward steepest descent, so some ``mu`` always lowers the loss
   where the gradient is not zero. A damped step that gains less than ``min_gain`` ends the
   solve as any other (creeping on at ~9,000 unknowns costs minutes a step), not converged.

Not done: continuation. The Newton homotopy ``r_s(x) = r(x) - (1 - s) r(x0)`` (for a start at
zero: the boundary and initial data scaled by s) was tried and did not help: on the Allen-Cahn
problem of issue 46 at s = 1/8 the reaction still drives the solution to +-1 with fronts ~0.006
wide that a stage's features cannot hold, and Gauss-Newton stalls there as at s = 1; on the kink
0.001 u'' = u^3 - u the path folds near s = 0.4 (bench/RESULTS.md, 'Nonlinear problems').
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np

from pdec.solver import lstsq

Progress = Callable[[str, int, int, float], None]


class Problem(Protocol):
    """A nonlinear least-squares problem in unknowns x: minimize mean(r(x)^2)."""

    @property
    def size(self) -> int: ...

    @property
    def affine(self) -> bool: ...

    def residual(self, x) -> np.ndarray: ...

    def system(self, x) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(frozen=True)
class Newton:
    """How a nonlinear least-squares problem is solved (the module's docstring).

    ``max_steps`` solves at most; ``halvings`` of the full step before damping it; ``min_gain``:
    a full (or halved) step that lowers the loss by less than this factor ends the solve;
    ``damping``: Levenberg-Marquardt's ``mu`` for the first damped step, raised tenfold at most
    ``damped_tries`` times; ``unsolved``: a loss below this share of the start's is at the
    floor, where a step that does not lower it only rounds (the solve ends there, undamped)."""

    max_steps: int = 30
    halvings: int = 8
    min_gain: float = 1.01
    damping: float = 1e-4
    damped_tries: int = 10
    unsolved: float = 1e-6

    def __call__(self, problem: Problem, x0=None, solver: lstsq.LinearSolve = lstsq.solve,
                 progress: Progress | None = None) -> "Solve":
        x0 = np.zeros(problem.size) if x0 is None else np.asarray(x0, dtype=np.float64)
        return descend(problem, x0, self, solver, progress)


@dataclass(frozen=True)
class Solve:
    """The end of a solve: the unknowns, the mean square residual, steps taken, the largest
    condition number met, each step's size (the norm of the change of the unknowns), the loss
    before the first step and after each, the steps that were damped, whether the solve ended
    because no step lowered the loss (``stuck``) and whether it ended on an undamped step that
    gained less than ``min_gain`` (``converged``: at a minimum of the loss, not necessarily a
    zero of the residual)."""

    x: np.ndarray
    loss: float
    steps: int
    condition: float
    step_sizes: tuple[float, ...]
    losses: tuple[float, ...]
    damped: int = 0
    stuck: bool = False
    converged: bool = False


def loss_of(problem: Problem, x) -> float:
    """The mean square residual at x."""
    return float(np.mean(np.asarray(problem.residual(x)) ** 2))


def _halved(problem: Problem, x, delta, loss: float, cfg: Newton) -> tuple[float, float] | None:
    """The largest of delta, delta / 2, ... (``cfg.halvings`` tries) that lowers the loss: its
    scale and the loss there; None if none does."""
    scale = 1.0
    for _ in range(cfg.halvings):
        trial = loss_of(problem, x + scale * delta)
        if trial < loss:
            return scale, trial
        scale *= 0.5
    return None


def _damped(problem: Problem, a, b, x, loss: float, mu: float, cfg: Newton, solver
            ) -> tuple[np.ndarray, float, float, float] | None:
    """A Levenberg-Marquardt step that lowers the loss, ``mu`` raised tenfold until one does:
    (step, loss there, the mu used, condition number); None if none of ``cfg.damped_tries`` does."""
    norms = np.linalg.norm(a, axis=0)
    norms = np.where(norms > 0, norms, 1.0)
    for _ in range(cfg.damped_tries):
        w = np.sqrt(mu) * norms
        solved = solver(np.vstack([a, np.diag(w)]), np.concatenate([b, w * x]))
        delta = solved.x - x
        trial = loss_of(problem, x + delta)
        if trial < loss:
            return delta, trial, mu, solved.condition
        mu *= 10.0
    return None


def descend(problem: Problem, x, cfg: Newton, solver: lstsq.LinearSolve, progress: Progress | None = None,
            label: str = "gauss-newton") -> Solve:
    """Gauss-Newton from x: full or halved steps, damped ones where those fail (module docstring)."""
    loss, cond, sizes, losses = loss_of(problem, x), 0.0, [], []
    losses.append(loss)
    steps = 1 if problem.affine else cfg.max_steps
    mu, damped, stuck, converged = cfg.damping, 0, False, problem.affine
    for i in range(steps):
        a, r = (np.asarray(v) for v in problem.system(x))
        b = a @ x - r
        solved = solver(a, b)  # the new unknowns themselves (least norm: lstsq.solve)
        cond = max(cond, solved.condition)
        delta = solved.x - x
        if problem.affine:
            x, loss, gain = x + delta, loss_of(problem, x + delta), np.inf
        elif (found := _halved(problem, x, delta, loss, cfg)) is not None:
            scale, trial = found
            delta, gain, loss = scale * delta, loss / max(trial, 1e-300), trial
            x = x + delta
        elif loss <= cfg.unsolved * losses[0]:  # at the floor a step can only round: done
            converged = damped == 0
            break
        elif (step := _damped(problem, a, b, x, loss, mu, cfg, solver)) is not None:
            delta, trial, used, c = step
            cond, damped, mu = max(cond, c), damped + 1, max(used / 10.0, cfg.damping)
            x, gain, loss = x + delta, loss / max(trial, 1e-300), trial
        else:
            stuck = True
            break
        sizes.append(float(np.linalg.norm(delta)))
        losses.append(loss)
        if progress is not None:
            progress(label, i + 1, steps, loss)
        if gain < cfg.min_gain:
            converged = damped == 0
            stuck = not converged
            break
    else:
        stuck = not problem.affine and damped > 0
    return Solve(x, loss, len(sizes), cond, tuple(sizes), tuple(losses), damped, stuck, converged)
