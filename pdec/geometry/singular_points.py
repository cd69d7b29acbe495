"""Where a plane domain's solutions may be singular: the centres of its disk holes and its
re-entrant corners (the functions placed there: `pdec.solver.singular`).

- A pole: a circle on the domain's boundary whose centre lies outside the domain (a hole, or the
  outer side of a bump); circles about one centre give one pole, at the smallest radius.
- A corner: an end of a straight boundary piece where the domain's opening is wider than pi,
  measured on a small circle about it; its opening and bisector from the edges that meet there
  (exact for polygons and rectangles), else from that circle.
"""

from __future__ import annotations

import math

import numpy as np

from pdec.geometry.curves import Circle, Segment
from pdec.geometry.domain import Geometry

RING = 3600  # directions about a candidate corner (the inside share measures its opening)
REACH = 1e-6  # the ring's radius, relative to the domain's diameter
REENTRANT = 0.5 + 4.0 / RING  # an inside share above this is an opening wider than pi


def poles(geometry: Geometry) -> list[tuple[float, float, float]]:
    """(cx, cy, R) of every boundary circle whose centre is outside the domain."""
    out: dict[tuple[float, float], float] = {}
    for piece, length in zip(geometry.pieces, geometry.lengths):
        s = piece.surface
        if length > 0 and isinstance(s, Circle) and not geometry.shape.contains(np.asarray([s.center], float))[0]:
            key = (float(s.center[0]), float(s.center[1]))
            out[key] = min(out.get(key, math.inf), float(s.radius))
    return [(cx, cy, r) for (cx, cy), r in out.items()]


def _rays(geometry: Geometry, vertex: np.ndarray) -> list[float]:
    """Directions (angles) of the boundary segments that end at ``vertex``."""
    tol = 1e-12 * geometry.diameter
    out = []
    for piece, length in zip(geometry.pieces, geometry.lengths):
        s = piece.surface
        if length > 0 and isinstance(s, Segment):
            a, b = np.asarray(s.a, float), np.asarray(s.b, float)
            for end, other in ((a, b), (b, a)):
                if np.linalg.norm(end - vertex) <= tol:
                    d = other - end
                    out.append(math.atan2(d[1], d[0]))
    return out


def corners(geometry: Geometry) -> list[tuple[float, float, float, float]]:
    """(vx, vy, bisector angle, opening) of every re-entrant corner of the domain's boundary."""
    ends = {(float(e[0]), float(e[1])) for p, n in zip(geometry.pieces, geometry.lengths)
            if n > 0 and isinstance(p.surface, Segment) for e in (p.surface.a, p.surface.b)}
    angles = (np.arange(RING) + 0.5) * 2.0 * math.pi / RING
    unit = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    out = []
    for v in sorted(ends):
        vertex = np.asarray(v)
        inside = geometry.shape.contains(vertex + REACH * geometry.diameter * unit)
        share = float(np.mean(inside))
        if share <= REENTRANT or share >= 1.0:
            continue
        mean = np.sum(unit[inside], axis=0)  # the inside arc is one run: its mean direction bisects it
        beta = math.atan2(mean[1], mean[0])
        omega = 2.0 * math.pi * share
        rays = _rays(geometry, vertex)
        if len(rays) == 2:  # the exact opening: the angle between the edges on the inside's side
            gap = (rays[0] - rays[1]) % (2.0 * math.pi)
            omega = max(gap, 2.0 * math.pi - gap, key=lambda w: -abs(w - omega))
        out.append((v[0], v[1], beta, omega))
    return out
