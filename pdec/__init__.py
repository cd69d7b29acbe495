"""pdec: a symbolic-to-numeric PDE compiler solved by multi-stage neural networks.

    problem = pdec.compile("problems/poisson1d.pde")
    solution = pdec.solve(problem)
    solution(points)          # (N, d) -> (N,) or (N, n_fields)
"""

import os

# Levenberg-Marquardt stages factor small dense matrices through LAPACK (OpenBLAS). Its worker
# threads spin: on a busy 2-core machine a 1000x1000 Cholesky was measured to take 0.15-2.6 s
# instead of 0.01 s, and one thread is as fast when the machine is idle (bench/RESULTS.md). A
# user's own setting wins; this only takes effect if pdec is imported before NumPy/SciPy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import jax  # noqa: E402

# pdec works in float64 everywhere: the multi-stage method aims at errors near 1e-15, far
# below float32's 1e-7. This is the one place where it is switched on, before any array exists.
jax.config.update("jax_enable_x64", True)

__version__ = "0.1.0"

from pdec.api import compile, compile_text  # noqa: E402  (after float64 is on)
from pdec.errors import PdecError  # noqa: E402
from pdec.lowering import lower  # noqa: E402
from pdec.problem import Problem  # noqa: E402
from pdec.solution import Solution  # noqa: E402
from pdec.solve import solve  # noqa: E402
from pdec.store import load, save  # noqa: E402

__all__ = ["compile", "compile_text", "lower", "solve", "save", "load", "PdecError", "Problem", "Solution"]
