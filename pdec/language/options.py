"""Solver options: what a `.pde` file's `solver` line and the command line may set.

    solver stages = 3, tol = 1e-12, adam = 500, iterations = 200, points = 800, gamma = auto

Every option is optional; an option not given keeps the solver's measured default. The command
line overrides the file, the file overrides the defaults. Each option is checked here, once,
whether it comes from a file (the error points at it) or from Python.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Callable

from pdec.errors import PdecError

Value = float | int | str | None


@dataclass(frozen=True)
class Spec:
    """One option: what it means, and which values it takes."""

    help: str
    kind: str  # "int", "float", "gamma", "switch"
    minimum: float = 0.0


SPECS: dict[str, Spec] = {
    "stages": Spec("maximum number of stages", "int", 1),
    "tol": Spec("stop when the relative L2 error (or, without an exact solution, the estimate) is below this",
                "float"),
    "seed": Spec("random seed of networks and sample points", "int", 0),
    "adam": Spec("Adam steps at the start of every stage", "int", 0),
    "iterations": Spec("Levenberg-Marquardt (or L-BFGS) iterations per stage", "int", 1),
    "points": Spec("sample (collocation) points of stage 1; later stages get more", "int", 1),
    "width": Spec("hidden layer width of every stage network", "int", 1),
    "gamma": Spec("weight of the equations against conditions and data, in (0, 1), or auto", "gamma"),
    "gpinn": Spec("gradient-enhanced term: on, off, or its weight (> 0)", "switch"),
}


def check(name: str, value: Value, error: Callable[[str, str | None], PdecError] | None = None) -> Value:
    """`value` for option `name`, normalized (ints as int, `auto` gamma as None), or PdecError.

    `error(message, hint)` builds the exception (the parser passes one that knows the line).
    """
    fail = error or (lambda message, hint=None: PdecError(message, hint=hint))
    if name not in SPECS:
        close = difflib.get_close_matches(name, SPECS, n=1)
        raise fail(f"unknown solver option '{name}'",
                   f"did you mean {close[0]}?" if close else "options: " + ", ".join(SPECS))
    spec = SPECS[name]
    if spec.kind == "gamma":
        if value == "auto" or value is None:
            return None
        if isinstance(value, str) or not 0.0 < float(value) < 1.0:
            raise fail(f"gamma must be auto or a number strictly between 0 and 1 (got {value})", None)
        return float(value)
    if spec.kind == "switch":
        if value in ("on", "off"):
            return value
        if isinstance(value, str) or not float(value) > 0.0 or not math.isfinite(float(value)):
            raise fail(f"{name} must be on, off or a positive weight (got {value})", None)
        return float(value)
    if isinstance(value, str):
        raise fail(f"{name} takes a number, not '{value}'", spec.help)
    if spec.kind == "int":
        if float(value) != int(value) or int(value) < spec.minimum:
            raise fail(f"{name} must be a whole number >= {spec.minimum:g} (got {value:g})", spec.help)
        return int(value)
    if not (0.0 < float(value) < math.inf):
        raise fail(f"{name} must be a positive number (got {value:g})", spec.help)
    return float(value)


def merge(*layers: dict[str, Value]) -> dict[str, Value]:
    """Checked options; later layers override earlier ones, a None value means "not given"."""
    out: dict[str, Value] = {}
    for layer in layers:
        for k, v in layer.items():
            if v is not None:
                out[k] = check(k, v)
    return out
