"""Sketch-and-precondition least squares: a count sketch of the rows, its SVD as a right
preconditioner, LSQR started from the sketch's own solution.

A count sketch S (s = ``rows_per_column`` n rows, each row of a added with a random sign to
one random row of S a) keeps the norms of every a x within a small factor. The SVD of the
small S a = U diag(sv) V^T, cut at ``RCOND`` like the dense solve, gives P = V_k diag(1/sv_k):
a P has singular values near 1, so LSQR on min ||a P y - b|| converges in tens to hundreds of
products with a and a^T; x = P y. Started from y = 0 the iteration stalls near 1e-5 of |b| on
drawn features (rounding in a P, whose entries reach 1e13, swamps the small steps); started
from the sketch-and-solve solution y0 = U_k^T S b it reaches the dense solve's residual
(bench/lstsq.py; the warm start is what published analyses of sketch-and-precondition ask for
its stability).

Why it exists, and why it is not the default (bench/lstsq.py, bench/RESULTS.md "Linear
least-squares solves"): it needs no scaled copy of a and no SVD work array of a's size, so
where the rows far outnumber the unknowns it holds less (30,400 x 1,501: 0.36 GB above the
matrix against the dense solve's 0.73 GB); at the shapes stages use (2-4 rows per unknown) its
sketch and SVD are as large as the dense solve's work, and on this 2-core machine it was 1.1x
to 3.6x slower than the dense SVD (products with a dense a are memory-bound), at the same
residual.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg

from pdec.solver import keys
from pdec.solver.lstsq.base import RCOND, LinearSolve, Solved, unit_columns


def count_sketch(m: int, s: int, rng: np.random.Generator) -> scipy.sparse.csr_matrix:
    """An s x m count sketch: column i holds one random sign in one random row."""
    rows = rng.integers(0, s, m)
    signs = rng.choice(np.array([-1.0, 1.0]), m)
    return scipy.sparse.csr_matrix((signs, (rows, np.arange(m))), shape=(s, m))


@dataclass(frozen=True)
class Sketched(LinearSolve):
    """argmin ||a x - b|| by sketch-and-precondition LSQR (rank cut at RCOND of the sketch's
    largest singular value, like `Dense`); the same sketch for a given seed and shape."""

    rows_per_column: float = 2.0  # rows of the sketch per unknown
    iterations: int = 500  # LSQR's cap
    tol: float = 1e-16  # LSQR's atol and btol: run to float64 resolution
    seed: int = keys.SKETCH

    def nbytes(self, rows: int, cols: int) -> float:
        s = self.rows_per_column * cols
        return 8.0 * (rows * cols + 3.0 * s * cols + 2.0 * cols * cols)  # a; S a, U, work; V, P

    def __call__(self, a, b) -> Solved:
        a, b, norms = unit_columns(a, b)
        m, n = a.shape
        sketch = count_sketch(m, max(int(self.rows_per_column * n), 1), np.random.default_rng(self.seed))
        u, sv, vt = scipy.linalg.svd((sketch @ a) / norms, full_matrices=False)
        k = int(np.sum(sv > RCOND * sv[0])) if sv.size and sv[0] > 0 else 0
        if k == 0:
            return Solved(np.zeros(n), 0, float("inf"))
        p = (vt[:k].T / sv[:k]) / norms[:, None]  # x = p y
        y0 = u[:, :k].T @ (sketch @ b)  # sketch-and-solve: the start that keeps LSQR accurate
        op = scipy.sparse.linalg.LinearOperator((m, k), matvec=lambda y: a @ (p @ y),
                                                rmatvec=lambda z: p.T @ (a.T @ z), dtype=np.float64)
        dy = scipy.sparse.linalg.lsqr(op, b - a @ (p @ y0), atol=self.tol, btol=self.tol, conlim=1e20,
                                      iter_lim=self.iterations)[0]
        return Solved(p @ (y0 + dy), k, float(sv[0] / sv[k - 1]))
