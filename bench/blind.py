"""Solve a `.pde` file as a user without its answer does, and score it afterwards.

`blind_copy` writes the file without its `exact`, `reference` and `truth` lines (observations
sampled from `exact` become a CSV file of the very values drawn: they are data), `solve` runs
`pdec solve` on that copy in a fresh process (compile time included) and `score` compares
the saved solution with the original file's exact solution (or reference values) and stated
truths. Used by bench/gallery.py and bench/estimate.py.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ANSWER = ("exact", "reference", "truth")  # statements that state the answer
TEST_POINTS = 10000


def blind_copy(path: Path, folder: Path) -> Path:
    """``path`` without its answer, in ``folder`` (with the data files it reads)."""
    import pdec
    problem = pdec.compile(path)
    sampled = {o.line: o for o in problem.observations if not o.source.endswith(".csv")}
    folder.mkdir(parents=True, exist_ok=True)
    if (path.parent / "data").is_dir():
        shutil.copytree(path.parent / "data", folder / "data", dirs_exist_ok=True)
    lines = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        word = line.split(maxsplit=1)[0] if line.strip() else ""
        if word in ANSWER:
            continue
        if number in sampled:
            o = sampled[number]
            name = f"observed_line{number}.csv"
            header = ",".join(problem.coordinate_names + o.fields)
            np.savetxt(folder / name, np.hstack([o.points, o.values]), delimiter=",", header=header, comments="",
                       fmt="%.17g")
            line = f'observe {", ".join(o.fields)} from "{name}"' + (f" noise {o.noise!r}" if o.noise else "")
        lines.append(line)
    out = folder / path.name
    out.write_text("\n".join(lines) + "\n")
    return out


def solve(path: Path, folder: Path, *options: str) -> dict:
    """`pdec solve` on the blind copy of ``path`` in a fresh process: exit status, wall time,
    report.json."""
    blind = blind_copy(path, folder)
    run = folder / "run"
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pdec", "solve", str(blind), "--out", str(run), "--quiet", *options],
                          capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    report = json.loads((run / "report.json").read_text()) if (run / "report.json").exists() else {}
    return {"exit": done.returncode, "time": wall, "report": report, "run": run, "stderr": done.stderr[-300:]}


def score(path: Path, run: Path) -> dict:
    """The saved run against ``path``'s exact solution (or reference values): relative L2 on
    TEST_POINTS points of the domain (all fields together), and each stated truth's relative
    error. NaN where the file states neither."""
    import pdec
    from pdec.language.lowering import lower
    problem = pdec.compile(path)
    solution = pdec.load(run)
    out = {"error": math.nan, "parameters": {}}
    if problem.references:
        ref = problem.references[0]
        got = np.asarray(solution(ref.points)).reshape(ref.values.shape[0], -1)
        want = ref.values
        out["error"] = float(np.linalg.norm(got - want) / np.linalg.norm(want))
    else:
        exact = lower(problem).exact if not problem.is_regression else lower(problem).targets
        names = [n for n in solution.field_names if n in exact]
        if names:
            rng = np.random.default_rng(2026)
            lo, hi = np.asarray(solution.lower), np.asarray(solution.upper)
            pts = rng.uniform(lo, hi, (4 * TEST_POINTS, lo.size))
            pts = pts[solution.inside(pts)][:TEST_POINTS]
            got = np.asarray(solution(pts)).reshape(pts.shape[0], -1)
            cols = [solution.field_names.index(n) for n in names]
            want = np.stack([np.asarray(exact[n](pts)) for n in names], axis=1)
            out["error"] = float(np.linalg.norm(got[:, cols] - want) / np.linalg.norm(want))
    for p in problem.parameters:
        if p.truth is not None and p.name in solution.parameters:
            value = solution.parameters[p.name]
            out["parameters"][p.name] = abs(value - p.truth) / abs(p.truth) if p.truth else abs(value)
    return out
