"""pdec: a symbolic-to-numeric PDE compiler solved by multi-stage neural networks.

    problem = pdec.compile("problems/poisson1d.pde")
    solution = pdec.solve(problem)
    solution(points)          # (N, d) -> (N,) or (N, n_fields)

The pipeline, one layer a subpackage: `pdec.language` (text -> checked Problem -> JAX
residuals), `pdec.solver` (stages), the result (`pdec.solution`, `pdec.records`, `pdec.store`),
`pdec.cli` (the command-line tool). See docs/architecture.md.
"""

from pdec import settings  # noqa: F401  (float64 and BLAS threads, before any array exists)

__version__ = "0.1.0"

from pdec.errors import PdecError  # noqa: E402
from pdec.language.compile import compile, compile_text  # noqa: E402
from pdec.language.lowering import lower  # noqa: E402
from pdec.language.problem import Problem  # noqa: E402
from pdec.solution import Solution  # noqa: E402
from pdec.solver.solve import solve  # noqa: E402
from pdec.store import load, save  # noqa: E402

__all__ = ["compile", "compile_text", "lower", "solve", "save", "load", "PdecError", "Problem", "Solution"]
