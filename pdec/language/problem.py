"""The checked problem: every symbol classified, every statement as a SymPy expression.

Immutable data only. Residual expressions are `lhs - rhs`; fields appear in them as SymPy
applied functions (u(x, t)) and their derivatives as `sympy.Derivative`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import sympy as sp

from pdec.geometry.domain import Geometry
from pdec.language.options import SolverOptions

MultiIndex = tuple[int, ...]  # derivative order along each domain coordinate, in domain order


@dataclass(frozen=True)
class Coordinate:
    """One axis of the box: `x in [lower, upper]`; `t` is time. A coordinate of a shape spans
    the shape's bounding box."""

    name: str
    lower: float
    upper: float
    lower_expr: sp.Expr
    upper_expr: sp.Expr

    @property
    def is_time(self) -> bool:
        return self.name == "t"


@dataclass(frozen=True)
class Field:
    """An unknown function over some of the coordinates (in the domain's order)."""

    name: str
    coordinates: tuple[str, ...]

    def applied(self) -> sp.Expr:
        """The field as SymPy sees it in expressions: u(x, t)."""
        return sp.Function(self.name)(*(sp.Symbol(c, real=True) for c in self.coordinates))


@dataclass(frozen=True)
class Constant:
    name: str
    expr: sp.Expr  # in terms of numbers only (earlier constants substituted)

    @property
    def value(self) -> float:
        return float(self.expr)


@dataclass(frozen=True)
class Parameter:
    """An unknown to infer; `guess` is where training starts, `truth` only for reports."""

    name: str
    guess: float
    truth: float | None = None
    declared: bool = False


@dataclass(frozen=True)
class Face:
    """The face `coordinate = value` of the box (value is one of the interval's ends)."""

    coordinate: str
    value: float

    def label(self) -> str:
        return f"{self.coordinate} = {self.value:g}"


@dataclass(frozen=True)
class Interior:
    def label(self) -> str:
        return "interior"


@dataclass(frozen=True)
class AtPoint:
    """A point given by some coordinates; on a face or inside."""

    values: tuple[tuple[str, float], ...]

    def label(self) -> str:
        return ", ".join(f"{c} = {v:g}" for c, v in self.values)


@dataclass(frozen=True)
class OnPiece:
    """The part of one boundary piece of a shaped domain (`Problem.geometry.pieces[index]`)
    that lies on the domain's boundary."""

    index: int
    text: str

    def label(self) -> str:
        return self.text


Location = Face | Interior | AtPoint | OnPiece


@dataclass(frozen=True)
class Residual:
    """One equation or condition, `expr = lhs - rhs = 0` at `location`.

    `derivatives` lists, per field, the multi-indices that appear (0-th order included when the
    field's value appears), so the solver knows what to compute at the sample points.
    """

    kind: str  # "equation" | "boundary" | "initial" | "point"
    expr: sp.Expr
    location: Location
    derivatives: tuple[tuple[str, MultiIndex], ...]
    text: str
    line: int
    lhs: sp.Expr = sp.Integer(0)
    rhs: sp.Expr = sp.Integer(0)

    @property
    def max_order(self) -> int:
        return max((sum(a) for _, a in self.derivatives), default=0)


@dataclass(frozen=True)
class Periodic:
    """`periodic x`: each field and its derivatives along x up to `order` match at both ends."""

    coordinate: str
    order: int
    line: int


@dataclass(frozen=True)
class Observation:
    """Values of some fields at scattered points: from a CSV file or sampled from `exact`."""

    fields: tuple[str, ...]
    points: np.ndarray  # (N, d) in domain coordinate order
    values: np.ndarray  # (N, len(fields))
    source: str  # the file's path, or "N points of exact"
    noise: float = 0.0
    line: int = 0


@dataclass(frozen=True)
class Fit:
    """A regression target for one field: a closed form, or data at scattered points."""

    field: str
    expr: sp.Expr | None = None
    points: np.ndarray | None = None
    values: np.ndarray | None = None
    source: str = ""
    line: int = 0


@dataclass(frozen=True, eq=False)
class Problem:
    """A checked `.pde` problem. Build it with `pdec.compile` or `pdec.compile_text`."""

    coordinates: tuple[Coordinate, ...]
    fields: tuple[Field, ...]
    constants: tuple[Constant, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    equations: tuple[Residual, ...] = ()
    conditions: tuple[Residual, ...] = ()
    periodic: tuple[Periodic, ...] = ()
    observations: tuple[Observation, ...] = ()
    fits: tuple[Fit, ...] = ()
    exact: Mapping[str, sp.Expr] = field(default_factory=dict)
    references: tuple[Observation, ...] = ()  # `reference u from "file.csv"`: values to score against
    geometry: Geometry | None = None  # `domain x, y in SHAPE`; None: the box of the coordinates
    options: SolverOptions = field(default_factory=SolverOptions)  # the file's `solver` line, checked
    source: str = ""
    filename: str = "<text>"

    @property
    def dimension(self) -> int:
        """The number of coordinates (1 to 3)."""
        return len(self.coordinates)

    @property
    def coordinate_names(self) -> tuple[str, ...]:
        """The coordinates' names in the domain's order: the columns of every points array."""
        return tuple(c.name for c in self.coordinates)

    @property
    def field_names(self) -> tuple[str, ...]:
        """The fields' names in declared order: the columns of a multi-field solution's values."""
        return tuple(f.name for f in self.fields)

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """The names of the unknown parameters to infer."""
        return tuple(p.name for p in self.parameters)

    def inside(self, points: np.ndarray) -> np.ndarray:
        """Whether each point (N, d) lies in the domain (the box, or the shape within it)."""
        pts = np.asarray(points, dtype=np.float64)
        span = self.upper - self.lower
        mask = np.all((pts >= self.lower - 1e-12 * span) & (pts <= self.upper + 1e-12 * span), axis=1)
        return mask & self.geometry.contains(pts, 1e-12) if self.geometry is not None else mask

    @property
    def lower(self) -> np.ndarray:
        """The box's lower corner (d,), float64."""
        return np.array([c.lower for c in self.coordinates], dtype=np.float64)

    @property
    def upper(self) -> np.ndarray:
        """The box's upper corner (d,), float64."""
        return np.array([c.upper for c in self.coordinates], dtype=np.float64)

    @property
    def is_regression(self) -> bool:
        """Whether this is a `fit` problem (regression, no equation)."""
        return bool(self.fits)
