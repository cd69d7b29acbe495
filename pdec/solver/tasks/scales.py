"""The scales of an equation stage, from residuals on a grid: eps (how large the next correction
is) and kappa (its frequencies per axis), and the sizes they rest on.

Stage 1's kappa comes from the data (`data_kappa`: the forcing and the boundary and initial data
at zero fields), later stages' eps and kappa from the residual the frozen stages leave
(`next_scales`); the error estimate sizes a stage's residual with the same formula
(`EquationTask._residual_size`).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from pdec.language.lowering import Lowered
from pdec.language.problem import Problem
from pdec.solver import keys, spectrum
from pdec.solver.blocks import Block
from pdec.solver.derivatives import evaluate_fields
from pdec.solver.sampling import axis_lines, uniform_grid
from pdec.solver.schedules import per_dimension
from pdec.solver.tasks.equation_settings import EquationSettings

Array = jnp.ndarray

GRID_DIMENSIONS = 3  # the residual's spectrum on a full grid up to here (24^3 points in 3D)
LINES = 64  # beyond: per axis, this many random lines of the grid's points per axis (d * 64 * 24 in all)
SLOW = 0.75  # cycles per unit of z: the spectrum's first bin (~0.48) is no frequency to reach


def rms_before(blocks: tuple[Block, ...], params) -> float:
    """The RMS over ``blocks`` (each counting by its mean) of their residuals before the stage
    (at stage 1: of zero fields, the size of the problem's data)."""
    sizes = [float(jnp.mean(b.start(params) ** 2)) for b in blocks]
    return math.sqrt(sum(sizes) / len(sizes)) if sizes else 0.0


def residual_spectrum(problem: Problem, residuals, fields, params, cfg: EquationSettings,
                      key: jax.Array) -> tuple[list[float], list[np.ndarray]]:
    """The dominant frequency per axis of ``residuals`` (lowered, each evaluated on ``fields``,
    or on zero fields where None; the largest over them), in cycles per unit of the normalized
    coordinate, and their values: from an FFT on a uniform grid up to GRID_DIMENSIONS
    coordinates, beyond along LINES random lines parallel to each axis (``key``,
    `keys.spectrum_lines`), so the cost grows as d * LINES * n, not n^d."""
    d = problem.dimension
    n = per_dimension(cfg.analysis_points, d)

    def values_at(r, pts):
        """The residual at pts; zero outside a shaped domain (what the domain holds)."""
        derivs = evaluate_fields(fields, pts, r.needs) if fields is not None else \
            {need: jnp.zeros(pts.shape[0]) for need in r.needs}
        values = np.asarray(r(pts, derivs, params))
        return values if problem.geometry is None else np.where(problem.inside(np.asarray(pts)), values, 0.0)

    grid = uniform_grid(problem.lower, problem.upper, n) if d <= GRID_DIMENSIONS else None
    lines = None if grid is not None else [
        axis_lines(keys.spectrum_lines(key, axis), problem.lower, problem.upper, axis, LINES, n) for axis in range(d)]
    values, freqs = [], []
    for r in residuals:
        if grid is not None:
            values.append(values_at(r, grid))
            freqs.append(spectrum.grid_frequencies(values[-1].reshape((n,) * d)))
            continue
        per_axis = []
        for axis, pts in enumerate(lines):
            values.append(values_at(r, pts))
            per_axis.append(spectrum.grid_frequencies(values[-1].reshape(LINES, n))[1])
        freqs.append(tuple(per_axis))
    return [max(fs) for fs in zip(*freqs)], values


def data_kappa(problem: Problem, lowered: Lowered, params, cfg: EquationSettings, key: jax.Array) -> Array:
    """2 pi times the dominant frequency per axis of what the solution must match: every
    equation's and condition's residual at zero fields (the forcing, and the boundary and initial
    data extended over the box), so that stage 1 reaches the frequencies its data hold (the
    initial condition sin(20 pi x) of PINNacle's Heat2d-MS: 10 cycles over x). Frequencies up to
    SLOW count as none (kappa 0: the kind's band alone): the FFT's first bin is what its window
    leaves of any slow trend."""
    freqs, _ = residual_spectrum(problem, lowered.equations + lowered.conditions, None, params, cfg, key)
    return spectrum.kappa_from_frequencies([f if f > SLOW else 0.0 for f in freqs], minimum=0.0)


def next_scales(problem: Problem, lowered: Lowered, fields, params, cfg: EquationSettings, k: int,
                 key: jax.Array):
    """eps and kappa for stage k > 1 from the equation residual of the earlier stages.

    kappa per axis: 2 pi times the residual's dominant frequency (cycles per unit of the
    normalized coordinate, `residual_spectrum`). eps: the residual's RMS divided by
    (2 pi f_phys)^m, f_phys in cycles per physical unit and m the equations' order: the
    correction is m derivatives smoother than the residual it removes (the caller raises it to
    at least `value_condition_size`). Stage 1: eps 1, kappa 1.
    """
    if k == 1:
        return 1.0, jnp.ones(problem.dimension)
    freqs, residuals = residual_spectrum(problem, lowered.equations, fields, params, cfg, key)
    kappa = spectrum.kappa_from_frequencies(freqs)
    order = max(eq.max_order for eq in problem.equations) or 1
    span = problem.upper - problem.lower
    f_phys = max(2.0 * f / w for f, w in zip(freqs, span))
    rms = math.sqrt(np.mean([np.mean(r ** 2) for r in residuals]))
    eps = rms / max(2.0 * math.pi * f_phys, 1.0) ** order
    return eps, kappa


def value_condition_size(blocks: tuple[Block, ...], params) -> float:
    """RMS residual of the frozen stages (cached in ``blocks``) on the conditions on values (no
    derivatives: Dirichlet, initial, point).

    Such a condition's residual is an error in u itself on the boundary, and it reaches inside
    (a harmonic extension is as large as its boundary values), so the next correction is at
    least this large, however small the equation residual (poisson2d: stage-1 error 3.5e-7,
    boundary residual 1.6e-6 max, equation-based eps 2e-8). Observations are left out: their
    residual is the data's noise, which no stage removes.
    """
    return rms_before(tuple(b for b in blocks if b.kind == "condition" and all(sum(idx) == 0 for _, idx in b.needs)),
                      params)
