"""The end-of-run table: one row per stage, every figure the solver measured."""

from __future__ import annotations

import math

from pdec.solver.tasks.equations import PinnRecord
from pdec.solution import Solution


def _num(v: float, fmt: str = ".2e") -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, fmt)


def table(solution: Solution, truths: dict[str, float | None] | None = None) -> str:
    """A fixed-width table of the solution's stage records (PINN or regression); a parameter
    with a stated truth gets a column with its relative error per stage."""
    records = solution.report
    truths = {k: v for k, v in (truths or {}).items() if v is not None}
    if not records:
        return "(no stages)"
    if isinstance(records[0], PinnRecord):
        names = list(records[0].parameters)
        head = ["stage", "eps", "kappa", "gamma", "points", "iters", "loss", "eq rms", "cond max",
                "rel L2", "max err"] + [h for n in names for h in ([n, f"{n} err"] if n in truths else [n])] \
            + ["time s", "kept"]
        rows = [[str(r.stage), _num(r.eps), ",".join(f"{k:.3g}" for k in r.kappa), f"{r.gamma:.3f}",
                 str(r.points), str(r.iterations), _num(r.loss), _num(r.equation_rms), _num(r.condition_max),
                 _num(r.rel_l2), _num(r.max_error)]
                + [c for n in names for c in ([f"{r.parameters[n]:.15g}", _num(_relative(r.parameters[n], truths[n]))]
                                              if n in truths else [f"{r.parameters[n]:.15g}"])]
                + [f"{r.wall_time:.1f}", "yes" if r.kept else "no"] for r in records]
    else:
        head = ["field", "stage", "eps", "kappa", "points", "iters", "loss", "rms err", "max err", "rel L2",
                "time s", "kept"]
        rows = [[r.field, str(r.stage), _num(r.eps), ",".join(f"{k:.3g}" for k in r.kappa), str(r.points),
                 str(r.iterations), _num(r.loss), _num(r.rms_error), _num(r.max_error), _num(r.rel_l2),
                 f"{r.wall_time:.1f}", "yes" if r.kept else "no"] for r in records]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]
    stops = [r.stop_reason for r in records if r.stop_reason]
    if stops:
        lines.append("stopped: " + "; ".join(dict.fromkeys(stops)))
    return "\n".join(lines)


def _relative(value: float, truth: float) -> float:
    return abs(value - truth) / abs(truth) if truth != 0 else abs(value)


def parameter_lines(solution: Solution, truths: dict[str, float | None]) -> list[str]:
    """Each inferred parameter with its relative error where the file states the truth."""
    out = []
    for name, value in solution.parameters.items():
        truth = truths.get(name)
        line = f"{name} = {value:.16g}"
        if truth is not None:
            line += f"  (truth {truth:.16g}, relative error {_relative(value, truth):.2e})"
        out.append(line)
    return out
