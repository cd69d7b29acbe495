"""The equation task's spectral stages: the problem on Chebyshev grids, in polynomial coefficients.

The equation task (`pdec.solver.tasks.equations`) hands a spectral stage its frozen stages and
scales; here the blocks are put on the Chebyshev-Gauss grid of each set of degrees the stage
tries (`blocks.problem_blocks` with ``grid``), the frozen stages' values cached there, weighed,
and written in the stage's unknowns (`pdec.solver.linearized` with `ChebyshevFeatures`).
"""

from __future__ import annotations

import math
from typing import Callable

import jax.numpy as jnp

from pdec.solver.blocks import Block, block_multipliers, problem_blocks
from pdec.solver.linearized import ChebyshevFeatures, Linearized
from pdec.solver.stages.spectral import Spectral
from pdec.solver.tasks.base import Attempt
from pdec.solver.tasks.collocation import GAMMA


def problem_on_grids(task, kind: Spectral, key, frozen, eps: float, params, gamma: float | None,
                     n_face: int) -> Callable[[tuple[int, ...]], Linearized]:
    """(degrees, stretches) -> the stage's problem on the grid for them (frozen stages cached)."""
    gamma = GAMMA if gamma is None else gamma

    def linearized(degrees: tuple[int, ...], stretches: tuple = ()) -> Linearized:
        blocks: tuple[Block, ...] = task._based(problem_blocks(task.problem, task.lowered, key, 0, n_face,
                                                               grid=kind.nodes(degrees), stretches=stretches), frozen)
        multipliers = tuple(block_multipliers(blocks, params, gamma, None))
        feats = ChebyshevFeatures(degrees, task.lower, task.upper, stretches)
        return Linearized(blocks, multipliers, feats, float(eps), task.fields, params,
                          math.prod(n + 1 for n in degrees))

    return linearized


def attempt(setup, kind: Spectral, fields: tuple[str, ...], gamma: float | None, progress) -> Attempt:
    """Solve the stage; its coefficients per field and parameter corrections as the theta."""
    fitted = kind.fit(setup, None, progress)
    solve = fitted.params
    theta = ({n: (solve.coefficients[n], solve.stretches) for n in fields}, {p: jnp.float64(v) for p, v in solve.corrections.items()})
    figures = {"gamma": float(GAMMA if gamma is None else gamma), "condition": solve.condition,
               "unknowns": float(math.prod(n + 1 for n in solve.degrees)),
               "stretched": float(sum(s is not None for s in solve.stretches))}
    return Attempt(theta, fitted.loss, fitted.iterations, figures)
