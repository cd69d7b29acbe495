"""A spectral stage for equations: tensor Chebyshev polynomials, their degrees grown until resolved.

Every field's correction is ``eps * sum_J c_J prod_i T_{j_i}(z_i)`` (`pdec.solver.chebyshev`),
collocated on a Chebyshev-Gauss grid of ``oversample`` times as many nodes per axis and solved
by Gauss-Newton (`pdec.solver.newton`, without damped steps) with a full-rank QR solve. The degrees start
at ``start`` per axis and grow by ``growth`` along every axis whose top tenth of coefficients is
still above ``resolved`` (a Chebyshev series of a smooth function decays geometrically, so the
tail says whether the axis is resolved), each solve starting from the last one's coefficients,
until every axis is resolved or the coefficients would exceed ``unknowns`` per field.

Why: drawn sine features are global, of one band on an axis, and their least-squares solve is
cut at rank ~1e-13: a front of width 0.06 (Burgers at nu = 0.1/pi) needs ~200 Chebyshev degrees
along x and ~40 along t for 1e-11, which 3000 sine features do not reach (a least-squares fit of
the exact solution by 4000 features at band (150, 40) stops at 4e-6; bench/RESULTS.md).
Polynomials on Chebyshev nodes are well conditioned, so no rank is cut and the solve is a
QR, not an SVD. The driver runs this stage after one whose residual off its points shows it
under-resolved (`driver.Schedule.refine`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Mapping

import jax.numpy as jnp
import numpy as np

from pdec.solution import ChebyshevStage
from pdec.solver import chebyshev, lstsq, newton
from pdec.solver.linearized import Linearized
from pdec.solver.stages.base import Fitted, StageKind, StageSetup


COPIES = 3  # of the matrix at once during a solve: it, its scaled copy, LAPACK's work (measured peak)
STRETCH_ROUNDS = 3  # solves with stretched axes after an unresolved one, at most
WIDEST = 0.1  # a front wider than this (of the normalized [-1, 1]) gets no stretch in the first round
WIDEST_LATER = 0.5  # nor one wider than this in later rounds (found on a solve already stretched)
EDGE = 0.9  # a steepest slope this close to the box's end (|z| above) is no front to stretch about
DOMINANT = 10.0  # axes whose coefficient tail is within this factor of the largest grow
MIN_GROWTH = 1.1  # degrees that would grow by less than this on every axis: the stage is done


@dataclass(frozen=True)
class SpectralSolve:
    """The end of a spectral stage: coefficients per field (shape degrees + 1), parameter
    corrections, the degrees reached, the largest condition figure met, Gauss-Newton steps,
    the stretch of each axis (or None), the coefficient tail along each axis."""

    coefficients: Mapping[str, np.ndarray]
    corrections: Mapping[str, float]
    degrees: tuple[int, ...]
    condition: float
    steps: int
    stretches: tuple[chebyshev.Stretch | None, ...]
    tails: tuple[float, ...]


@dataclass(frozen=True)
class Spectral(StageKind):
    """Tensor Chebyshev polynomials per field, degrees grown from ``start`` per axis by
    ``growth`` until the coefficient tail along each axis is below ``resolved`` or there would be
    more than ``unknowns`` per field; each set of degrees solved by ``newton``: at most 20
    Gauss-Newton solves and no damped steps, which cost a QR of up to ~9,000 unknowns per try
    (Allen-Cahn, issue 46: with them the degree growth ran past 15 minutes and reached no
    solution; without them it gives up at once and the run says it did not converge).
    Box domains of equation problems."""

    start: int = 16
    unknowns: int = 9000
    growth: float = 2.5
    resolved: float = 1e-13
    newton: newton.Newton = newton.Newton(max_steps=20, damped_tries=0)
    oversample: float = 1.15  # collocation nodes per axis per coefficient

    sine = property(lambda self: False)
    angle = property(lambda self: False)

    def init(self, key, in_dim, width_cap=None):
        return None  # the coefficients start at zero (or at the last degrees' solve)

    def nodes(self, degrees: tuple[int, ...]) -> tuple[int, ...]:
        """Collocation nodes per axis for these degrees."""
        return tuple(int(math.ceil(self.oversample * (n + 1))) for n in degrees)

    def largest_array(self, rows, in_dim, fields, parameters) -> tuple[float, str]:
        """The last solve's matrix (rows: the grid's nodes, about oversample^d per unknown)."""
        cols = self.unknowns * fields + parameters
        rows = int(self.oversample ** in_dim * self.unknowns * fields)
        return 8.0 * COPIES * rows * cols, f"its {rows:,} x {cols:,} spectral least-squares matrix ({COPIES} copies)"

    def grown(self, degrees: tuple[int, ...], tails: tuple[float, ...]) -> tuple[int, ...]:
        """The next degrees, the same when done. Only axes whose tail is within DOMINANT of the
        largest grow (an under-resolved axis aliases into every other axis's tail at about its
        own level: Burgers at nu = 0.1/pi kept a t tail of 1e-6 at degree 93 while x was short),
        each to the degree at which its tail's geometric decay so far reaches ``resolved``
        (times 1.1), at least 1.25x and at most ``growth`` times the last; scaled back together
        to ``unknowns``. Done when no axis would grow by MIN_GROWTH."""
        worst = max(tails)
        want = list(degrees)
        for i, (n, t) in enumerate(zip(degrees, tails)):
            if t > self.resolved and t * DOMINANT >= worst:
                need = 0.9 * n * math.log(self.resolved) / math.log(t) if t < 1.0 else math.inf
                want[i] = int(min(max(1.1 * need, 1.25 * n), self.growth * n))
        grow = [i for i, (a, b) in enumerate(zip(want, degrees)) if a > b]
        size = math.prod(n + 1 for n in want)
        if grow and size > self.unknowns:
            s = (self.unknowns / size) ** (1.0 / len(grow))
            for i in grow:
                want[i] = max(degrees[i], int((want[i] + 1) * s) - 1)
        if all(a < MIN_GROWTH * b for a, b in zip(want, degrees)):
            return tuple(degrees)
        return tuple(want)

    def fit(self, setup: StageSetup, params, progress=None) -> Fitted:
        """Solve at growing degrees; ``Fitted.params`` is the `SpectralSolve` of the last.
        ``setup.grids(degrees, stretches)`` is the stage's problem on the grid of those degrees
        (its axes stretched), in their coefficients (a `Linearized`; `tasks.spectral`). Where an
        axis is still unresolved at ``unknowns``, up to STRETCH_ROUNDS solves follow with that
        axis stretched about the steepest front the last solve shows (`chebyshev.front`), each
        started from the last solve where that was stretched (re-expanded in the new stretches
        at half its degrees), else from zero; the solve whose largest coefficient tail is
        smallest is kept. A plain solve of an unresolved front is no start: Burgers' at 218 x
        40 has small tails (2.7e-5, 1.3e-6) and is 0.44 off, and a solve started from it stays
        there (0.43).

        Fronts wider than WIDEST are stretched only from the second round on: a plain series
        places them wrongly (Burgers at nu = 0.01/pi, along t: -0.90 with width 0.47 on the plain
        218 x 40 solve, -0.35 with 0.16 on the x-stretched one, where the exact solution's
        interpolation is best). The warm start is what lets a solve with both axes stretched
        converge: from zero, Gauss-Newton crept on halved steps (100 x 40, 30 steps, loss 6.7e-5
        -> 4.6e-5 in the first 9); from the exact solution's projection it took one step to 3e-11
        at 100 x 60 (bench/RESULTS.md)."""
        grids: Callable | None = getattr(setup, "grids", None)
        if grids is None:
            raise TypeError("a spectral stage needs a setup with grids (tasks.spectral)")
        d = int(np.shape(setup.kappa)[0])
        best, loss, steps = self._grown_solve(grids, (None,) * d, progress)
        last = best
        for round_ in range(STRETCH_ROUNDS):
            widest = WIDEST if round_ == 0 else WIDEST_LATER
            stretches = tuple(_stretch(last, i, widest) if t > self.resolved else s
                              for i, (t, s) in enumerate(zip(last.tails, last.stretches)))
            if all(s is None for s in stretches) or _same(stretches, last.stretches):
                break
            warm = last if any(s is not None for s in last.stretches) else None
            last, trial_loss, trial_steps = self._grown_solve(grids, stretches, progress, warm)
            steps += trial_steps
            if max(last.tails) < max(best.tails):
                best, loss = last, trial_loss
        return Fitted(replace(best, steps=steps), loss, steps)

    def _grown_solve(self, grids, stretches, progress, start: SpectralSolve | None = None
                     ) -> tuple[SpectralSolve, float, int]:
        """Gauss-Newton at degrees grown with these stretches, from ``start`` re-expanded at
        half its degrees (None: from zero at ``self.start``): the last solve, its loss, the steps
        taken."""
        degrees = (self.start,) * len(stretches) if start is None else \
            tuple(max(self.start, n // 2) for n in start.degrees)
        x, before, steps, cond = None, None, 0, 0.0
        while True:
            lin = grids(degrees, stretches)
            if x is not None:
                x0 = _padded(lin, x, before, degrees)
            else:
                x0 = None if start is None else _reexpanded(lin, start, degrees, stretches)
            out = self.newton(lin, x0, lstsq.solve_full_rank, progress)
            steps, cond = steps + out.steps, max(cond, out.condition)
            coef, dp = lin.split(jnp.asarray(out.x))
            shaped = {f: np.asarray(c).reshape(tuple(n + 1 for n in degrees)) for f, c in coef.items()}
            tails = tuple(max(chebyshev.tail(c, i) for c in shaped.values()) for i in range(len(degrees)))
            nxt = self.grown(degrees, tails)
            if nxt == degrees:
                break
            x, before, degrees = out.x, degrees, nxt
        solve = SpectralSolve(shaped, {p: float(v) for p, v in dp.items()}, degrees, cond, steps,
                              stretches, tails)
        return solve, out.loss, steps

    def frozen(self, params, eps, kappa):
        del kappa
        coefficients, stretches = params
        return ChebyshevStage(jnp.asarray(coefficients), eps, stretches)


def _stretch(solve: SpectralSolve, axis: int, widest: float) -> chebyshev.Stretch | None:
    """A stretch about the steepest front of the solve's fields along ``axis``, None where the
    steepest is wider than ``widest`` (no front: the axis is short of degrees everywhere) or at
    the box's end: Heat2d-MS's sin(20 pi x) e^-t sin(pi y) has its steepest slope at z = 1 along
    x (width 0.03) and at z = -1 along y and t; stretching there made each round worse (x tail
    2e-10 plain, 4e-6 stretched) at ~250 s a round. Boundary layers are not stretched toward."""
    fronts = [chebyshev.front(c, solve.stretches, axis) for c in solve.coefficients.values()]
    center, width, slope = max(fronts, key=lambda f: f[2])
    if width > widest or abs(center) > EDGE:
        return None
    return chebyshev.Stretch(center, width)


def _same(a: tuple, b: tuple) -> bool:
    """Whether two stretches per axis are alike: centers within half a width, widths within 1.5x."""
    def alike(s, t):
        if s is None or t is None:
            return s is t
        return abs(s.center - t.center) < 0.5 * t.width and 1 / 1.5 < s.width / t.width < 1.5
    return all(alike(s, t) for s, t in zip(a, b))


def _reexpanded(lin: Linearized, solve: SpectralSolve, degrees: tuple[int, ...], stretches: tuple) -> np.ndarray:
    """The unknowns at ``degrees`` and ``stretches`` of the fields ``solve`` found (each series
    interpolated at the new Chebyshev-Gauss nodes), its parameter corrections kept."""
    xi = [-np.cos(np.pi * (np.arange(n + 1) + 0.5) / (n + 1)) for n in degrees]
    z = [x if s is None else np.asarray(s.forward(jnp.asarray(x))) for x, s in zip(xi, stretches)]
    zero = (0,) * len(degrees)
    parts = [chebyshev.gauss_coefficients(chebyshev.grid_values(solve.coefficients[f], z, solve.stretches, zero)).reshape(-1)
             for f in lin.fields]
    parts.append(np.asarray([solve.corrections[p] for p in lin.parameters], dtype=np.float64))
    return np.concatenate(parts)


def _padded(lin: Linearized, x: np.ndarray, before: tuple[int, ...], degrees: tuple[int, ...]) -> np.ndarray:
    """The unknowns of a solve at ``before`` as unknowns at ``degrees`` (zeros above: the same
    functions)."""
    old = math.prod(n + 1 for n in before)
    parts = []
    for i in range(len(lin.fields)):
        c = np.asarray(x[i * old:(i + 1) * old]).reshape(tuple(n + 1 for n in before))
        parts.append(np.pad(c, [(0, b - a) for a, b in zip(before, degrees)]).reshape(-1))
    parts.append(np.asarray(x[old * len(lin.fields):]))
    return np.concatenate(parts)
