"""Strongly nonlinear problems, solved as a user runs them: `pdec solve FILE` in a fresh process,
default settings, no answer in the file; scored afterwards against a closed form or a reference
computed here by another method.

    python bench/nonlinear.py                  # every problem (~15 min on 2 cores)
    python bench/nonlinear.py bratu1 bratu4    # some of them

Columns: the exit status and what the run said (converged or the reason it did not), the
relative L2 error against the reference, the time from the command line (compile included),
the Gauss-Newton steps of the kept stages and how many of them were damped (Levenberg-Marquardt,
`pdec.solver.newton`). References: Bratu in 1D by its closed form
u = -2 ln(cosh((x - 1/2) th / 2) / cosh(th / 4)), th = sqrt(2 lam) cosh(th / 4) (lower root);
Bratu on the square by Newton on a 48 x 48 Chebyshev collocation grid (converged to 1e-14);
Allen-Cahn by the method of lines (Chebyshev in x, 400 points, Radau, rtol 1e-12); the kink
eps u'' = u^3 - u by its closed form tanh(x / sqrt(2 eps)).
"""

import argparse
import json
import math
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402
from scipy.optimize import brentq  # noqa: E402

BRATU1D = """domain x in [0, 1]
unknown u(x)
equation u_xx + {lam}*exp(u) = 0
boundary x = 0: u = 0
boundary x = 1: u = 0
"""
BRATU2D = """domain x in [0, 1], y in [0, 1]
unknown u(x, y)
equation u_xx + u_yy + {lam}*exp(u) = 0
boundary x = 0: u = 0
boundary x = 1: u = 0
boundary y = 0: u = 0
boundary y = 1: u = 0
"""
ALLEN_CAHN = """domain x in [-1, 1], t in [0, 1]
unknown u(x, t)
equation u_t = {eps}*u_xx + 5*u - 5*u^3
initial t = 0: u = x^2*cos(pi*x)
boundary x = -1: u = -1
boundary x = 1: u = -1
"""
KINK = """domain x in [-1, 1]
unknown u(x)
equation {eps}*u_xx = u^3 - u
boundary x = -1: u = -tanh(1/sqrt({two_eps}))
boundary x = 1: u = tanh(1/sqrt({two_eps}))
"""


def cheb(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Chebyshev points x_j = cos(pi j / n) and the differentiation matrix (Trefethen)."""
    x = np.cos(np.pi * np.arange(n + 1) / n)
    c = np.hstack([2.0, np.ones(n - 1), 2.0]) * (-1.0) ** np.arange(n + 1)
    dx = x[:, None] - x[None, :]
    d = np.outer(c, 1.0 / c) / (dx + np.eye(n + 1))
    return x, d - np.diag(d.sum(axis=1))


def bratu1d(lam: float):
    f = lambda th: th - math.sqrt(2 * lam) * math.cosh(th / 4)  # noqa: E731
    th = brentq(f, 1e-9, 4.0, xtol=1e-16, rtol=8.9e-16)  # the lower root (below the fold)
    return lambda pts: -2 * np.log(np.cosh((pts[:, 0] - 0.5) * th / 2) / math.cosh(th / 4))


def bratu2d(lam: float, n: int = 48):
    """Newton on the Chebyshev grid of [0, 1]^2; the reference at the grid's interior nodes."""
    x, d = cheb(n)
    x, d = (x + 1) / 2, 2 * d
    d2 = d @ d
    eye = np.eye(n + 1)
    lap = np.kron(d2, eye) + np.kron(eye, d2)
    xx, yy = np.meshgrid(x, x, indexing="ij")
    edge = ((xx == 0) | (xx == 1) | (yy == 0) | (yy == 1)).ravel()
    u = np.zeros((n + 1) ** 2)
    for _ in range(30):
        r = lap @ u + lam * np.exp(u)
        jac = lap + lam * np.diag(np.exp(u))
        r[edge], jac[edge] = u[edge], np.eye(len(u))[edge]
        du = np.linalg.solve(jac, -r)
        u += du
        if np.max(np.abs(du)) < 1e-14:
            break
    pts = np.column_stack([xx.ravel(), yy.ravel()])[~edge]
    return pts, u[~edge]


def allen_cahn(eps: float, n: int = 400):
    """The method of lines; the reference on a grid of the x nodes at 41 times."""
    x, d = cheb(n)
    d2 = d @ d
    inner = slice(1, n)

    def rhs(t, v):
        u = np.concatenate([[-1.0], v, [-1.0]])
        return (eps * d2 @ u + 5 * u - 5 * u ** 3)[inner]

    def jac(t, v):
        u = np.concatenate([[-1.0], v, [-1.0]])
        return eps * d2[inner, inner] + np.diag(5 - 15 * u[inner] ** 2)

    u0 = (x ** 2 * np.cos(np.pi * x))[inner]
    times = np.linspace(0, 1, 41)
    out = solve_ivp(rhs, (0, 1), u0, method="Radau", t_eval=times, jac=jac, rtol=1e-12, atol=1e-13)
    xx, tt = np.meshgrid(x[inner], times, indexing="ij")
    return np.column_stack([xx.ravel(), tt.ravel()]), out.y.ravel()


def kink(eps: float):
    return lambda pts: np.tanh(pts[:, 0] / math.sqrt(2 * eps))


def problems() -> dict:
    """name -> (text, reference: a function of points or (points, values), target)."""
    return {
        "bratu1": (BRATU1D.format(lam=1), bratu1d(1.0), 1e-13),
        "bratu3": (BRATU1D.format(lam=3), bratu1d(3.0), 1e-13),
        "bratu2d_6": (BRATU2D.format(lam=6), lambda: bratu2d(6.0), 1e-12),
        "bratu4": (BRATU1D.format(lam=4), None, None),  # no solution: the run must say so, exit 1
        "kink": (KINK.format(eps=0.001, two_eps=0.002), kink(0.001), 1e-10),
        "allen_cahn_2e-4": (ALLEN_CAHN.format(eps=0.0002), lambda: allen_cahn(2e-4), 1e-8),
        "allen_cahn_1e-4": (ALLEN_CAHN.format(eps=0.0001), lambda: allen_cahn(1e-4), 1e-8),
    }


def score(run: Path, reference) -> float:
    import pdec
    sol = pdec.load(run)
    if callable(reference) and reference.__code__.co_argcount == 0:
        pts, want = reference()
    else:
        rng = np.random.default_rng(2026)
        pts = rng.uniform(np.asarray(sol.lower), np.asarray(sol.upper), (10000, len(sol.lower)))
        want = reference(pts)
    got = np.asarray(sol(pts)).reshape(want.shape)
    return float(np.linalg.norm(got - want) / np.linalg.norm(want))


def run_one(name: str, text: str, reference, folder: Path) -> dict:
    path = folder / f"{name}.pde"
    path.write_text(text)
    out = folder / name
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pdec", "solve", str(path), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
    kept = [s for s in report.get("stages", []) if s["kept"]]
    said = "converged" if report.get("converged") else "; ".join(report.get("reasons", [])) or done.stderr[-200:]
    error = score(out, reference) if reference is not None and kept else math.nan
    return {"name": name, "exit": done.returncode, "said": said, "error": error, "time": wall,
            "steps": sum(s["iterations"] for s in kept), "stages": len(kept)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    table = problems()
    names = args.names or list(table)
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, {platform.python_version()}, default settings")
    print("| problem | exit | the run says | rel L2 vs reference | target | time s | GN steps (kept stages) |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            text, reference, target = table[name]
            row = run_one(name, text, reference, Path(tmp))
            aim = "exit 1" if target is None else f"{target:.0e}"
            print(f"| {name} | {row['exit']} | {row['said']} | {row['error']:.2e} | {aim} | {row['time']:.0f} | "
                  f"{row['steps']} ({row['stages']}) |", flush=True)


if __name__ == "__main__":
    main()
