"""Least squares for a matrix of full column rank, by Householder QR with scaled columns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from pdec.solver.lstsq.base import RCOND, LinearSolve, Solved, unit_columns
from pdec.solver.lstsq.dense import Dense


@dataclass(frozen=True)
class FullRankQR(LinearSolve):
    """argmin ||a x - b|| for a of full column rank (m >= n), Q never formed: about 5x faster
    than `Dense`'s SVD at 8000 unknowns (26 s against ~250 s, 1.3 n rows), for bases that are
    well conditioned (tensor Chebyshev polynomials on Chebyshev nodes), where no rank needs
    cutting. Falls back to `Dense` where the rank is cut after all. The condition figure is
    max |R_ii| / min |R_ii| (a lower bound of the true one)."""

    def nbytes(self, rows: int, cols: int) -> float:
        return 8.0 * 2 * rows * cols  # a and its scaled copy, which the QR overwrites

    def __call__(self, a, b) -> Solved:
        a, b, norms = unit_columns(a, b)
        scaled = np.empty(a.shape, order="F")  # LAPACK's order: the QR works in it, no further copy
        np.divide(a, norms, out=scaled)
        qtb, r = scipy.linalg.qr_multiply(scaled, b[None, :], mode="right", overwrite_a=True)
        del scaled
        diag = np.abs(np.diag(r))
        if a.shape[0] < a.shape[1] or diag.min() <= RCOND * diag.max():  # not of full rank after all
            return Dense()(a, b)
        y = scipy.linalg.solve_triangular(r, qtb[0])
        return Solved(y / norms, int(a.shape[1]), float(diag.max() / max(diag.min(), 1e-300)))
