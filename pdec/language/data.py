"""Data a file points at: CSV files of points and values, and synthetic observations.

A CSV is checked here (its columns, numbers, points inside the box) so that a bad file is a
PdecError at its path in the `.pde` file. Synthetic observations evaluate the exact solution at
random points of the box, reproducibly: the same file gives the same points.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Mapping, Sequence

import lark
import numpy as np
import sympy as sp

from pdec.errors import PdecError
from pdec.geometry.domain import Geometry
from pdec.language.parse import span_of
from pdec.language.problem import Coordinate

OBSERVATION_SEED = 1234  # synthetic observations are reproducible: same file, same points


def unquote(token: lark.Token) -> str:
    """A STRING token's text without its quotes."""
    return str(token)[1:-1]


def bounds(coordinates: Sequence[Coordinate]) -> tuple[np.ndarray, np.ndarray]:
    """The box's lower and upper corners, in domain order."""
    return np.array([c.lower for c in coordinates]), np.array([c.upper for c in coordinates])


def _rows(path_tok: lark.Token, base_dir: Path) -> list[list[str]]:
    """The rows of a CSV file that are neither empty nor comments (first cell starting with #)."""
    rel = unquote(path_tok)
    path = base_dir / rel
    if not path.is_file():
        raise PdecError(f"data file '{rel}' not found", span_of(path_tok),
                        hint=f"the path is relative to the .pde file's folder ({base_dir})")
    try:
        with path.open(newline="") as fh:
            rows = [r for r in csv.reader(fh) if r and not r[0].lstrip().startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        raise PdecError(f"cannot read '{rel}': {exc}", span_of(path_tok)) from None
    if not rows:
        raise PdecError(f"'{rel}' is empty", span_of(path_tok), hint="the first row names the columns")
    return rows


def read_csv(path_tok: lark.Token, names: tuple[str, ...], coordinates: Sequence[Coordinate],
             base_dir: Path, geometry: Geometry | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A CSV with a header naming the coordinates and the fields -> (points, values)."""
    rel, where = unquote(path_tok), span_of(path_tok)
    rows = _rows(path_tok, base_dir)
    header = [h.strip() for h in rows[0]]
    need = [c.name for c in coordinates] + list(names)
    missing = [n for n in need if n not in header]
    if missing:
        raise PdecError(f"'{rel}' has no column '{missing[0]}' (its columns: {', '.join(header)})",
                        where, hint="the header must name " + ", ".join(need))
    if len(rows) < 2:
        raise PdecError(f"'{rel}' has a header but no data rows", where)
    idx = [header.index(n) for n in need]
    data = np.empty((len(rows) - 1, len(need)))
    for i, row in enumerate(rows[1:], start=2):
        try:
            data[i - 2] = [float(row[j]) for j in idx]
        except (ValueError, IndexError):
            raise PdecError(f"'{rel}' row {i} is not a row of numbers for {', '.join(need)}", where) from None
    if not np.all(np.isfinite(data)):
        raise PdecError(f"'{rel}' holds a NaN or infinite value", where)
    d = len(coordinates)
    lo, hi = bounds(coordinates)
    outside = np.any((data[:, :d] < lo - 1e-12) | (data[:, :d] > hi + 1e-12), axis=1)
    if geometry is not None:
        outside |= ~geometry.contains(data[:, :d], 1e-9)
    if np.any(outside):
        raise PdecError(f"'{rel}' row {int(np.argmax(outside)) + 2} lies outside the domain", where)
    return data[:, :d].copy(), data[:, d:].copy()


def evaluate(expr: sp.Expr, points: np.ndarray, coordinates: Sequence[Coordinate],
             constants: Mapping[sp.Symbol, sp.Expr]) -> np.ndarray:
    """A closed form in coordinates and constants, at points (N, d), with NumPy."""
    symbols = [sp.Symbol(c.name, real=True) for c in coordinates]
    fn = sp.lambdify(symbols, expr.subs(constants), modules="numpy")
    return np.broadcast_to(np.asarray(fn(*points.T), dtype=np.float64), (len(points),)).copy()


def sample(exprs: Sequence[sp.Expr], count: int, noise: float, line: int, coordinates: Sequence[Coordinate],
           constants: Mapping[sp.Symbol, sp.Expr], geometry: Geometry | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`count` uniform points of the box (of the shaped domain: uniform points kept by
    membership) and the closed forms there, plus Gaussian noise.

    The generator is seeded with OBSERVATION_SEED + the statement's line.
    """
    rng = np.random.default_rng(OBSERVATION_SEED + line)
    lo, hi = bounds(coordinates)
    points = lo + (hi - lo) * rng.random((count, len(lo)))
    while geometry is not None and not np.all(keep := geometry.contains(points)):
        points = np.concatenate([points[keep], lo + (hi - lo) * rng.random((count - int(keep.sum()), len(lo)))])
    values = np.stack([evaluate(e, points, coordinates, constants) for e in exprs], axis=1)
    if noise:
        values = values + noise * rng.standard_normal(values.shape)
    return points, values
