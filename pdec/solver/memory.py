"""Memory: the peak a stage used, what the machine has free, and a run that would not fit.

The peak is the process's resident high-water mark (Linux: ``VmHWM``, reset before each stage
through ``/proc/self/clear_refs``; elsewhere the process's peak so far, which never falls).
"""

from __future__ import annotations

import math
import os
import resource
import sys
from pathlib import Path

from pdec.errors import PdecError

GB = 1e9


def reset_peak() -> None:
    """Start a new high-water mark (Linux; elsewhere nothing happens)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _kib(path: str, name: str) -> float | None:
    """The bytes of a ``NAME:  N kB`` line of a /proc file (None where there is none)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name + ":"):
                return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    return None


def peak_bytes() -> float:
    """The resident high-water mark since the last `reset_peak` (or since the process began)."""
    peak = _kib("/proc/self/status", "VmHWM")
    if peak is not None:
        return peak
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return float(rss) * (1.0 if sys.platform == "darwin" else 1024.0)


def available_bytes() -> float:
    """Memory the machine has free now (Linux: MemAvailable; else free pages; inf if unknown)."""
    free = _kib("/proc/meminfo", "MemAvailable")
    if free is not None:
        return free
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return math.inf


def check_fits(stage: int, need: float, what: str, free: float | None = None) -> None:
    """Refuse, before any work, a stage whose largest array (``need`` bytes, ``what``) would not
    fit in the memory the machine has free."""
    free = available_bytes() if free is None else free
    if need > free:
        raise PdecError(f"stage {stage} would need {need / GB:.1f} GB for {what}, more than the "
                        f"{free / GB:.1f} GB this machine has free",
                        hint="ask for fewer points (`solver points = N`) or fewer stages (`solver stages = N`)")
