"""What `pdec solve` prints at the end: the table of stages, the parameters, the summary."""

from __future__ import annotations

import math

from pdec.records import (HIDDEN, StageRecord, describe_misfit, describe_stop, final_estimate, observations_missed,
                          stop_messages, trust, verdict)
from pdec.solution import Solution

FIGURE_HEADS = {"rms_error": "rms err", "gamma": "gamma", "equation_rms": "eq rms", "condition_max": "cond max",
                "data_rms": "data rms", "fresh_rms": "fresh rms", "unknowns": "unknowns"}


def _num(v: float, fmt: str = ".2e") -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, fmt)


def _relative(value: float, truth: float) -> float:
    return abs(value - truth) / abs(truth) if truth != 0 else abs(value)


def table(solution: Solution, truths: dict[str, float | None] | None = None) -> str:
    """A fixed-width table of the solution's stage records; a parameter with a stated truth gets
    a column with its relative error per stage. A field column where the report holds several
    runs (a fit of several fields)."""
    records = solution.report
    if not records:
        return "(no stages)"
    truths = {k: v for k, v in (truths or {}).items() if v is not None}
    figures = list(dict.fromkeys(name for r in records for name in r.figures if name not in HIDDEN))
    names = list(dict.fromkeys(name for r in records for name in r.parameters))
    runs = len({r.fields for r in records}) > 1
    misses = any(not math.isnan(worst_miss(r)) for r in records)
    exact = any(math.isfinite(r.rel_l2) for r in records)
    head = (["field"] if runs else []) + ["stage", "eps", "kappa", "points", "iters", "loss"] \
        + [FIGURE_HEADS.get(f, f) for f in figures] + (["cond miss"] if misses else []) + ["est err"] \
        + (["rel L2", "max err"] if exact else []) \
        + [h for n in names for h in ([n, f"{n} err"] if n in truths else [n])] + ["time s", "mem GB", "kept"]
    rows = [_row(r, runs, figures, names, truths, misses, exact) for r in records]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]
    stops = stop_messages(records)
    if stops:
        lines.append("stopped: " + "; ".join(dict.fromkeys(stops)))
    return "\n".join(lines)


def worst_miss(r: StageRecord) -> float:
    """The largest relative miss of any condition line on fresh points (NaN where unmeasured)."""
    return max((v for k, v in r.misses.items() if not k.startswith("equation")), default=math.nan)


def _row(r: StageRecord, runs: bool, figures: list[str], names: list[str], truths: dict[str, float],
         misses: bool = False, exact: bool = True) -> list[str]:
    params = []
    for n in names:
        value = r.parameters.get(n, math.nan)
        params.append(f"{value:.15g}")
        if n in truths:
            params.append(_num(_relative(value, truths[n])))
    return (([r.field] if runs else []) + [str(r.stage), _num(r.eps), ",".join(f"{k:.3g}" for k in r.kappa),
                                          str(r.points), str(r.iterations), _num(r.loss)]
            + [_num(r.figures.get(f, math.nan), ".3f" if f == "gamma" else ".2e") for f in figures]
            + ([_num(worst_miss(r))] if misses else []) + [_num(r.estimate)]
            + ([_num(r.rel_l2), _num(r.max_error)] if exact else []) + params
            + [f"{r.wall_time:.1f}", _num(math.nan if r.peak_memory is None else r.peak_memory / 1e9, ".2f"), "yes" if r.kept else "no"])


def parameter_lines(solution: Solution, truths: dict[str, float | None]) -> list[str]:
    """Each inferred parameter, where it started (guess -> start from the observations), and its
    relative error where the file states the truth."""
    out = []
    start = solution.start
    for name, value in solution.parameters.items():
        truth = truths.get(name)
        notes = [f"guess {start.guesses[name]:.6g} -> start {start.values[name]:.10g}"] \
            if start is not None and name in start.guesses else []
        if truth is not None:
            notes.append(f"truth {truth:.16g}, relative error {_relative(value, truth):.2e}")
        out.append(f"{name} = {value:.16g}" + (f"  ({'; '.join(notes)})" if notes else ""))
    return out


def _runs(solution: Solution) -> dict[tuple[str, ...], list[int]]:
    """The report's indices per run of the stage loop."""
    runs: dict[tuple[str, ...], list[int]] = {}
    for i, r in enumerate(solution.report):
        runs.setdefault(r.fields, []).append(i)
    return runs


def converged(solution: Solution, tol: float) -> bool:
    """Whether every run's estimated error (`pdec.records.final_estimate`) meets `tol`."""
    runs = _runs(solution)
    return bool(runs) and all(final_estimate([solution.report[i] for i in ix]) <= tol for ix in runs.values())


def _residual(r: StageRecord) -> str:
    """The equation residual a stage leaves, on fresh points where measured there."""
    f = r.figures
    if "fresh_rms" in f:
        text = f"equation residual RMS {f['fresh_rms']:.2e} on fresh points"
        if f.get("under_resolved") and "equation_rms" in f:
            text += (f" (under-resolved: {f['unsolved']:.1e} of the residual at zero fields, "
                     f"{f['fresh_rms'] / f['equation_rms']:.1f}x the {f['equation_rms']:.2e} at its own points)")
        elif f.get("under_fit"):
            text += " (under-resolved: stage 1 does not fit even its own points)"
        return text
    return f"equation residual RMS {f['equation_rms']:.2e}" if "equation_rms" in f else ""


def _errors(records: list[StageRecord], last: StageRecord) -> str:
    """The estimated error, the error against a stated exact solution beside it, the residual."""
    residual = _residual(last)
    est = final_estimate(records)
    text = f"estimated error {est:.2e}" if math.isfinite(est) else "no error estimate"
    if math.isfinite(last.rel_l2):
        text += f" (against the exact solution: relative L2 {last.rel_l2:.2e}, max {last.max_error:.2e})"
    return text + (f", {residual}" if residual else "")


def summary(solution: Solution) -> str:
    """One line per run: stages kept, final held-out errors (and residual), parameters, time."""
    lines = []
    for fields, indices in _runs(solution).items():
        records = [solution.report[i] for i in indices]
        kept = [r for r in records if r.kept]
        last, total = (kept[-1] if kept else records[-1]), sum(r.wall_time for r in records)
        errors = _errors(records, last)
        params = "".join(f", {k} = {v:.15g}" for k, v in solution.parameters.items())
        stop = describe_stop(solution.report, indices[-1])
        lines.append(f"{', '.join(fields)}: {len(kept)} stage(s) kept, {errors}{params}, {total:.1f} s"
                     + (f"; {stop}" if stop else ""))
        check = verdict(records)
        if check is not None and not check.converged:
            lines.append(f"error: {', '.join(fields)}: {check.message()}; the stages are saved, but this is "
                         "not a solution")
        elif kept and not (trusted := trust(records)).converged:
            lines.append(f"warning: {', '.join(fields)}: the error estimate is not to be trusted: "
                         + "; ".join(trusted.reasons))
        if observations_missed(last):
            what = "the inferred parameters are" if solution.parameters else "the solution is"
            lines.append(f"warning: {describe_misfit(last)}: {what} not to be trusted")
    if solution.start is not None and solution.start.unpinned:
        lines.append(f"warning: the observations cannot pin {', '.join(solution.start.unpinned)}: "
                     "their values here are one choice among many")
    return "\n".join(lines)
