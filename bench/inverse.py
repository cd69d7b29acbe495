"""Inverse problems from poor guesses: every inverse problem in problems/ solved from guesses of
0.1x, 0.5x, 2x, 10x and -1x the truth, with default settings (the start from the observations,
`pdec.solver.data_start`), beside the same solve started at the guess itself (the method before
the data start; same stages, same seed). One row per (problem, guess).

    python bench/inverse.py              # the 1D problems
    python bench/inverse.py --heat       # and the two 2D heat problems (about 15 minutes more)

Scores: the largest relative parameter error; for oscillator_inverse.pde, whose equations hold
only w^2 (so -2 is as right as 2), the error of |w|. The field error is the relative L2 error on
held-out points.
"""

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pinn import ROOT, header  # noqa: E402

import pdec  # noqa: E402
from pdec.records import observation_check  # noqa: E402
from pdec.solver.data_start import at_guesses  # noqa: E402

FACTORS = (None, 0.1, 0.5, 2.0, 10.0, -1.0)  # None: the file's own guess
SIGNLESS = {"oscillator_inverse.pde": ("w",)}  # parameters whose sign the equations do not hold


def problems(heat: bool):
    """(name, text) of each inverse problem; heat_inverse gets its truth (its k is undeclared)."""
    flux = (ROOT / "problems" / "flux_inverse.pde").read_text()
    yield "ode_inverse.pde", (ROOT / "problems" / "ode_inverse.pde").read_text()
    yield "frequency_inverse.pde", (ROOT / "problems" / "frequency_inverse.pde").read_text()
    yield "two_params.pde", (ROOT / "problems" / "two_params.pde").read_text()
    yield "oscillator_inverse.pde", (ROOT / "problems" / "oscillator_inverse.pde").read_text()
    yield "flux_inverse.pde (noiseless)", flux.replace(" noise 1e-3", "")
    yield "flux_inverse.pde", flux
    if heat:
        yield "heat_data.pde", (ROOT / "problems" / "heat_data.pde").read_text()
        yield "heat_inverse.pde", (ROOT / "problems" / "heat_inverse.pde").read_text() + "param k ~ 1\ntruth k = 0.5\n"


def with_guesses(text: str, factor: float | None, truths: dict[str, float]) -> str:
    """The file with each `param NAME ~ G` line's guess set to factor x its truth (None: as it is)."""
    if factor is None:
        return text
    for name, truth in truths.items():
        text = re.sub(rf"(?m)^param {name} ~ .*$", f"param {name} ~ {factor * truth:.12g}", text)
    return text


def score(sol, truths: dict[str, float], signless: tuple[str, ...]) -> float:
    errs = [abs((abs(sol.parameters[n]) if n in signless else sol.parameters[n]) - t) / abs(t) for n, t in truths.items()]
    return max(errs)


def one(problem, truths, signless, baseline: bool) -> str:
    t0 = time.perf_counter()
    sol = pdec.solve(problem, resume=at_guesses(problem) if baseline else None)
    seconds = time.perf_counter() - t0
    kept = [r for r in sol.report if r.kept] or list(sol.report)
    check = observation_check(sol.report)
    flag = "" if check is None or check["met"] else " (flagged)"
    start = "" if baseline else ", ".join(f"{sol.start.values[n]:.6g}" for n in truths)
    return (f" {start or '-'} | {score(sol, truths, signless):.1e}{flag} | {kept[-1].rel_l2:.1e} | "
            f"{len(kept)} | {seconds:.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--heat", action="store_true", help="also the 2D heat problems")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    header("Inverse problems from poor guesses (defaults)", 0)
    print("| problem | guess | start | param err | field rel L2 | stages | s | from the guess: param err | "
          "field rel L2 | stages | s |")
    print("|---" * 11 + "|", flush=True)
    for name, text in problems(args.heat):
        base = pdec.compile_text(text, filename=name, base_dir=ROOT / "problems")
        truths = {p.name: float(p.truth) for p in base.parameters}
        for factor in FACTORS:
            problem = pdec.compile_text(with_guesses(text, factor, truths), filename=name, base_dir=ROOT / "problems")
            guess = ", ".join(f"{p.guess:.3g}" for p in problem.parameters)
            row = f"| {name} | {guess} ({'file' if factor is None else f'{factor:g}x'}) |" + one(problem, truths, SIGNLESS.get(name, ()), False)
            if not args.no_baseline:
                row += one(problem, truths, SIGNLESS.get(name, ()), True).split("|", 1)[1]
            print(row, flush=True)


if __name__ == "__main__":
    main()
