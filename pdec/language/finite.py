"""Known functions checked on the domain before any training: finite and real, or a located error.

A right side like `log(-1 - x^2)`, `1/x` on [-1, 1] or `1e308*1e308*x` is well-formed but has no
float64 value somewhere; the solver would meet NaN or infinity and end in nonsense. Every known
part of a statement (the statement with each field term set to 1 and each unknown parameter to
its guess) is evaluated in float64 on a dense grid of where the statement holds (the box, a face
or a point): uniform nodes (odd counts, so the centre is one) and Chebyshev-Lobatto nodes, the
kinds of grid the solver samples; a denominator that is a polynomial in one coordinate is solved
for its zeros, so a pole between the nodes is found too. A value that is not finite, or not
real, is refused at the statement with the first point where it fails.
"""

from __future__ import annotations

import math
import warnings
from typing import Mapping

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from pdec.errors import PdecError, Span
from pdec.language.declarations import DEFAULT_GUESS
from pdec.language.parse import span_of
from pdec.language.printing import lambdify
from pdec.geometry.domain import Geometry
from pdec.language.problem import AtPoint, Coordinate, Face, Interior, Location, OnPiece

# Nodes per axis (uniform, Chebyshev-Lobatto) by dimension: about 5,600, 18,000 and 34,000 points.
NODES = {1: (4097, 1501), 2: (129, 41), 3: (25, 9)}
PIECE_POINTS, PIECE_SEED = 4096, 0  # a boundary piece of a shaped domain: this many random points
HINT = "pdec evaluates every known function on a grid of the domain before solving; it must be finite and real there"


def axis_nodes(c: Coordinate, d: int) -> np.ndarray:
    """The sample nodes of one coordinate: uniform and Chebyshev-Lobatto, ends included."""
    uniform, cheb = NODES.get(d, (9, 5))
    z = np.concatenate([np.linspace(-1.0, 1.0, uniform), np.cos(np.pi * np.arange(cheb) / (cheb - 1))])
    return np.unique(c.lower + (z + 1.0) * 0.5 * (c.upper - c.lower))


def sample(coordinates: tuple[Coordinate, ...], location: Location, geometry: Geometry | None = None) -> np.ndarray:
    """Points (N, d) where a statement at ``location`` holds (in a shaped domain: the grid's
    points inside it, or PIECE_POINTS points of a boundary piece)."""
    if geometry is not None and isinstance(location, OnPiece):
        lo = np.array([c.lower for c in coordinates])
        hi = np.array([c.upper for c in coordinates])
        return geometry.piece_points(np.random.default_rng(PIECE_SEED), location.index, lo, hi, PIECE_POINTS)
    if geometry is not None:
        points = sample(coordinates, location)
        return points[geometry.contains(points, 1e-12)]
    fixed = {}
    if isinstance(location, Face):
        fixed = {location.coordinate: location.value}
    elif isinstance(location, AtPoint):
        fixed = dict(location.values)
    d = len(coordinates)
    axes = [np.array([fixed[c.name]]) if c.name in fixed else axis_nodes(c, d) for c in coordinates]
    return np.stack([a.reshape(-1) for a in np.meshgrid(*axes, indexing="ij")], axis=1)


def known_part(expr: sp.Expr, coordinates: tuple[str, ...], guesses: Mapping[str, float]) -> sp.Expr:
    """``expr`` with every field term set to 1 and every other name but the coordinates (the
    unknown parameters) set to its guess (1 where none is given)."""
    terms = expr.atoms(sp.Derivative) | expr.atoms(AppliedUndef)
    expr = expr.xreplace({term: sp.Integer(1) for term in terms})
    return expr.xreplace({s: sp.Float(guesses.get(s.name, DEFAULT_GUESS)) for s in expr.free_symbols
                          if s.name not in coordinates})


def _huge(expr: sp.Expr) -> sp.Number | None:
    """A number in ``expr`` beyond float64's range, if any."""
    for number in expr.atoms(sp.Number):
        try:
            if not math.isfinite(float(number)):
                return number
        except (OverflowError, TypeError):
            return number
    return None


def _poles(known: sp.Expr, coordinates: tuple[Coordinate, ...], location: Location) -> str | None:
    """A point of ``location`` where a denominator that is a polynomial in one coordinate
    vanishes (found exactly, so a pole between the grid's nodes is found too), as text."""
    fixed = {location.coordinate: location.value} if isinstance(location, Face) else \
        dict(location.values) if isinstance(location, AtPoint) else {}
    for power in known.atoms(sp.Pow):
        if not (power.exp.is_number and power.exp.is_negative):
            continue
        den = power.base.xreplace({sp.Symbol(n, real=True): sp.Float(v) for n, v in fixed.items()})
        free = [c for c in coordinates if sp.Symbol(c.name, real=True) in den.free_symbols]
        if len(free) != 1 or len(den.free_symbols) != 1 or not den.is_polynomial():
            continue
        (c,) = free
        for root in sp.Poly(den, sp.Symbol(c.name, real=True)).real_roots():
            value = float(root)
            if c.lower <= value <= c.upper:
                return f"{c.name} = {value:.6g}" + ("" if len(coordinates) == 1 else f" (a zero of {sp.sstr(power.base)})")
    return None


def check_finite(expr: sp.Expr, coordinates: tuple[Coordinate, ...], location: Location,
                 parameters: Mapping[str, float], where: Span, what: str, geometry: Geometry | None = None) -> None:
    """Raise PdecError at ``where`` if the known part of ``expr`` is not finite and real at some
    sample point of ``location`` (``what`` names it in the message: "the right side");
    ``parameters``: the guesses of the unknown parameters given so far."""
    names = [c.name for c in coordinates]
    known = known_part(expr, tuple(names), parameters)
    if known.has(sp.zoo, sp.oo, sp.nan):  # e.g. pi/0*x: SymPy keeps an infinity no printer can write
        raise PdecError(f"{what} divides by zero or is infinite", where, hint=HINT)
    huge = _huge(known)
    if huge is not None:
        exponent = int(sp.floor(sp.log(abs(huge), 10)))
        raise PdecError(f"{what} has a number beyond float64's range (about 1e{exponent})", where, hint=HINT)
    pole = _poles(known, coordinates, location) if geometry is None else None
    if pole is not None:
        raise PdecError(f"{what} is not finite at {pole}", where, hint=HINT)
    points = sample(coordinates, location, geometry)
    symbols = [sp.Symbol(n, real=True) for n in names]
    fn = lambdify(symbols, known, "numpy")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            values = np.broadcast_to(np.asarray(fn(*points.T), dtype=complex), (points.shape[0],))
        except (OverflowError, ValueError, TypeError, ZeroDivisionError):
            raise PdecError(f"{what} cannot be evaluated in float64", where, hint=HINT) from None
    bad = ~np.isfinite(values) | (np.abs(values.imag) > 0)
    if bad.any():
        i = int(np.argmax(bad))
        at = ", ".join(f"{n} = {v:.6g}" for n, v in zip(names, points[i]))
        kind = "not real" if np.isfinite(values[i]) or np.isnan(values[i].real) else "not finite"
        raise PdecError(f"{what} is {kind} at {at}", where, hint=HINT)


def check_statement(table, expr: sp.Expr, node, what: str, location: Location = Interior()) -> None:
    """``check_finite`` for an expression of the file at its parse-tree node (`Declarations`
    gives the coordinates and the parameter guesses)."""
    guesses = {name: value for name, (value, _) in table.guesses.items()}
    check_finite(expr, tuple(table.coordinates), location, guesses, span_of(node), what, table.geometry)
