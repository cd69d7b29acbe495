"""A `domain x, y in SHAPE` region -> a checked `pdec.geometry.Geometry`, errors at their tokens.

One method per shape rule of the grammar (primitive, vector, union, intersection, difference,
named), as in `pdec.language.expressions`. Every argument is a numeric expression (numbers, pi,
earlier constants) or a point `(a, b)`; each shape is checked where it is written: a radius
that is not positive, an empty rectangle, a polygon that crosses itself; then the whole: an
empty intersection, a difference that leaves nothing, a named shape none of whose boundary is
left on the domain's.
"""

from __future__ import annotations

import difflib
from dataclasses import replace

import lark
import numpy as np

from pdec.errors import PdecError
from pdec.geometry import csg
from pdec.geometry.base import Shape
from pdec.geometry.domain import Geometry
from pdec.geometry.planar import Disk, Ellipse, Polygon, Rectangle, crossing_edges
from pdec.geometry.solid import Ball, Box, Cylinder
from pdec.language.declarations import Declarations
from pdec.language.expressions import numeric
from pdec.language.parse import span_of

# name -> (dimension, the arguments: "p" a point, "r" a positive number, "p*" points)
SIGNATURES = {
    "rectangle": (2, "pp", "rectangle((x0, y0), (x1, y1))"),
    "disk": (2, "pr", "disk((cx, cy), radius)"),
    "ellipse": (2, "prr", "ellipse((cx, cy), a, b)"),
    "polygon": (2, "p*", "polygon((x0, y0), (x1, y1), (x2, y2), ...)"),
    "box": (3, "pp", "box((x0, y0, z0), (x1, y1, z1))"),
    "ball": (3, "pr", "ball((cx, cy, cz), radius)"),
    "cylinder": (3, "prr", "cylinder((cx, cy, z0), radius, height)"),
}
RESERVED_NAMES = ("all", "rest")


class ShapeBuilder:
    """Walks one shape tree of a region over ``dim`` coordinates."""

    def __init__(self, table: Declarations, dim: int) -> None:
        self.table = table
        self.dim = dim
        self.names: dict[str, lark.Token] = {}

    def visit(self, node: lark.Tree) -> Shape:
        return getattr(self, node.data)(node)

    def union(self, node):
        return csg.Union(self.visit(node.children[0]), self.visit(node.children[1]))

    def intersection(self, node):
        return csg.Intersection(self.visit(node.children[0]), self.visit(node.children[1]))

    def difference(self, node):
        return csg.Difference(self.visit(node.children[0]), self.visit(node.children[1]))

    def named(self, node):
        shape, tok = self.visit(node.children[0]), node.children[1]
        name = str(tok)
        if name in RESERVED_NAMES or name in self.table.names:
            raise PdecError(f"'{name}' cannot name a shape", span_of(tok),
                            hint="`all` and `rest` are boundary words; a shape's name must differ from every "
                                 "declared name" if name in RESERVED_NAMES else f"'{name}' is already declared")
        if name in self.names:
            raise PdecError(f"two shapes are named '{name}'", span_of(tok))
        self.names[name] = tok
        return replace(shape, name=name)

    def primitive(self, node):
        name_tok, *args = node.children
        kind = str(name_tok)
        if kind not in SIGNATURES:
            close = difflib.get_close_matches(kind, list(SIGNATURES), n=1)
            raise PdecError(f"unknown shape '{kind}'", span_of(name_tok),
                            hint=f"did you mean {close[0]}?" if close else "shapes: " + ", ".join(SIGNATURES))
        dim, spec, usage = SIGNATURES[kind]
        if dim != self.dim:
            raise PdecError(f"{kind} is a shape in {dim} coordinates; this region has {self.dim}",
                            span_of(name_tok), hint=self.shapes_hint())
        values = self.arguments(kind, spec, usage, args, name_tok)
        return self.make(kind, values, node)

    def shapes_hint(self) -> str:
        return f"shapes in {self.dim} coordinates: " + ", ".join(k for k, v in SIGNATURES.items() if v[0] == self.dim)

    def arguments(self, kind, spec, usage, args, where) -> list:
        if spec == "p*":
            if len(args) < 3:
                raise PdecError(f"a polygon needs at least 3 vertices, not {len(args)}", span_of(where), hint=usage)
            return [self.point(a, usage) for a in args]
        if len(args) != len(spec):
            raise PdecError(f"{kind} takes {len(spec)} arguments, not {len(args)}", span_of(where), hint=usage)
        return [self.point(a, usage) if s == "p" else self.positive(a, usage) for s, a in zip(spec, args)]

    def point(self, node, usage: str) -> tuple[float, ...]:
        if not (isinstance(node, lark.Tree) and node.data == "vector"):
            raise PdecError(f"a point ({self.dim} numbers in parentheses) is wanted here", span_of(node), hint=usage)
        if len(node.children) != self.dim:
            raise PdecError(f"a point in {self.dim} coordinates has {self.dim} numbers, not {len(node.children)}",
                            span_of(node), hint=usage)
        return tuple(numeric(c, self.table, "a point of a shape")[1] for c in node.children)

    def positive(self, node, usage: str) -> float:
        if isinstance(node, lark.Tree) and node.data == "vector":
            raise PdecError("a number is wanted here, not a point", span_of(node), hint=usage)
        value = numeric(node, self.table, "a shape's size")[1]
        if not value > 0:
            raise PdecError(f"a shape's size must be positive, not {value:g}", span_of(node), hint=usage)
        return value

    def make(self, kind: str, v: list, node) -> Shape:
        if kind in ("rectangle", "box"):
            if not np.all(np.asarray(v[0]) < np.asarray(v[1])):
                raise PdecError(f"the {kind} is empty: each lower corner coordinate must be below the upper one",
                                span_of(node), hint=SIGNATURES[kind][2])
            return (Rectangle if kind == "rectangle" else Box)(v[0], v[1])
        if kind == "polygon":
            shape = Polygon(tuple(v))
            crossing = crossing_edges(shape.vertices)
            if crossing is not None:
                i, j = crossing
                raise PdecError(f"the polygon crosses itself: edge {i + 1} meets edge {j + 1}", span_of(node),
                                hint="give the vertices in order around the boundary")
            if abs(shape.signed_area) <= 1e-12 * float(np.ptp(np.asarray(v), axis=0).max()) ** 2:
                raise PdecError("the polygon has no area (its vertices lie on a line)", span_of(node))
            return shape
        cls = {"disk": Disk, "ball": Ball, "ellipse": Ellipse, "cylinder": Cylinder}[kind]
        if kind == "ellipse":
            return Ellipse(v[0], (v[1], v[2]))
        return cls(*v)


def region_geometry(table: Declarations, node: lark.Tree, axes: tuple[int, ...]) -> tuple[Geometry, dict]:
    """The region `x, y in SHAPE`: its Geometry over the coordinates at ``axes``, checked whole,
    and the names it gives (name -> token)."""
    *name_toks, shape_node = node.children
    names = tuple(str(t) for t in name_toks)
    if len(names) not in (2, 3):
        raise PdecError(f"a shape lives in 2 or 3 coordinates, not {len(names)}", span_of(node))
    builder = ShapeBuilder(table, len(names))
    shape = builder.visit(shape_node)
    lo, hi = shape.bounds()
    if not np.all(lo < hi):
        raise PdecError("the intersection is empty", span_of(shape_node), hint="the shapes do not overlap")
    geometry = Geometry(shape, axes, names)
    if geometry.area() <= 0.0 or not geometry.boundary():
        raise PdecError("the domain is empty: what is taken away covers all of it", span_of(shape_node))
    for name, tok in builder.names.items():
        if not any(name in geometry.pieces[i].names for i in geometry.boundary()):
            raise PdecError(f"no part of the boundary of '{name}' is left on the domain's boundary", span_of(tok),
                            hint="a `boundary` condition on it would hold nowhere")
    return geometry, builder.names
