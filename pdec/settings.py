"""Process-wide settings, made in this one module before any array exists.

- float64: pdec works in float64 everywhere (the multi-stage method aims at errors near 1e-15,
  far below float32's 1e-7). This is the one place where it is switched on; ``require_float64``
  lets a solve refuse to start if something switched it off again.
- BLAS threads: Levenberg-Marquardt stages factor small dense matrices through LAPACK
  (OpenBLAS), whose worker threads spin: on a busy 2-core machine a 1000x1000 Cholesky was
  measured to take 0.15-2.6 s instead of 0.01 s, and one thread is as fast when the machine is
  idle (bench/RESULTS.md). A user's own setting wins; it only takes effect if pdec is imported
  before NumPy/SciPy.

``import pdec`` imports this module first; nothing else in pdec changes process state.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)


def require_float64() -> None:
    """Raise PdecError if float64 has been switched off since pdec was imported."""
    from pdec.errors import PdecError

    if not jax.config.read("jax_enable_x64"):
        raise PdecError("float64 is switched off (jax_enable_x64 is False): pdec solves in float64 only",
                        hint="do not set jax_enable_x64 to False (or JAX_ENABLE_X64=0) in a process that runs pdec")
