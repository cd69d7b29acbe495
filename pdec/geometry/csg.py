"""Union, intersection and difference of shapes, as sets are combined in Python: a | b, a & b, a - b."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pdec.geometry.base import Piece, Shape


@dataclass(frozen=True)
class Combined(Shape):
    """Two shapes and an operation on their levels; the parts' surfaces bound the result."""

    left: Shape
    right: Shape
    name: str | None = None

    symbol = "?"

    @property
    def dim(self) -> int:
        return self.left.dim

    def surfaces(self):
        return ()

    def pieces(self, names: tuple[str, ...] = (), sign: int = 1) -> tuple[Piece, ...]:
        own = names + ((self.name,) if self.name else ())
        return self.left.pieces(own, sign) + self.right.pieces(own, sign * self.right_sign)

    right_sign = 1

    def shape_names(self) -> tuple[str, ...]:
        return super().shape_names() + self.left.shape_names() + self.right.shape_names()

    def describe(self) -> str:
        def part(s: Shape, left: bool) -> str:
            text = s.describe()
            chain = left and type(s) is type(self) and not s.name  # a | b | c reads left to right
            if isinstance(s, Combined) and not chain:
                text = f"({text})"
            return f"{text} as {s.name}" if s.name else text
        return f"{part(self.left, True)} {self.symbol} {part(self.right, False)}"


@dataclass(frozen=True)
class Union(Combined):
    symbol = "|"

    def level(self, points):
        return np.minimum(self.left.level(points), self.right.level(points))

    def bounds(self):
        (a, b), (c, d) = self.left.bounds(), self.right.bounds()
        return np.minimum(a, c), np.maximum(b, d)


@dataclass(frozen=True)
class Intersection(Combined):
    symbol = "&"

    def level(self, points):
        return np.maximum(self.left.level(points), self.right.level(points))

    def bounds(self):
        (a, b), (c, d) = self.left.bounds(), self.right.bounds()
        return np.maximum(a, c), np.minimum(b, d)


@dataclass(frozen=True)
class Difference(Combined):
    """What of the left shape the right one does not cover; the right one's surfaces bound it
    from the other side (sign -1)."""

    symbol = "-"
    right_sign = -1

    def level(self, points):
        return np.maximum(self.left.level(points), -self.right.level(points))

    def bounds(self):
        return self.left.bounds()
