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

from pdec.solver.lstsq.base import RCOND, LinearSolve, Solved, unit_columns


@dataclass(frozen=True)
class Dense(LinearSolve):
    """argmin ||a x - b||, minimum-norm, for a of shape (m, n) (any m, n; zero columns allowed)."""

    def nbytes(self, rows: int, cols: int) -> float:
        return 8.0 * 3 * rows * cols  # a, its unit-column copy, the SVD's work arrays

    def __call__(self, a, b) -> Solved:
        a, b, norms = unit_columns(a, b)
        y, _, rank, sv = np.linalg.lstsq(a / norms, b, rcond=RCOND)
        cond = float(sv[0] / sv[rank - 1]) if rank > 0 else float("inf")
        return Solved(y / norms, int(rank), cond)
