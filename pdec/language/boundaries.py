"""Where a `boundary` condition holds, and the outward normal there (for `u_n`).

On a box a condition holds on faces, `x = a`. On a shaped domain (`domain x, y in SHAPE`) it
holds on pieces (`pdec.language.problem.OnPiece`): the parts of the primitives' surfaces that
bound the domain. `boundary all` is every piece and every face of a further interval coordinate
(not time); `boundary NAME` the pieces of the shape named NAME; `boundary x = 2` the straight
pieces on that line (plane); `boundary rest` whatever no other `boundary` line covers.
"""

from __future__ import annotations

import lark
import sympy as sp

from pdec.errors import PdecError
from pdec.language.declarations import Declarations
from pdec.language.parse import span_of
from pdec.language.problem import Face, Location, OnPiece

NORMAL_HINT = "u_n is the derivative along the outward unit normal, defined on the boundary"


def pieces(table: Declarations, indices) -> list[OnPiece]:
    return [OnPiece(i, table.geometry.label(i)) for i in indices]


def every(table: Declarations, where: lark.Token) -> list[Location]:
    """`boundary all`: every piece of the shape and every face of the interval coordinates but time."""
    geometry = table.geometry
    shaped = set(geometry.names) if geometry is not None else set()
    out: list[Location] = pieces(table, geometry.boundary()) if geometry is not None else []
    out += [Face(c.name, v) for c in table.coordinates if not c.is_time and c.name not in shaped
            for v in (c.lower, c.upper)]
    if not out:
        raise PdecError("`boundary all` needs a space coordinate", span_of(where))
    return out


def named(table: Declarations, tok: lark.Token) -> list[OnPiece]:
    """`boundary NAME`: the pieces of the named shape that bound the domain."""
    name = str(tok)
    if name not in table.shape_names:
        known = ", ".join(table.shape_names) or "none"
        raise PdecError(f"no shape is named '{name}'", span_of(tok),
                        hint=f"shapes are named with `as NAME` in the domain (named here: {known}); "
                             "`boundary all`, `boundary rest` and `boundary x = a` need no name")
    geometry = table.geometry
    return pieces(table, [i for i in geometry.boundary() if name in geometry.pieces[i].names])


def on_plane(table: Declarations, name_tok: lark.Token, value: float, node) -> list[OnPiece]:
    """`boundary x = a` on a shaped domain: its straight pieces on that line (plane)."""
    geometry = table.geometry
    axis = geometry.names.index(str(name_tok))
    tol = 1e-12 * max(1.0, geometry.diameter)
    found = [i for i in geometry.boundary() if (p := geometry.pieces[i].surface.plane()) is not None
             and p[0] == axis and abs(p[1] - value) <= tol]
    if not found:
        straight = sorted({geometry.label(i) for i in geometry.boundary() if geometry.pieces[i].surface.plane()})
        raise PdecError(f"no straight piece of the domain's boundary lies on {name_tok} = {value:g}", span_of(node),
                        hint=("straight pieces: " + "; ".join(straight)) if straight else
                        "name a curved piece with `as NAME` in the domain, or use `boundary all`")
    return pieces(table, found)


def rest(table: Declarations, covered: set, tok: lark.Token) -> list[Location]:
    """`boundary rest`: every location of `boundary all` that no other `boundary` line covers."""
    left = [loc for loc in every(table, tok) if loc not in covered]
    if not left:
        raise PdecError("`boundary rest` covers nothing: every part of the boundary has a condition",
                        span_of(tok), hint="remove this line, or one of the others")
    return left


def normal(table: Declarations, location: Location) -> tuple[sp.Expr, ...]:
    """The outward unit normal at a face or piece, along every coordinate."""
    names = table.coordinate_names()
    if isinstance(location, OnPiece):
        return table.geometry.normal_exprs(location.index, names)
    c = next(c for c in table.coordinates if c.name == location.coordinate)
    side = 1 if location.value == c.upper else -1
    return tuple(sp.Integer(side if n == c.name else 0) for n in names)
