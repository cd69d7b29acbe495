"""Process-wide settings, made in this one module before any array exists.

- float64: pdec works in float64 everywhere (the multi-stage method aims at errors near 1e-15,
  far below float32's 1e-7). This is the one place where it is switched on; ``require_float64``
  lets a solve refuse to start if something switched it off again.
- BLAS threads: Levenberg-Marquardt stages factor small dense matrices through LAPACK
  (OpenBLAS), whose worker threads spin: on a busy 2-core machine a 1000x1000 Cholesky was
  measured to take 0.15-2.6 s instead of 0.01 s, and one thread is as fast when the machine is
  idle (bench/RESULTS.md). A user's own setting wins; it only takes effect if pdec is imported
  before NumPy/SciPy.

- The compilation cache (`use_compilation_cache`): JAX's persistent cache of compiled programs
  in a user cache folder, so a second run of the same file, or of a similar one, does not
  compile again. The `pdec` tool switches it on (``PDEC_COMPILATION_CACHE=off`` turns it off, a
  path puts it there); Python users call it themselves.

``import pdec`` imports this module first; nothing else in pdec changes process state.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)


def require_float64() -> None:
    """Raise PdecError if float64 has been switched off since pdec was imported."""
    from pdec.errors import PdecError

    if not jax.config.read("jax_enable_x64"):
        raise PdecError("float64 is switched off (jax_enable_x64 is False): pdec solves in float64 only",
                        hint="do not set jax_enable_x64 to False (or JAX_ENABLE_X64=0) in a process that runs pdec")


CACHE_VARIABLE = "PDEC_COMPILATION_CACHE"


def cache_folder() -> Path | None:
    """Where compiled programs are kept: ``$PDEC_COMPILATION_CACHE`` (``off``: nowhere), else
    ``$XDG_CACHE_HOME/pdec/jax`` (``~/.cache/pdec/jax``)."""
    given = os.environ.get(CACHE_VARIABLE, "")
    if given.lower() in ("off", "0", "no", "false"):
        return None
    if given:
        return Path(given).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pdec" / "jax"


def use_compilation_cache() -> Path | None:
    """Switch JAX's persistent compilation cache on in `cache_folder` (every program, however
    quick to compile: a solve compiles dozens of small ones); returns the folder (None: off, or
    a folder that cannot be made). Call it before the first compilation."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    jax.config.update("jax_compilation_cache_dir", str(folder))
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    return folder
