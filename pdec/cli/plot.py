"""`pdec plot`: PNG pictures of a saved run, drawn with matplotlib's Agg backend (no display).

- `solution.png`: each field, a line in 1D, a heat map in 2D, in 3D a heat map of the slice at the
  middle of the last axis;
- `error.png`: |field - exact| on a log scale, where the run's `.pde` source states the exact
  solution (`exact u = ...`, or the closed form of a `fit`);
- `stages.png`: the relative L2 error after each stage (log scale, the staircase down to the
  float64 floor near 1e-15), or, where no exact solution is known, each stage's residual
  (equation RMS of a PINN stage, training loss of a regression stage).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from pdec.errors import PdecError
from pdec.cli.eval import Run, load_run, values

GRID_1D, GRID_2D = 1000, 200  # points per axis of the pictures
OUTLINE = 600  # points drawn along each boundary piece of a shaped domain
FLOOR = 1e-15  # float64's floor for the relative L2 error, drawn on the stages picture
TINY = 1e-18  # errors of exactly zero are drawn here, so that the log scale can show them


@dataclass(frozen=True)
class Grid:
    """The points a picture is drawn at: (N, d) points and the 1 or 2 axes they span."""

    points: np.ndarray
    axes: tuple[np.ndarray, ...]  # the drawn axes' values: 1 in 1D, 2 from 2D on
    labels: tuple[str, ...]  # their coordinate names
    where: str  # "" or, in 3D, the slice: "z = 0.5"
    inside: np.ndarray | None = None  # in a shaped domain: which points lie in it (the rest is left blank)
    outline: tuple[np.ndarray, ...] = ()  # in a shaped domain: points along each boundary piece, drawn


@dataclass(frozen=True)
class Plotted:
    """The pictures written, and warnings for stderr."""

    paths: tuple[Path, ...]
    warnings: tuple[str, ...] = ()


def picture_grid(run: Run) -> Grid:
    """A line in 1D, a square grid in 2D, the grid of the middle slice of the last axis in 3D."""
    lo, hi = np.asarray(run.solution.lower), np.asarray(run.solution.upper)
    names = run.coordinates
    if len(lo) == 1:
        x = np.linspace(lo[0], hi[0], GRID_1D)
        return Grid(x[:, None], (x,), names[:1], "")
    x, y = (np.linspace(lo[i], hi[i], GRID_2D) for i in (0, 1))
    xx, yy = np.meshgrid(x, y)  # rows follow y, columns follow x: what imshow draws
    cols = [xx.ravel(), yy.ravel()]
    where = ""
    if len(lo) == 3:
        mid = 0.5 * (lo[2] + hi[2])
        cols.append(np.full(xx.size, mid))
        where = f"{names[2]} = {mid:g}"
    points = np.stack(cols, axis=1)
    geometry = run.solution.geometry
    if geometry is None or tuple(geometry.axes[:2]) != (0, 1):
        return Grid(points, (x, y), names[:2], where)
    rng = np.random.default_rng(0)
    outline = tuple(geometry.piece_points(rng, i, lo, hi, OUTLINE)[:, :2] for i in geometry.boundary()
                    if geometry.dim == 2)
    return Grid(points, (x, y), names[:2], where, run.solution.inside(points), outline)


def masked(grid: Grid, values: np.ndarray) -> np.ndarray:
    """Values at the grid's points, NaN (drawn blank) outside a shaped domain."""
    return values if grid.inside is None else np.where(grid.inside, values, np.nan)


def exact_functions(run: Run) -> tuple[dict[str, Callable], tuple[str, ...]]:
    """Each field's exact solution from the run's `.pde` source (`exact`, else a `fit` closed
    form), and warnings when the source is missing or no longer compiles."""
    if run.source is None:
        return {}, (f"warning: no .pde source in {run.folder}: no error picture",)
    from pdec.language.compile import compile_text
    from pdec.language.lowering import lower

    try:
        problem = compile_text(run.source.read_text(), filename=str(run.source), base_dir=run.folder)
        lowered = lower(problem)
    except PdecError as err:
        return {}, (f"warning: the run's source does not compile here, so no error picture:\n{err.render()}",)
    found = {**lowered.targets, **lowered.exact}
    return {n: found[n] for n in run.solution.field_names if n in found}, ()


def _figure(n_panels: int, title: str):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.5 * n_panels, 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(title)
    return fig, fig.subplots(1, n_panels, squeeze=False)[0]


def draw_fields(grid: Grid, panels: dict[str, np.ndarray], title: str, log: bool):
    """One panel per entry: a line (1D) or heat map (2D, 3D slice), on a log scale if `log`."""
    from matplotlib.colors import LogNorm

    fig, axes = _figure(len(panels), title + (f" at {grid.where}" if grid.where else ""))
    for ax, (label, vals) in zip(axes, panels.items()):
        ax.set_title(label)
        ax.set_xlabel(grid.labels[0])
        if len(grid.axes) == 1:
            ax.plot(grid.axes[0], vals)
            ax.set_yscale("log" if log else "linear")
            ax.grid(True, alpha=0.3)
            continue
        x, y = grid.axes
        vals = masked(grid, vals)
        norm = LogNorm(vmin=max(float(np.nanmin(vals)), TINY), vmax=max(float(np.nanmax(vals)), 2 * TINY)) if log else None
        image = ax.imshow(vals.reshape(len(y), len(x)), origin="lower", aspect="auto", norm=norm,
                          extent=(x[0], x[-1], y[0], y[-1]), cmap="magma" if log else "viridis")
        for line in grid.outline:
            ax.scatter(line[:, 0], line[:, 1], s=0.2, color="white" if log else "black")
        ax.set_ylabel(grid.labels[1])
        fig.colorbar(image, ax=ax)
    return fig


def stage_series(report: tuple) -> dict[str, tuple[str, list[int], list[float], list[bool]]]:
    """Per run of the stage loop (a fit's field, or all fields of an equation problem): what is
    drawn, stage numbers, values, kept. The relative L2 error where it is known, else the score
    the stop rules compared (the equation residual RMS)."""
    groups: dict[str, list] = {}
    for r in report:
        groups.setdefault(r.field, []).append(r)
    series = {}
    for label, records in groups.items():
        if any(math.isfinite(r.rel_l2) for r in records):
            what, vals = "relative L2 error", [r.rel_l2 for r in records]
        else:
            what, vals = "equation residual RMS", [r.score for r in records]
        series[label] = (what, [r.stage for r in records], [float(v) for v in vals], [bool(r.kept) for r in records])
    return series


def draw_stages(report: tuple):
    """The error (or residual) after each stage, log scale; a dropped stage is a hollow marker."""
    series = stage_series(report)
    whats = sorted({what for what, *_ in series.values()})
    fig, (ax,) = _figure(1, " / ".join(whats) + " after each stage")
    for label, (what, stages, vals, kept) in series.items():
        shown = [max(v, TINY) if math.isfinite(v) else math.nan for v in vals]
        line, = ax.plot(stages, shown, label=f"{label}: {what}" if len(whats) > 1 else label)
        ax.scatter(stages, shown, color=line.get_color(), zorder=3,
                   facecolors=[line.get_color() if k else "none" for k in kept])
    if "relative L2 error" in whats:
        ax.axhline(FLOOR, color="gray", linestyle=":", label="1e-15")
    ax.set_yscale("log")
    ax.set_xlabel("stage")
    ax.set_ylabel(whats[0] if len(whats) == 1 else "error or residual")
    ax.set_xticks(sorted({s for _, stages, _, _ in series.values() for s in stages}))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig


def plot_run(folder: str | Path, out: str | Path | None = None) -> Plotted:
    """Write the pictures of the run saved in `folder` into `out` (default: `folder`)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PdecError("pdec plot needs matplotlib", hint="pip install matplotlib") from None
    run = load_run(folder)
    target = Path(out) if out is not None else run.folder
    target.mkdir(parents=True, exist_ok=True)
    grid = picture_grid(run)
    names = run.solution.field_names
    vals = values(run, grid.points)
    figures = {"solution.png": draw_fields(grid, {n: vals[:, i] for i, n in enumerate(names)}, "solution", log=False)}
    exact, warnings = exact_functions(run)
    if exact:
        errors = {n: np.abs(vals[:, names.index(n)] - np.asarray(f(grid.points))) for n, f in exact.items()}
        labelled = {f"|{n} - exact|, max {float(np.nanmax(masked(grid, e))):.2e}": e for n, e in errors.items()}
        figures["error.png"] = draw_fields(grid, labelled, "error", log=True)
    elif run.source is not None and not warnings:
        warnings = (f"note: {run.source.name} states no exact solution: no error picture",)
    if run.solution.report:
        figures["stages.png"] = draw_stages(run.solution.report)
    paths = []
    for name, fig in figures.items():
        path = target / name
        fig.savefig(path, dpi=100)
        paths.append(path)
    return Plotted(tuple(paths), warnings)
