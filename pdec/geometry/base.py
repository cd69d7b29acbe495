"""The two abstractions: a `Surface` (one primitive piece of a shape's boundary) and a `Shape`.

A shape is a closed set given by a level function: ``level(p) <= 0`` inside. Combinations take
the minimum (union), maximum (intersection) and max(a, -b) (difference) of their parts' levels,
so membership of any combination is exact wherever the parts' is. A shape's boundary is made of
the surfaces of its primitives; `Piece` says which surface, which way the domain lies from it
(``sign``: +1 where the domain is on the surface's inner side, -1 where the surface bounds a
subtracted part) and which named shapes it belongs to.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
import sympy as sp


class Surface(ABC):
    """A primitive boundary piece: samples uniform by length (area), its unit normal pointing
    away from its own shape, that normal in closed form, its length (area)."""

    @abstractmethod
    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n points (n, d) uniform over the surface by length (area)."""

    @abstractmethod
    def normal(self, points: np.ndarray) -> np.ndarray:
        """The unit normal (n, d) at points on the surface, away from its shape."""

    @abstractmethod
    def normal_exprs(self, symbols: tuple[sp.Symbol, ...]) -> tuple[sp.Expr, ...]:
        """The unit normal as closed forms in the shape's coordinates (for `u_n`)."""

    @property
    @abstractmethod
    def measure(self) -> float:
        """Its length (2D) or area (3D)."""

    @abstractmethod
    def label(self) -> str:
        """What it is, for messages and `pdec check`."""

    def plane(self) -> tuple[int, float] | None:
        """(axis, value) if the whole surface lies on the plane `coordinate[axis] = value`."""
        return None


@dataclass(frozen=True)
class Piece:
    """A surface of one primitive inside a combined shape: ``sign`` +1 where the combined shape
    lies on the surface's inner side, -1 where it is the surface of a subtracted part; ``names``:
    the names (`as NAME`) of the shapes that hold it, outermost first."""

    surface: Surface
    sign: int
    names: tuple[str, ...]

    def outward(self, points: np.ndarray) -> np.ndarray:
        """The combined shape's outward unit normal at points on the surface."""
        return self.sign * self.surface.normal(points)

    def outward_exprs(self, symbols: tuple[sp.Symbol, ...]) -> tuple[sp.Expr, ...]:
        return tuple(self.sign * e for e in self.surface.normal_exprs(symbols))


class Shape(ABC):
    """A closed set in 2 or 3 coordinates. Subclasses are frozen dataclasses with a ``name``."""

    name: str | None

    @property
    @abstractmethod
    def dim(self) -> int:
        """The number of coordinates it lives in."""

    @abstractmethod
    def level(self, points: np.ndarray) -> np.ndarray:
        """(n,): negative inside, zero on the boundary, positive outside (a distance where cheap)."""

    @abstractmethod
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The smallest box that holds it: (lower, upper)."""

    @abstractmethod
    def surfaces(self) -> tuple[Surface, ...]:
        """A primitive's own boundary surfaces (combinations override `pieces` instead)."""

    @property
    def size(self) -> float | None:
        """Its area (volume) in closed form, where it has one."""
        return None

    def pieces(self, names: tuple[str, ...] = (), sign: int = 1) -> tuple[Piece, ...]:
        """Every primitive surface of the shape, with the side the shape lies on and its names."""
        own = names + ((self.name,) if self.name else ())
        return tuple(Piece(s, sign, own) for s in self.surfaces())

    def shape_names(self) -> tuple[str, ...]:
        """Every name given with `as` in this shape, outermost first."""
        return (self.name,) if self.name else ()

    def contains(self, points: np.ndarray, tol: float = 0.0) -> np.ndarray:
        """Whether each point lies in the shape (within ``tol`` of it)."""
        return self.level(np.atleast_2d(points)) <= tol

    def describe(self) -> str:
        """The shape as the language writes it."""
        return type(self).__name__.lower()


def written(shape: Shape) -> str:
    """A shape as the language writes it, with its name: disk((0, 0), 0.5) as hole."""
    return f"{shape.describe()} as {shape.name}" if shape.name else shape.describe()


def fmt(values) -> str:
    """A point as the language writes it: (0, 0.5)."""
    return "(" + ", ".join(f"{float(v):g}" for v in np.atleast_1d(values)) + ")"
