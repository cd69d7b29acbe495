"""Chebyshev spectrum of a 2D fit's error after each stage: smooth (decaying) or white (flat).

    pdec solve problems/fit2d.pde --out /tmp/fit2d
    python bench/residue_spectrum.py /tmp/fit2d

For the run folder of a 2D `fit` with a closed-form target: the error of the first k stages
on a 129 x 129 Chebyshev-Lobatto grid, its Chebyshev coefficients c_ij (DCT-I along each axis),
and the share of the error's norm carried by the coefficients with max(i, j) >= D. A smooth
error has almost nothing beyond some degree; a white one keeps a fixed share at every D, and a
next stage would need ~D^2 points and weights to fit it (bench/RESULTS.md, Regression).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pdec  # noqa: E402  (float64 first)
from pdec import store  # noqa: E402
from pdec.language.lowering import lower  # noqa: E402
from pdec.solution import Solution  # noqa: E402

N = 129
DEGREES = (10, 20, 30, 40, 60, 80, 100, 128)


def chebyshev_coefficients(values: np.ndarray) -> np.ndarray:
    """|c_ij| of values on the Lobatto grid cos(pi k / (N - 1)), by a DCT-I along each axis."""
    def dct1(a, axis):
        m = a.shape[axis]
        ext = np.concatenate([a, np.flip(a, axis).take(range(1, m - 1), axis)], axis)
        return np.real(np.fft.fft(ext, axis=axis)).take(range(m), axis) / (m - 1)

    return np.abs(dct1(dct1(values, 0), 1))


def main() -> None:
    folder = Path(sys.argv[1])
    settings = json.loads((folder / "settings.json").read_text())
    problem = pdec.compile(folder / settings["file"])
    if problem.dimension != 2 or not problem.fits or problem.fits[0].expr is None:
        sys.exit("needs the run folder of a 2D fit with a closed-form target")
    field = problem.fits[0].field
    target = lower(problem).targets[field]
    sol = store.load(folder)
    lo, hi = np.asarray(sol.lower), np.asarray(sol.upper)
    z = np.cos(np.pi * np.arange(N) / (N - 1))
    zx, zy = np.meshgrid(z, z, indexing="ij")
    pts = lo + (np.stack([zx.ravel(), zy.ravel()], 1) + 1.0) * 0.5 * (hi - lo)
    want = np.asarray(target(pts))
    stages = sol.field_stages(field)
    i = np.arange(N)
    top = np.maximum.outer(i, i)
    print("share of the error's norm in Chebyshev degrees max(i, j) >= D")
    print("| stages | RMS error | " + " | ".join(f"D={d}" for d in DEGREES) + " |")
    print("|---" * (len(DEGREES) + 2) + "|")
    for k in range(1, len(stages) + 1):
        partial = Solution(sol.lower, sol.upper, (field,), (stages[:k],), (), {})
        e = (np.asarray(partial.evaluate(pts)) - want).reshape(N, N)
        c = chebyshev_coefficients(e)
        total = np.sqrt(np.sum(c ** 2))
        shares = [np.sqrt(np.sum(c[top >= d] ** 2)) / total for d in DEGREES]
        print(f"| {k} | {np.sqrt(np.mean(e ** 2)):.2e} | " + " | ".join(f"{s:.1e}" for s in shares) + " |")


if __name__ == "__main__":
    main()
