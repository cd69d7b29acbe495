"""Where an inverse solve starts: the unknown parameters from a fit of the observed fields.

A joint solve from a guess far from the truth can settle on the wrong parameter: with the
guess a = 2 for u_xx + a u = 0 (true a = 9) the equation, the conditions and the observations
pull the fields to a compromise that none of them is happy with. The data alone say more:

1. each observed field is fitted to its observations (drawn sine features of the normalized
   coordinates, `pdec.solver.features`, solved by least squares, the band chosen on held-out
   observations), which gives its derivatives too;
2. the parameters are those that make the equations and conditions smallest on that fit, by
   Gauss-Newton from the guesses (one step, a linear least-squares solve, where the residuals
   are affine in the parameters, as in ``u_xx + a*u`` or ``k*u_xx``). Only residuals whose
   fields are all observed take part: an unobserved field is not guessed.

The Jacobian of that last solve is the parameters' sensitivity matrix: a zero column is a
parameter that changes nothing the fit holds, a near-dependence of columns parameters that trade
off. Both are said by name before any stage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import jax
import jax.numpy as jnp
import numpy as np

from pdec.language.lowering import Lowered
from pdec.language.problem import Problem
from pdec.records import ParameterStart
from pdec.solution import Solution, Stage, normalize
from pdec.solver import features, lstsq, newton
from pdec.solver.blocks import Block, residual_block
from pdec.solver.derivatives import PointFn
from pdec.solver.sampling import domain_points, location_points

Array = jnp.ndarray

HELD_OUT = 0.25  # of the observations, to choose the fit's band
BANDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)  # candidate bands, radians per unit of z (up to Nyquist)
INTERIOR, FACE = 2000, 200  # points where the equations and the conditions are evaluated on the fit
STEPS = 30  # Gauss-Newton steps at most (one where the residuals are affine in the parameters)
DEPENDENT = 1e-8  # a singular value of the unit-column sensitivity matrix below this (relative) is a dependence


@dataclass(frozen=True)
class ObservedFit:
    """A fit of one field to its observations: the stage, its band and its held-out RMS error."""

    stage: Stage
    band: float
    held_out_rms: float

    def field(self, lower: Array, upper: Array) -> PointFn:
        return lambda pt: self.stage(normalize(pt[None, :], lower, upper))[0]


def _solve(params, band, lower, upper, points, values) -> tuple[np.ndarray, float]:
    """The coefficients of ``params``' features fitted to (points, values), and the band used."""
    kappa = jnp.full(lower.shape, band)
    a = np.asarray(features.matrix(params, kappa, lower, upper, points, (0,) * lower.shape[0]))
    return lstsq.solve(a, values).x, kappa


def fit_observed(points: np.ndarray, values: np.ndarray, lower, upper, key: jax.Array) -> ObservedFit:
    """Least-squares fit of scattered values with half as many features as observations; the band
    is the candidate with the least error on HELD_OUT of them (fitted on the rest), up to the
    observations' Nyquist frequency."""
    lower, upper = jnp.asarray(lower, jnp.float64), jnp.asarray(upper, jnp.float64)
    n, d = points.shape
    k_split, k_features = jax.random.split(key)
    order = np.asarray(jax.random.permutation(k_split, n))
    held, train = order[: max(1, int(HELD_OUT * n))], order[max(1, int(HELD_OUT * n)):]
    nyquist = math.pi * (n ** (1.0 / d)) / 2.0
    best = (math.inf, BANDS[0])
    params = features.draw(k_features, d, max(1, len(train) // 2))
    for band in (b for b in BANDS if b <= nyquist or b == BANDS[0]):
        coef, kappa = _solve(params, band, lower, upper, points[train], values[train])
        a = np.asarray(features.matrix(params, kappa, lower, upper, points[held], (0,) * d))
        rms = float(np.sqrt(np.mean((a @ coef - values[held]) ** 2)))
        if rms < best[0]:
            best = (rms, band)
    params = features.draw(k_features, d, max(1, n // 2))
    coef, kappa = _solve(params, best[1], lower, upper, points, values)
    stage = Stage(features.with_coefficients(params, coef), jnp.asarray(1.0), kappa, True, False)
    return ObservedFit(stage, best[1], best[0])


def observed_values(problem: Problem) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each observed field's observation points and values, pooled over `observe` lines."""
    out: dict[str, list] = {}
    for o in problem.observations:
        for j, name in enumerate(o.fields):
            out.setdefault(name, []).append((o.points, o.values[:, j]))
    return {n: (np.concatenate([p for p, _ in parts]), np.concatenate([v for _, v in parts]))
            for n, parts in out.items()}


def parameter_blocks(problem: Problem, lowered: Lowered, observed, key: jax.Array) -> tuple[Block, ...]:
    """The equations and conditions that hold a parameter and only observed fields, on points."""
    lo, hi, coords = problem.lower, problem.upper, problem.coordinate_names
    k_int, k_face = jax.random.split(key)
    interior = domain_points(k_int, lo, hi, INTERIOR, problem.geometry)
    blocks = []
    for i, r in enumerate(lowered.equations + lowered.conditions):
        if not r.parameters or any(f not in observed for f, _ in r.needs):
            continue
        pts = interior if r.residual.kind == "equation" else location_points(
            jax.random.fold_in(k_face, i), lo, hi, r.residual.location, coords, FACE, problem.geometry)
        blocks.append(residual_block(f"line {r.residual.line}", r, pts))
    return tuple(blocks)


def _residual(blocks: tuple[Block, ...], names: tuple[str, ...]):
    """The parameters (a vector) -> every block's residual on the fit, each block by its mean."""
    def r(x: Array) -> Array:
        params = dict(zip(names, x))
        return jnp.concatenate([b.start(params) / math.sqrt(b.size) for b in blocks])
    return r


@dataclass(frozen=True)
class ParameterProblem:
    """The parameters (a vector) -> the blocks' residuals on the fit, as a `pdec.solver.newton`
    problem (its Jacobian by forward-mode autodiff: a few parameters)."""

    r: object
    jac: object
    size: int
    affine: bool = False  # solved by steps until one gains little, as any nonlinear problem

    def residual(self, x) -> np.ndarray:
        return np.asarray(self.r(x))

    def system(self, x) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(self.jac(x)), np.asarray(self.r(x))


def gauss_newton(blocks: tuple[Block, ...], guess: Mapping[str, float]) -> tuple[dict[str, float], np.ndarray]:
    """The parameters that minimize the blocks' mean squares, from ``guess``, by the one
    Gauss-Newton (`pdec.solver.newton`), and the Jacobian there."""
    names = tuple(guess)
    r = jax.jit(_residual(blocks, names))
    jac = jax.jit(jax.jacfwd(r))
    x0 = np.array([guess[n] for n in names], dtype=np.float64)
    x = newton.Newton(max_steps=STEPS)(ParameterProblem(r, jac, len(names)), x0).x
    return dict(zip(names, (float(v) for v in x))), np.asarray(jac(x))


def value_scale(blocks: tuple[Block, ...]) -> float:
    """The RMS size of the derivative values the blocks combine (each block by its mean)."""
    sizes = [float(np.mean([np.mean(np.asarray(v) ** 2) for v in b.base[0].values()])) for b in blocks]
    return math.sqrt(float(np.mean(sizes)))


def unpinned(jacobian: np.ndarray, sizes: Mapping[str, float], scale: float, count: int) -> tuple[tuple[str, ...], list[str]]:
    """The parameters the sensitivity matrix (rows: ``count`` blocks, each by its mean) cannot
    pin, and why: a column whose effect (RMS per block times the parameter's size) is below
    DEPENDENT times the values' ``scale``; or, among the rest, a near-null combination of the
    unit columns (a singular value below DEPENDENT times the largest)."""
    names = tuple(sizes)
    norms = np.linalg.norm(jacobian, axis=0)
    size = np.array([sizes[n] or 1.0 for n in names])
    flat = [n for n, v, p in zip(names, norms, size) if not v / math.sqrt(count) * p > DEPENDENT * scale]
    notes = [f"{n}: the observations cannot pin it (the equations and conditions on the observed "
             f"fields do not change with it)" for n in flat]
    keep = [i for i, n in enumerate(names) if n not in flat]
    if len(keep) > 1:
        unit = jacobian[:, keep] / norms[keep]
        _, s, vt = np.linalg.svd(unit, full_matrices=False)
        for k in np.nonzero(s < DEPENDENT * s[0])[0]:
            group = [names[keep[i]] for i in np.nonzero(np.abs(vt[k]) > 0.1)[0]]
            flat += [n for n in group if n not in flat]
            notes.append(f"{', '.join(group)}: the observations cannot pin them apart (they trade off: "
                         "only a combination changes the equations and conditions)")
    return tuple(n for n in names if n in flat), notes


def data_start(problem: Problem, lowered: Lowered, key: jax.Array) -> ParameterStart:
    """The unknown parameters' start from the observations (the guesses where nothing observed
    holds them), with the parameters that the data cannot pin, by name."""
    guesses = {p.name: float(p.guess) for p in problem.parameters}
    if not guesses or not problem.observations:
        return ParameterStart(guesses, guesses)
    observed = observed_values(problem)
    lo, hi = jnp.asarray(problem.lower), jnp.asarray(problem.upper)
    fits = {n: fit_observed(p, v, lo, hi, jax.random.fold_in(key, i)) for i, (n, (p, v)) in enumerate(observed.items())}
    fields = {n: f.field(lo, hi) for n, f in fits.items()}
    blocks = tuple(b.with_base(fields) for b in parameter_blocks(problem, lowered, observed, key))
    held = [p for p in guesses if any(p in r.parameters for r in lowered.equations + lowered.conditions
                                      if all(f in observed for f, _ in r.needs))]
    notes = [f"{p}: no equation or condition on observed fields only holds it; it starts at its guess"
             for p in guesses if p not in held]
    if not held:
        return ParameterStart(guesses, guesses, tuple(notes))
    values, jacobian = gauss_newton(blocks, {p: guesses[p] for p in held})
    sizes = {p: max(abs(values[p]), abs(guesses[p])) for p in held}  # a parameter's size, for its effect
    names, why = unpinned(jacobian, sizes, value_scale(blocks), len(blocks))
    return ParameterStart(guesses, {**guesses, **values}, tuple(notes + why), names,
                          {n: f.held_out_rms for n, f in fits.items()})


def at_guesses(problem: Problem) -> Solution:
    """A solution with no stage whose start is the file's guesses: passed as ``resume`` to
    `pdec.solve`, the solve starts at the guesses, without the data start (for baselines)."""
    guesses = {p.name: float(p.guess) for p in problem.parameters}
    return Solution(jnp.asarray(problem.lower), jnp.asarray(problem.upper), problem.field_names,
                    tuple(() for _ in problem.field_names), (), dict(guesses), start=ParameterStart(guesses, guesses))
