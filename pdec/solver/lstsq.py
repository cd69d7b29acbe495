"""Dense linear least squares with scaled columns, through LAPACK (NumPy's SVD-based gelsd).

Drawn features are nearly dependent: their matrix is numerically rank-deficient, with singular
values falling smoothly to float64 resolution. The solve scales each column to unit norm (so a
parameter's column and a feature's weigh alike), drops the singular values below
``RCOND * largest`` and returns the minimum-norm solution: the smallest coefficients that reach
the least residual, which keeps the stage from cancelling large terms between the sample points.
No normal equations: they would square the condition number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RCOND = 1e-13  # singular values kept: above RCOND times the largest (float64 resolution, with margin)


@dataclass(frozen=True)
class Solved:
    """A least-squares solution, the numerical rank and the condition number of what was kept."""

    x: np.ndarray
    rank: int
    condition: float


def solve(a, b) -> Solved:
    """argmin ||a x - b||, minimum-norm, for a of shape (m, n) (any m, n; zero columns allowed)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    norms = np.linalg.norm(a, axis=0)
    norms = np.where(norms > 0, norms, 1.0)
    y, _, rank, sv = np.linalg.lstsq(a / norms, b, rcond=RCOND)
    cond = float(sv[0] / sv[rank - 1]) if rank > 0 else float("inf")
    return Solved(y / norms, int(rank), cond)
