"""What every least-squares solve shares: the rank cut, the result and the scaled columns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RCOND = 1e-13  # singular values kept: above RCOND times the largest (float64 resolution, with margin)
# entries of a least-squares matrix a stage builds (~1 GB in float64): caps a collocation stage's
# points and a least-squares fit's features on big data
MAX_ENTRIES = 1.2e8


@dataclass(frozen=True)
class Solved:
    """A least-squares solution, the numerical rank and the condition number of what was kept."""

    x: np.ndarray
    rank: int
    condition: float


def unit_columns(a, b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """a and b as float64, and the norms that scale a's columns to 1 (1 for a zero column).

    Scaled columns make a parameter's column and a feature's weigh alike in the rank cut."""
    a = np.asarray(a, dtype=np.float64)
    norms = np.linalg.norm(a, axis=0)
    return a, np.asarray(b, dtype=np.float64), np.where(norms > 0, norms, 1.0)


@dataclass(frozen=True)
class LinearSolve:
    """A way to solve argmin ||a x - b|| for a of shape (m, n)."""

    def nbytes(self, rows: int, cols: int) -> float:
        """The most bytes the solve of a rows x cols matrix holds at once (the matrix included):
        the memory estimate of a stage (`pdec.solver.memory`)."""
        raise NotImplementedError

    def __call__(self, a, b) -> Solved:
        raise NotImplementedError
