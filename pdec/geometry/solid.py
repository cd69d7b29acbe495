"""Solid shapes in three coordinates: box, ball, cylinder (axis along the third coordinate),
and the surfaces that bound them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from pdec.geometry.base import Shape, Surface, fmt


def _unit(axis: int, sign: float) -> tuple[float, float, float]:
    return tuple(sign if i == axis else 0.0 for i in range(3))


@dataclass(frozen=True)
class PlaneRect(Surface):
    """The face ``coordinate[axis] = value`` of a box, over [lower, upper] in the other two."""

    axis: int
    value: float
    lower: tuple[float, float, float]
    upper: tuple[float, float, float]
    side: float  # +1: the normal points towards +axis

    def sample(self, rng, n):
        lo, hi = np.asarray(self.lower), np.asarray(self.upper)
        p = lo + (hi - lo) * rng.random((n, 3))
        p[:, self.axis] = self.value
        return p

    def normal(self, points):
        return np.broadcast_to(np.asarray(_unit(self.axis, self.side)), points.shape).copy()

    def normal_exprs(self, symbols):
        return tuple(sp.Integer(int(v)) for v in _unit(self.axis, self.side))

    @property
    def measure(self):
        span = np.asarray(self.upper) - np.asarray(self.lower)
        return float(np.prod(np.delete(span, self.axis)))

    def label(self):
        return f"face {'xyz'[self.axis]} = {self.value:g}"

    def plane(self):
        return self.axis, self.value


@dataclass(frozen=True)
class PlaneDisk(Surface):
    """A cylinder's cap: ``coordinate[2] = value``, within ``radius`` of the axis."""

    center: tuple[float, float, float]
    radius: float
    side: float

    def sample(self, rng, n):
        r = self.radius * np.sqrt(rng.random(n))
        theta = 2.0 * math.pi * rng.random(n)
        c = np.asarray(self.center)
        return np.stack([c[0] + r * np.cos(theta), c[1] + r * np.sin(theta), np.full(n, c[2])], axis=1)

    def normal(self, points):
        return np.broadcast_to(np.asarray(_unit(2, self.side)), points.shape).copy()

    def normal_exprs(self, symbols):
        return tuple(sp.Integer(int(v)) for v in _unit(2, self.side))

    @property
    def measure(self):
        return math.pi * self.radius ** 2

    def label(self):
        return f"cap at z = {self.center[2]:g}"

    def plane(self):
        return 2, float(self.center[2])


@dataclass(frozen=True)
class Sphere(Surface):
    center: tuple[float, float, float]
    radius: float

    def sample(self, rng, n):
        g = rng.standard_normal((n, 3))
        return np.asarray(self.center) + self.radius * g / np.linalg.norm(g, axis=1, keepdims=True)

    def normal(self, points):
        return (points - np.asarray(self.center)) / self.radius

    def normal_exprs(self, symbols):
        r = sp.nsimplify(self.radius, rational=True)
        return tuple((s - sp.nsimplify(c, rational=True)) / r for s, c in zip(symbols, self.center))

    @property
    def measure(self):
        return 4.0 * math.pi * self.radius ** 2

    def label(self):
        return f"sphere around {fmt(self.center)}, radius {self.radius:g}"


@dataclass(frozen=True)
class CylinderSide(Surface):
    center: tuple[float, float, float]  # the bottom cap's centre
    radius: float
    height: float

    def sample(self, rng, n):
        theta = 2.0 * math.pi * rng.random(n)
        c = np.asarray(self.center)
        return np.stack([c[0] + self.radius * np.cos(theta), c[1] + self.radius * np.sin(theta),
                         c[2] + self.height * rng.random(n)], axis=1)

    def normal(self, points):
        g = points - np.asarray(self.center)
        g[:, 2] = 0.0
        return g / self.radius

    def normal_exprs(self, symbols):
        r = sp.nsimplify(self.radius, rational=True)
        return ((symbols[0] - sp.nsimplify(self.center[0], rational=True)) / r,
                (symbols[1] - sp.nsimplify(self.center[1], rational=True)) / r, sp.Integer(0))

    @property
    def measure(self):
        return 2.0 * math.pi * self.radius * self.height

    def label(self):
        return f"side of the cylinder around {fmt(self.center[:2])}"


@dataclass(frozen=True)
class Box(Shape):
    lower: tuple[float, float, float]
    upper: tuple[float, float, float]
    name: str | None = None

    dim = property(lambda self: 3)

    def level(self, points):
        mid = (np.asarray(self.lower) + np.asarray(self.upper)) / 2
        half = (np.asarray(self.upper) - np.asarray(self.lower)) / 2
        return np.max(np.abs(points - mid) - half, axis=1)

    def bounds(self):
        return np.asarray(self.lower, float), np.asarray(self.upper, float)

    def surfaces(self):
        return tuple(PlaneRect(axis, end, self.lower, self.upper, side) for axis in range(3)
                     for end, side in ((self.lower[axis], -1.0), (self.upper[axis], 1.0)))

    @property
    def size(self):
        return float(np.prod(np.asarray(self.upper) - np.asarray(self.lower)))

    def describe(self):
        return f"box({fmt(self.lower)}, {fmt(self.upper)})"


@dataclass(frozen=True)
class Ball(Shape):
    center: tuple[float, float, float]
    radius: float
    name: str | None = None

    dim = property(lambda self: 3)

    def level(self, points):
        return np.linalg.norm(points - np.asarray(self.center), axis=1) - self.radius

    def bounds(self):
        c = np.asarray(self.center, float)
        return c - self.radius, c + self.radius

    def surfaces(self):
        return (Sphere(self.center, self.radius),)

    @property
    def size(self):
        return 4.0 / 3.0 * math.pi * self.radius ** 3

    def describe(self):
        return f"ball({fmt(self.center)}, {self.radius:g})"


@dataclass(frozen=True)
class Cylinder(Shape):
    """``cylinder((cx, cy, z0), radius, height)``: the axis along z from z0 to z0 + height."""

    center: tuple[float, float, float]
    radius: float
    height: float
    name: str | None = None

    dim = property(lambda self: 3)

    def level(self, points):
        c = np.asarray(self.center)
        radial = np.linalg.norm(points[:, :2] - c[:2], axis=1) - self.radius
        axial = np.abs(points[:, 2] - (c[2] + self.height / 2)) - self.height / 2
        return np.maximum(radial, axial)

    def bounds(self):
        c = np.asarray(self.center, float)
        return np.array([c[0] - self.radius, c[1] - self.radius, c[2]]), \
            np.array([c[0] + self.radius, c[1] + self.radius, c[2] + self.height])

    def surfaces(self):
        top = (self.center[0], self.center[1], self.center[2] + self.height)
        return (CylinderSide(self.center, self.radius, self.height), PlaneDisk(self.center, self.radius, -1.0),
                PlaneDisk(top, self.radius, 1.0))

    @property
    def size(self):
        return math.pi * self.radius ** 2 * self.height

    def describe(self):
        return f"cylinder({fmt(self.center)}, {self.radius:g}, {self.height:g})"
