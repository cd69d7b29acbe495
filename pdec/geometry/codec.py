"""Shapes to JSON and back, so that a saved solution keeps the domain it was solved on."""

from __future__ import annotations

from dataclasses import fields

from pdec.geometry.base import Shape
from pdec.geometry.csg import Combined, Difference, Intersection, Union
from pdec.geometry.domain import Geometry
from pdec.geometry.planar import Disk, Ellipse, Polygon, Rectangle
from pdec.geometry.solid import Ball, Box, Cylinder

KINDS: dict[str, type[Shape]] = {c.__name__: c for c in (Rectangle, Disk, Ellipse, Polygon, Box, Ball, Cylinder,
                                                          Union, Intersection, Difference)}


def shape_json(shape: Shape) -> dict:
    out: dict = {"kind": type(shape).__name__}
    for f in fields(shape):  # type: ignore[arg-type]
        value = getattr(shape, f.name)
        out[f.name] = shape_json(value) if isinstance(value, Shape) else value
    return out


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def shape_from_json(entry: dict) -> Shape:
    cls = KINDS[entry["kind"]]
    args = {}
    for f in fields(cls):  # type: ignore[arg-type]
        value = entry.get(f.name)
        args[f.name] = shape_from_json(value) if issubclass(cls, Combined) and f.name in ("left", "right") \
            else _tuples(value)
    return cls(**args)


def geometry_json(geometry: Geometry) -> dict:
    return {"shape": shape_json(geometry.shape), "axes": list(geometry.axes), "names": list(geometry.names)}


def geometry_from_json(entry: dict) -> Geometry:
    return Geometry(shape_from_json(entry["shape"]), tuple(entry["axes"]), tuple(entry["names"]))
