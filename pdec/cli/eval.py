"""`pdec eval`: a saved solution's values at points given on the command line or in a CSV file.

    pdec eval runs/fit2d --at "x=0.5, y=0.1"            ->  u(x=0.5, y=0.1) = 0.4127...
    pdec eval runs/fit2d --points pts.csv --out vals.csv

Values are printed with `repr`, so they read back as the same float64. Points outside the domain are
evaluated (the networks extrapolate) with a warning; every other mistake raises PdecError.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pdec.errors import PdecError
from pdec.solution import Solution

DEFAULT_NAMES = ("x", "y", "z", "t")  # for files saved without coordinate names and no source


@dataclass(frozen=True)
class Run:
    """A run folder: its solution, the names of the box's axes, and the `.pde` source if there."""

    folder: Path
    solution: Solution
    coordinates: tuple[str, ...]
    source: Path | None


@dataclass(frozen=True)
class Result:
    """What a command produced: text for stdout, and warnings for stderr."""

    text: str
    warnings: tuple[str, ...] = ()


def source_file(folder: Path) -> Path | None:
    """The `.pde` source that `pdec solve` copied into a run folder (None if there is none)."""
    sources = sorted(folder.glob("*.pde"))
    return sources[0] if len(sources) == 1 else None


def source_coordinates(text: str) -> tuple[str, ...]:
    """The coordinate names of a `.pde` text's `domain` statement, read from the parse tree only
    (no data files needed); () if the text does not parse or has no domain."""
    from pdec.language.parse import parse

    try:
        tree = parse(text)
    except PdecError:
        return ()
    domain = next(tree.find_data("domain"), None)
    return tuple(str(coord.children[0]) for coord in domain.children) if domain is not None else ()


def load_run(folder: str | Path) -> Run:
    """Load a run folder. Coordinate names come from the saved solution, else from the saved
    `.pde` source, else x, y, z, t by dimension (older files did not store them)."""
    from pdec.store import load

    path = Path(folder)
    solution = load(path)
    d = int(np.shape(solution.lower)[0])
    source = source_file(path)
    names = solution.coordinate_names
    if not names and source is not None:
        names = source_coordinates(source.read_text())
    if len(names) != d:
        names = DEFAULT_NAMES[:d] if d <= len(DEFAULT_NAMES) else tuple(f"x{i + 1}" for i in range(d))
    return Run(path, solution, tuple(names), source)


def _names_hint(name: str, names: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, names, n=1)
    return f"did you mean {close[0]}?" if close else f"the coordinates are {', '.join(names)}"


def parse_at(text: str, names: tuple[str, ...]) -> np.ndarray:
    """`"x=0.5, y=0.1"` -> the point (d,) in the box's axis order; every coordinate exactly once."""
    example = ", ".join(f"{n}=0.5" for n in names)

    def error(message: str, hint: str | None = None) -> PdecError:
        return PdecError(message, hint=hint, filename="pdec eval")

    given: dict[str, float] = {}
    for item in text.split(","):
        name, eq, value = (part.strip() for part in item.partition("="))
        if not eq or not name or not value:
            raise error(f"--at expects NAME=VALUE items separated by commas, got '{item.strip()}'",
                        hint=f'e.g. --at "{example}"')
        if name not in names:
            raise error(f"--at: no coordinate '{name}' in this solution", hint=_names_hint(name, names))
        if name in given:
            raise error(f"--at gives {name} twice")
        try:
            number = float(value)
        except ValueError:
            raise error(f"--at {name}: '{value}' is not a number", hint=f'e.g. --at "{example}"') from None
        if not math.isfinite(number):
            raise error(f"--at {name}: {value} is not a finite number")
        given[name] = number
    missing = [n for n in names if n not in given]
    if missing:
        raise error(f"--at gives no value for {', '.join(missing)}", hint=f'e.g. --at "{example}"')
    return np.array([given[n] for n in names], dtype=np.float64)


def read_points(path: str | Path, names: tuple[str, ...]) -> np.ndarray:
    """A CSV file whose header names the coordinates (any order, other columns ignored) -> (N, d)."""
    path = Path(path)
    try:
        with path.open(newline="") as fh:
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader, [])]
            if not header:
                raise PdecError("the file is empty", filename=str(path),
                                hint=f"the first row names the coordinates: {','.join(names)}")
            missing = [n for n in names if n not in header]
            if missing:
                raise PdecError(f"no column '{missing[0]}' (the header is: {','.join(header)})",
                                filename=str(path), hint=f"the header must name {', '.join(names)}")
            idx = [header.index(n) for n in names]
            rows = []
            for row in reader:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                try:
                    rows.append([float(row[j]) for j in idx])
                except (ValueError, IndexError):
                    raise PdecError(f"line {reader.line_num}: not a number for each of {', '.join(names)}: "
                                    f"{','.join(row)}", filename=str(path)) from None
    except FileNotFoundError:
        raise PdecError(f"no such file: {path}", filename=str(path)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PdecError(f"cannot read {path}: {exc}", filename=str(path)) from None
    if not rows:
        raise PdecError("a header but no points", filename=str(path))
    points = np.array(rows, dtype=np.float64)
    bad = ~np.all(np.isfinite(points), axis=1)
    if np.any(bad):
        raise PdecError(f"point {int(np.argmax(bad)) + 1} holds a NaN or infinite coordinate", filename=str(path))
    return points


def outside_box(points: np.ndarray, run: Run) -> str | None:
    """A warning if some points lie outside the solution's domain (the box, or the shape in it):
    their values are extrapolated."""
    lo, hi = np.asarray(run.solution.lower), np.asarray(run.solution.upper)
    geometry = run.solution.geometry
    outside = ~run.solution.inside(points) if geometry is not None else np.any((points < lo) | (points > hi), axis=1)
    count = int(np.sum(outside))
    if count == 0:
        return None
    box = ", ".join(f"{n} in [{a!r}, {b!r}]" for n, a, b in zip(run.coordinates, lo.tolist(), hi.tolist()))
    domain = f"the domain {geometry.describe()}" if geometry is not None else f"the box {box}"
    first = int(np.argmax(outside)) + 1
    where = "the point lies" if len(points) == 1 else f"{count} of {len(points)} points lie (first: point {first})"
    return f"warning: {where} outside {domain}; values there are extrapolated, not solved for"


def values(run: Run, points: np.ndarray) -> np.ndarray:
    """Every field at `points` (N, d) -> (N, n_fields)."""
    return np.asarray(run.solution(points)).reshape(len(points), -1)


def eval_at(folder: str | Path, at: str) -> Result:
    """`pdec eval DIR --at "x=0.5, y=0.1"`: one line per field, `u(x=0.5, y=0.1) = <repr>`."""
    run = load_run(folder)
    point = parse_at(at, run.coordinates)[None, :]
    where = ", ".join(f"{n}={v!r}" for n, v in zip(run.coordinates, point[0].tolist()))
    row = values(run, point)[0]
    lines = [f"{name}({where}) = {float(v)!r}" for name, v in zip(run.solution.field_names, row)]
    warning = outside_box(point, run)
    return Result("\n".join(lines), (warning,) if warning else ())


def values_csv(run: Run, points: np.ndarray) -> str:
    """CSV text: the coordinate columns, then one column per field, every number as its repr."""
    vals = values(run, points)
    out = io.StringIO()
    out.write(",".join((*run.coordinates, *run.solution.field_names)) + "\n")
    for p, v in zip(points.tolist(), vals.tolist()):
        out.write(",".join(map(repr, p + v)) + "\n")
    return out.getvalue()


def eval_points(folder: str | Path, points_csv: str | Path, out: str | Path | None = None) -> Result:
    """`pdec eval DIR --points pts.csv [--out vals.csv]`: the values as CSV, written to `out`
    (then the text says where) or returned as the text."""
    run = load_run(folder)
    points = read_points(points_csv, run.coordinates)
    text = values_csv(run, points)
    warning = outside_box(points, run)
    warnings = (warning,) if warning else ()
    if out is None:
        return Result(text.rstrip("\n"), warnings)
    target = Path(out)
    try:
        target.write_text(text)
    except OSError as exc:
        raise PdecError(f"cannot write {target}: {exc}", filename=str(target)) from None
    return Result(f"wrote {target} ({len(points)} points)", warnings)
