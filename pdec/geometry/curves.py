"""The boundary curves of planar shapes: straight segments, circles, axis-aligned ellipses."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from pdec.geometry.base import Surface, fmt

ELLIPSE_NODES = 4096  # trapezoidal nodes for an ellipse's perimeter (periodic: exact to rounding)


@dataclass(frozen=True)
class Segment(Surface):
    """The straight segment from a to b; its normal is fixed (given, pointing away from its shape)."""

    a: tuple[float, float]
    b: tuple[float, float]
    outward_normal: tuple[float, float]

    def sample(self, rng, n):
        s = rng.random((n, 1))
        return np.asarray(self.a) + s * (np.asarray(self.b) - np.asarray(self.a))

    def normal(self, points):
        return np.broadcast_to(np.asarray(self.outward_normal), points.shape).copy()

    def normal_exprs(self, symbols):
        return tuple(sp.nsimplify(v, rational=True) if abs(v) in (0.0, 1.0) else sp.Float(v)
                     for v in self.outward_normal)

    @property
    def measure(self):
        return float(np.hypot(*(np.asarray(self.b) - np.asarray(self.a))))

    def label(self):
        return f"segment {fmt(self.a)}-{fmt(self.b)}"

    def plane(self):
        for axis in range(2):
            if self.a[axis] == self.b[axis]:
                return axis, float(self.a[axis])
        return None


@dataclass(frozen=True)
class Circle(Surface):
    center: tuple[float, float]
    radius: float

    def sample(self, rng, n):
        theta = 2.0 * math.pi * rng.random(n)
        return np.asarray(self.center) + self.radius * np.stack([np.cos(theta), np.sin(theta)], axis=1)

    def normal(self, points):
        return (points - np.asarray(self.center)) / self.radius

    def normal_exprs(self, symbols):
        r = sp.nsimplify(self.radius, rational=True)
        return tuple((s - sp.nsimplify(c, rational=True)) / r for s, c in zip(symbols, self.center))

    @property
    def measure(self):
        return 2.0 * math.pi * self.radius

    def label(self):
        return f"circle around {fmt(self.center)}, radius {self.radius:g}"


@dataclass(frozen=True)
class EllipseCurve(Surface):
    """(x - cx)^2 / a^2 + (y - cy)^2 / b^2 = 1."""

    center: tuple[float, float]
    axes: tuple[float, float]

    def _speed(self, theta):
        a, b = self.axes
        return np.sqrt((a * np.sin(theta)) ** 2 + (b * np.cos(theta)) ** 2)

    def sample(self, rng, n):
        a, b = self.axes
        top, out = max(a, b), np.empty(0)
        while out.size < n:  # angles accepted in proportion to the arc length they carry
            theta = 2.0 * math.pi * rng.random(2 * n)
            out = np.concatenate([out, theta[rng.random(2 * n) * top <= self._speed(theta)]])
        theta = out[:n]
        return np.asarray(self.center) + np.stack([a * np.cos(theta), b * np.sin(theta)], axis=1)

    def normal(self, points):
        g = (points - np.asarray(self.center)) / np.asarray(self.axes) ** 2
        return g / np.linalg.norm(g, axis=1, keepdims=True)

    def normal_exprs(self, symbols):
        g = [(s - sp.nsimplify(c, rational=True)) / sp.nsimplify(a, rational=True) ** 2
             for s, c, a in zip(symbols, self.center, self.axes)]
        norm = sp.sqrt(sum(v ** 2 for v in g))
        return tuple(v / norm for v in g)

    @property
    def measure(self):
        theta = 2.0 * math.pi * np.arange(ELLIPSE_NODES) / ELLIPSE_NODES
        return float(2.0 * math.pi * np.mean(self._speed(theta)))

    def label(self):
        return f"ellipse around {fmt(self.center)}, half-axes {self.axes[0]:g}, {self.axes[1]:g}"
