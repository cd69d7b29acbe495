"""A shape on some of a problem's coordinates: points inside, points on each boundary piece,
the pieces' lengths (areas) on the domain's boundary, and the domain's area (volume).

Only the part of a primitive's surface that lies on the combined shape's boundary is a piece
of the domain's boundary (a disk cut by a rectangle keeps its arc inside the rectangle): a point
of a surface is kept where the domain lies on its inner side and not on its outer side, a step
of SIDE times the domain's diameter away. Points are scrambled Sobol points of the bounding box
kept by the exact membership test, so the interior is covered evenly, and samples of each
surface uniform by length (area), kept where they lie on the domain's boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from scipy.stats import qmc

from pdec.geometry.base import Piece, Shape, written

MEASURE_SEED = 20261203  # the lengths and areas are Monte Carlo estimates: the same on every run
MEASURE_SAMPLES = 1 << 16
SIDE = 1e-7  # a step off a surface, relative to the domain's diameter
TANGENT = 5e-3  # a piece with less of its surface on the boundary only touches it (measured: a
# rectangle's edge tangent to a disk keeps 0.1% of its samples, within SIDE of the contact point)


@dataclass(frozen=True, eq=False)
class Geometry:
    """``shape`` over the coordinates at ``axes`` (positions in the problem's coordinates),
    named ``names``. ``pieces``: every primitive surface; ``lengths``: each one's length (area)
    on the domain's boundary, zero where none of it is left."""

    shape: Shape
    axes: tuple[int, ...]
    names: tuple[str, ...]
    pieces: tuple[Piece, ...] = field(init=False)
    lengths: tuple[float, ...] = field(init=False)

    def __post_init__(self):
        pieces = self.shape.pieces()
        object.__setattr__(self, "pieces", pieces)
        rng = np.random.default_rng(MEASURE_SEED)
        lengths = []
        for p in pieces:
            pts = p.surface.sample(rng, 4096)
            share = float(np.mean(self.on_boundary(p, pts)))
            lengths.append(p.surface.measure * share if share > TANGENT else 0.0)
        object.__setattr__(self, "lengths", tuple(lengths))

    @property
    def dim(self) -> int:
        return len(self.axes)

    @property
    def diameter(self) -> float:
        lo, hi = self.shape.bounds()
        return float(np.linalg.norm(hi - lo))

    def boundary(self) -> tuple[int, ...]:
        """The pieces that hold part of the domain's boundary."""
        return tuple(i for i, n in enumerate(self.lengths) if n > 0)

    def on_boundary(self, piece: Piece, points: np.ndarray) -> np.ndarray:
        """Which points of ``piece``'s surface lie on the domain's boundary."""
        step = SIDE * self.diameter * piece.outward(points)
        return self.shape.contains(points - step) & ~self.shape.contains(points + step)

    def contains(self, points: np.ndarray, tol: float = 0.0) -> np.ndarray:
        """Whether each point (N, D), in the problem's coordinates, lies in the domain."""
        return self.shape.contains(np.asarray(points)[:, list(self.axes)], tol * self.diameter)

    def interior(self, rng: np.random.Generator, lower, upper, n: int) -> np.ndarray:
        """n points (n, D) inside: scrambled Sobol points of the box [lower, upper] kept by membership."""
        lo, hi = np.asarray(lower, float), np.asarray(upper, float)
        kept = np.empty((0, lo.size))
        share = max(self.area() / self.box_size(), 1e-3)
        while len(kept) < n:
            m = 1 << max(4, math.ceil(math.log2(1.2 * (n - len(kept)) / share + 16)))
            pts = lo + (hi - lo) * qmc.Sobol(lo.size, scramble=True, seed=rng).random(m)
            kept = np.concatenate([kept, pts[self.contains(pts)]])
        return kept[:n]

    def piece_points(self, rng: np.random.Generator, index: int, lower, upper, n: int) -> np.ndarray:
        """n points (n, D) on the part of piece ``index`` that bounds the domain; coordinates
        outside the shape (time) uniform in [lower, upper]."""
        piece = self.pieces[index]
        share = max(self.lengths[index] / piece.surface.measure, 1e-3)
        kept = np.empty((0, self.dim))
        while len(kept) < n:
            pts = piece.surface.sample(rng, int(1.2 * (n - len(kept)) / share) + 16)
            kept = np.concatenate([kept, pts[self.on_boundary(piece, pts)]])
        lo, hi = np.asarray(lower, float), np.asarray(upper, float)
        out = lo + (hi - lo) * rng.random((n, lo.size))
        out[:, list(self.axes)] = kept[:n]
        return out

    def box_size(self) -> float:
        lo, hi = self.shape.bounds()
        return float(np.prod(hi - lo))

    def area(self) -> float:
        """The domain's area (volume): in closed form for one primitive, else Monte Carlo."""
        if self.shape.size is not None:
            return self.shape.size
        lo, hi = self.shape.bounds()
        pts = lo + (hi - lo) * np.random.default_rng(MEASURE_SEED).random((MEASURE_SAMPLES, lo.size))
        return self.box_size() * float(np.mean(self.shape.contains(pts)))

    def face_scale(self) -> float:
        """The mean face length (area) of the bounding box: a piece this long gets as many points
        as a box's face does."""
        span = self.shape.bounds()[1] - self.shape.bounds()[0]
        return float(np.mean(span)) if self.dim == 2 else float(np.mean([np.prod(np.delete(span, i)) for i in range(3)]))

    def label(self, index: int) -> str:
        """A piece as messages name it: `x = 2` for a straight one on a coordinate plane."""
        piece = self.pieces[index]
        plane = piece.surface.plane()
        text = f"{self.names[plane[0]]} = {plane[1]:g}" if plane else piece.surface.label()
        return f"{text} ({piece.names[-1]})" if piece.names else text

    def normal_exprs(self, index: int, coordinates: tuple[str, ...]) -> tuple[sp.Expr, ...]:
        """The outward unit normal of piece ``index`` along every problem coordinate (zero along
        those the shape does not cover)."""
        symbols = tuple(sp.Symbol(n, real=True) for n in self.names)
        normal = dict(zip(self.names, self.pieces[index].outward_exprs(symbols)))
        return tuple(normal.get(c, sp.Integer(0)) for c in coordinates)

    def describe(self) -> str:
        return f"{', '.join(self.names)} in {written(self.shape)}"
