"""Test setup: pdec's process-wide settings (float64, one BLAS thread) before any test module
imports JAX or NumPy (`pdec.settings`)."""

import pdec.settings  # noqa: F401
