"""Linear least squares, argmin ||a x - b||, in three variants (one file each):

- `Dense` (``solve``): LAPACK's SVD-based solve with scaled columns and a rank cut, minimum
  norm: the solve of drawn features, whose matrices are numerically rank-deficient;
- `FullRankQR` (``solve_full_rank``): Householder QR, for bases of full column rank (tensor
  Chebyshev polynomials on Chebyshev nodes), ~5x faster than the SVD;
- `Sketched`: a count sketch of the rows, its SVD as a right preconditioner and LSQR, started
  from the sketch's own solution: no copy and no work array of the matrix's size (less memory
  where rows far outnumber unknowns), at the cost of time (bench/lstsq.py: 1.1x to 3.6x slower
  than `Dense` at the sizes stages reach on a 2-core machine).

Each is a frozen type with ``__call__(a, b) -> Solved`` and ``nbytes(rows, cols)`` (the most
memory it holds at once, for the memory estimate of a stage).
"""

from pdec.solver.lstsq.base import MAX_ENTRIES, RCOND, LinearSolve, Solved
from pdec.solver.lstsq.dense import Dense
from pdec.solver.lstsq.full_rank import FullRankQR
from pdec.solver.lstsq.sketched import Sketched

solve = Dense()
solve_full_rank = FullRankQR()

__all__ = ["MAX_ENTRIES", "RCOND", "LinearSolve", "Solved", "Dense", "FullRankQR", "Sketched", "solve", "solve_full_rank"]
