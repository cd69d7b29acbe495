"""A live progress line for long training: phase, step/total, loss, rate.

On a terminal it rewrites one line of stderr in place (at most a few times a second); into a
file or a pipe it writes nothing, so logs keep only the per-stage lines.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    """Callable as an optimizer progress hook: ``line(phase, step, total, loss)``."""

    def __init__(self, stream: TextIO | None = None, min_interval: float = 0.2):
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.min_interval = min_interval
        self._phase, self._t0, self._step0, self._last, self._width = "", 0.0, 0, 0.0, 0

    def __call__(self, phase: str, step: int, total: int, loss: float) -> None:
        if not self.live:
            return
        now = time.perf_counter()
        if phase != self._phase:
            self._phase, self._t0, self._step0 = phase, now, step
        if now - self._last < self.min_interval and step < total:
            return
        self._last = now
        rate = (step - self._step0) / (now - self._t0) if now > self._t0 else 0.0
        filled = int(20 * step / max(total, 1))
        text = (f"  {phase:<16s} [{'#' * filled}{'.' * (20 - filled)}] {step}/{total}  "
                f"loss {loss:.3e}  {rate:.0f} it/s")
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def clear(self) -> None:
        """Erase the line (before a stage's summary line is printed)."""
        if self.live and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
