"""Planar shapes: rectangle, disk, ellipse (axis-aligned), polygon (vertices in order)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pdec.geometry.base import Shape, fmt
from pdec.geometry.curves import Circle, EllipseCurve, Segment


def segment_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from each point to the segment a-b."""
    ab = b - a
    s = np.clip(((points - a) @ ab) / float(ab @ ab), 0.0, 1.0)
    return np.linalg.norm(points - (a + s[:, None] * ab), axis=1)


@dataclass(frozen=True)
class Rectangle(Shape):
    lower: tuple[float, float]
    upper: tuple[float, float]
    name: str | None = None

    dim = property(lambda self: 2)

    def level(self, points):
        mid = (np.asarray(self.lower) + np.asarray(self.upper)) / 2
        half = (np.asarray(self.upper) - np.asarray(self.lower)) / 2
        return np.max(np.abs(points - mid) - half, axis=1)

    def bounds(self):
        return np.asarray(self.lower, float), np.asarray(self.upper, float)

    def surfaces(self):
        (x0, y0), (x1, y1) = self.lower, self.upper
        return (Segment((x0, y0), (x1, y0), (0.0, -1.0)), Segment((x1, y0), (x1, y1), (1.0, 0.0)),
                Segment((x1, y1), (x0, y1), (0.0, 1.0)), Segment((x0, y1), (x0, y0), (-1.0, 0.0)))

    @property
    def size(self):
        return float(np.prod(np.asarray(self.upper) - np.asarray(self.lower)))

    def describe(self):
        return f"rectangle({fmt(self.lower)}, {fmt(self.upper)})"


@dataclass(frozen=True)
class Disk(Shape):
    center: tuple[float, float]
    radius: float
    name: str | None = None

    dim = property(lambda self: 2)

    def level(self, points):
        return np.linalg.norm(points - np.asarray(self.center), axis=1) - self.radius

    def bounds(self):
        c = np.asarray(self.center, float)
        return c - self.radius, c + self.radius

    def surfaces(self):
        return (Circle(self.center, self.radius),)

    @property
    def size(self):
        return math.pi * self.radius ** 2

    def describe(self):
        return f"disk({fmt(self.center)}, {self.radius:g})"


@dataclass(frozen=True)
class Ellipse(Shape):
    center: tuple[float, float]
    axes: tuple[float, float]  # the half-axes along x and y
    name: str | None = None

    dim = property(lambda self: 2)

    def level(self, points):
        q = np.linalg.norm((points - np.asarray(self.center)) / np.asarray(self.axes), axis=1)
        return (q - 1.0) * min(self.axes)

    def bounds(self):
        c = np.asarray(self.center, float)
        return c - np.asarray(self.axes), c + np.asarray(self.axes)

    def surfaces(self):
        return (EllipseCurve(self.center, self.axes),)

    @property
    def size(self):
        return math.pi * self.axes[0] * self.axes[1]

    def describe(self):
        return f"ellipse({fmt(self.center)}, {self.axes[0]:g}, {self.axes[1]:g})"


@dataclass(frozen=True)
class Polygon(Shape):
    """A simple polygon, vertices in order (either orientation)."""

    vertices: tuple[tuple[float, float], ...]
    name: str | None = None

    dim = property(lambda self: 2)

    @property
    def signed_area(self) -> float:
        v = np.asarray(self.vertices)
        x, y = v[:, 0], v[:, 1]
        return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))

    def edges(self) -> list[tuple[np.ndarray, np.ndarray]]:
        v = np.asarray(self.vertices, float)
        return [(v[i], v[(i + 1) % len(v)]) for i in range(len(v))]

    def level(self, points):
        dist = np.min(np.stack([segment_distance(points, a, b) for a, b in self.edges()]), axis=0)
        inside = np.zeros(len(points), bool)
        x, y = points[:, 0], points[:, 1]
        for a, b in self.edges():  # even-odd rule: crossings of a ray towards +x
            crosses = (a[1] > y) != (b[1] > y)
            with np.errstate(divide="ignore", invalid="ignore"):
                at = a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
            inside ^= crosses & (x < at)
        return np.where(inside, -dist, dist)

    def bounds(self):
        v = np.asarray(self.vertices, float)
        return v.min(axis=0), v.max(axis=0)

    def surfaces(self):
        turn = 1.0 if self.signed_area > 0 else -1.0  # counter-clockwise: outward is to the right
        out = []
        for a, b in self.edges():
            d = (b - a) / np.linalg.norm(b - a)
            out.append(Segment(tuple(map(float, a)), tuple(map(float, b)), (turn * d[1], -turn * d[0])))
        return tuple(out)

    @property
    def size(self):
        return abs(self.signed_area)

    def describe(self):
        return "polygon(" + ", ".join(fmt(v) for v in self.vertices) + ")"


def crossing_edges(vertices: tuple[tuple[float, float], ...]) -> tuple[int, int] | None:
    """The first pair of edges (i, j) of a closed polygon that cross or touch, not being
    neighbours; None for a simple polygon."""
    v = np.asarray(vertices, float)
    n = len(v)

    def orient(p, q, r):
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue
            a, b, c, d = v[i], v[(i + 1) % n], v[j], v[(j + 1) % n]
            if orient(a, b, c) != orient(a, b, d) and orient(c, d, a) != orient(c, d, b):
                return i, j
            if segment_distance(np.array([c, d]), a, b).min() == 0 or segment_distance(np.array([a, b]), c, d).min() == 0:
                return i, j
    return None
