"""Solver options: what a `.pde` file's `solver` line and the command line may set.

    solver stages = 3, tol = 1e-12, method = trained, adam = 500, iterations = 200, points = 800

Every option is optional; an option not given keeps the solver's measured default. The command
line overrides the file, the file overrides the defaults. Each option is checked here, once,
whether it comes from a file (the error points at it) or from Python.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Callable, Mapping

from pdec.errors import PdecError

Value = float | int | str | None


@dataclass(frozen=True)
class Spec:
    """One option: what it means, and which values it takes."""

    help: str
    kind: str  # "int", "float", "gamma", "switch", "choice"
    minimum: float = 0.0
    choices: tuple[str, ...] = ()


SPECS: dict[str, Spec] = {
    "stages": Spec("maximum number of stages", "int", 1),
    "tol": Spec("stop when the estimated relative L2 error is below this (from stage 2 on; an exact "
                "solution plays no part)", "float"),
    "seed": Spec("random seed of networks and sample points", "int", 0),
    "method": Spec("how stages 2 and up (all stages of an equation) are fitted: lstsq (drawn features, "
                   "solved by least squares) or trained (networks trained by Adam and Levenberg-Marquardt)",
                   "choice", choices=("lstsq", "trained")),
    "adam": Spec("Adam steps at the start of every stage", "int", 0),
    "iterations": Spec("Levenberg-Marquardt (or L-BFGS) iterations per stage", "int", 1),
    "points": Spec("sample (collocation) points of stage 1; later stages get more", "int", 1),
    "width": Spec("hidden layer width of every stage network", "int", 1),
    "gamma": Spec("weight of the equations against conditions and data, in (0, 1), or auto", "gamma"),
    "gpinn": Spec("gradient-enhanced term: on, off, or its weight (> 0)", "switch"),
}
WORDS = frozenset({"on", "off", "auto"} | {c for spec in SPECS.values() for c in spec.choices})  # word values


def check(name: str, value: Value, error: Callable[[str, str | None], PdecError] | None = None) -> Value:
    """`value` for option `name`, normalized (ints as int, floats as float), or PdecError.

    `error(message, hint)` builds the exception (the parser passes one that knows the line).
    """
    fail = error or (lambda message, hint=None: PdecError(message, hint=hint))
    if name not in SPECS:
        close = difflib.get_close_matches(name, SPECS, n=1)
        raise fail(f"unknown solver option '{name}'",
                   f"did you mean {close[0]}?" if close else "options: " + ", ".join(SPECS))
    spec = SPECS[name]
    if spec.kind == "choice":
        if value not in spec.choices:
            raise fail(f"{name} must be one of {', '.join(spec.choices)} (got {value})", spec.help)
        return value
    if spec.kind == "gamma":
        if value == "auto":
            return "auto"
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


DEFAULT_STAGES = 4
DEFAULT_TOL = 1e-15
DEFAULT_SEED = 0


@dataclass(frozen=True)
class SolverOptions:
    """The solver options, each None where not given (the solver's measured default applies).

    The same type holds a file's `solver` line (`Problem.options`), the command line and the
    keywords of `pdec.solve`; ``merged`` layers them (later wins). Every value is checked when
    the object is made, with the messages of `check`.
    """

    stages: int | None = None
    tol: float | None = None
    seed: int | None = None
    method: str | None = None  # "lstsq" or "trained"
    adam: int | None = None
    iterations: int | None = None
    points: int | None = None
    width: int | None = None
    gamma: float | str | None = None  # "auto" or a number in (0, 1)
    gpinn: float | str | None = None  # "on", "off" or a positive weight

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                object.__setattr__(self, f.name, check(f.name, value))

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> "SolverOptions":
        """Options from a mapping of names (an unknown name is a PdecError with a suggestion)."""
        for name in values:
            if name not in SPECS:
                check(name, None)  # raises, with the closest name as a hint
        return cls(**dict(values))

    def merged(self, later: "SolverOptions") -> "SolverOptions":
        """These options with every option that ``later`` gives put over them."""
        return replace(self, **later.given())

    def given(self) -> dict[str, Any]:
        """The options that were given, by name."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @property
    def max_stages(self) -> int:
        return DEFAULT_STAGES if self.stages is None else self.stages

    @property
    def tolerance(self) -> float:
        return DEFAULT_TOL if self.tol is None else self.tol

    @property
    def root_seed(self) -> int:
        return DEFAULT_SEED if self.seed is None else self.seed
