"""How honest is pdec's error estimate? True error against the estimate, per problem.

    python bench/estimate.py                  # the extra problems below and the quick gallery ones
    python bench/estimate.py helmholtz1d heat # some (extra names or gallery file names)

Each problem is solved by `pdec solve` in a fresh process without its `exact`/`truth` lines
(bench/blind.py) and scored afterwards. The issue's band: true <= 3 x estimate (the estimate
may not flatter) and estimate <= 100 x true (it must be useful); `ratio` is true / estimate,
so the band is 0.01 <= ratio <= 3. Parameters: the same per inferred parameter. The problems
below are not in the gallery; they were written for this table (1D-3D, linear and nonlinear,
an inverse one, shaped domains, a front) and tuned for nothing.
"""

import argparse
import math
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import blind  # noqa: E402

EXTRA = {
    "helmholtz1d": """domain x in [0, 2]
unknown u(x)
equation u_xx + 16*u = 16*x
boundary all: u = sin(4*x) + x
exact u = sin(4*x) + x
""",
    "cubic1d": """domain x in [-1, 1]
unknown u(x)
equation u_xx - u^3 = -cos(x) - cos(x)^3
boundary all: u = cos(x)
exact u = cos(x)
""",
    "system1d": """domain t in [0, 3]
unknown u(t), v(t)
equation u_t = v
equation v_t = -u
initial t = 0: u = 0
initial t = 0: v = 1
exact u = sin(t)
exact v = cos(t)
""",
    "front1d": """domain x in [-1, 1]
unknown u(x)
equation u_xx = -2*400*tanh(20*(x - 0.2))*(1 - tanh(20*(x - 0.2))^2)
boundary all: u = tanh(20*(x - 0.2))
exact u = tanh(20*(x - 0.2))
""",
    "inverse1d": """domain x in [0, 3]
unknown u(x)
param c ~ 1
truth c = 2
equation u_xx + c^2*u = 0
point x = 0: u = 0
point x = 0: u_x = 2
observe u at 30 points
exact u = sin(2*x)
""",
    "harmonic2d": """domain x in [0, 1], y in [0, 1]
unknown u(x, y)
equation lap(u) = 0
boundary all: u = exp(2*x)*sin(2*y)
exact u = exp(2*x)*sin(2*y)
""",
    "advection_diffusion2d": """domain x in [-1, 1], y in [-1, 1]
unknown u(x, y)
equation lap(u) - 3*u_x = -2*pi^2*sin(pi*x)*sin(pi*y) - 3*pi*cos(pi*x)*sin(pi*y)
boundary all: u = 0
exact u = sin(pi*x)*sin(pi*y)
""",
    "exp_nonlinear2d": """domain x in [0, 1], y in [0, 1]
unknown u(x, y)
equation lap(u) + exp(u) = -2*sin(x)*cos(y) + exp(sin(x)*cos(y))
boundary all: u = sin(x)*cos(y)
exact u = sin(x)*cos(y)
""",
    "heat_cos": """domain x in [0, 2], t in [0, 0.5]
unknown u(x, t)
equation u_t = u_xx
initial t = 0: u = cos(2*x) + x
boundary all: u = exp(-4*t)*cos(2*x) + x
exact u = exp(-4*t)*cos(2*x) + x
""",
    "disk_sine": """domain x, y in disk((0, 0), 1)
unknown u(x, y)
equation lap(u) = -2*sin(x)*sin(y)
boundary all: u = sin(x)*sin(y)
exact u = sin(x)*sin(y)
""",
    "harmonic3d": """domain x in [0, 1], y in [0, 1], z in [0, 1]
unknown u(x, y, z)
equation lap(u) = 0
boundary all: u = exp(x + y)*sin(sqrt(2)*z)
exact u = exp(x + y)*sin(sqrt(2)*z)
""",
}
GALLERY = ("poisson1d", "poisson_hf", "robin1d", "neumann1d", "periodic1d", "biharmonic1d", "burgers_steady",
           "ode_inverse", "two_params", "oscillator_inverse", "poisson2d", "heat", "convection", "wave1d_c",
           "neumann2d", "nonlinear2d", "disk_poisson", "lshape", "heat_inverse", "mixed_diff", "poisson2d_c")
UNDER = ("poisson_hf", ("--set", "points=24", "--stages", "2"))  # an under-resolved solve: far too few points


def _ratio(true: float, est) -> str:
    return "-" if est is None or not est or math.isnan(true) else f"{true / est:.2g}"


def _band(true: float, est) -> str:
    return "-" if est is None or math.isnan(true) else ("yes" if true <= 3 * est and est <= 100 * max(true, 1e-16)
                                                        else "no")


def row(name: str, path: Path, folder: Path, *options: str) -> str:
    done = blind.solve(path, folder, *options)
    report = done["report"]
    scored = blind.score(path, done["run"]) if report.get("stages") else {"error": math.nan, "parameters": {}}
    est = report.get("estimated_error")
    parts = report.get("estimated_errors", {})
    params = ", ".join(f"{n} {e:.1e} / {parts.get(n, math.nan):.1e}" for n, e in scored["parameters"].items()) or "-"
    label = name + (" " + " ".join(options) if options else "")
    return (f"| {label} | {scored['error']:.1e} | {est if est is None else format(est, '.1e')} | "
            f"{_ratio(scored['error'], est)} | {_band(scored['error'], est)} | {params} | "
            f"{sum(1 for s in report.get('stages', []) if s['kept'])} | {done['exit']} | {done['time']:.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    names = args.names or list(EXTRA) + list(GALLERY) + ["under"]
    print(f"# Error estimate, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, fresh process per problem, "
          "answer removed, default settings\n")
    print("| problem | true error | estimate | ratio | in band | parameters: error / estimate | stages | exit | time s |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            folder = Path(tmp) / name
            folder.mkdir()
            if name == "under":
                print(row(UNDER[0], ROOT / "problems" / f"{UNDER[0]}.pde", folder, *UNDER[1]), flush=True)
                continue
            if name in EXTRA:
                path = folder / "source" / f"{name}.pde"
                path.parent.mkdir()
                path.write_text(EXTRA[name])
            else:
                path = ROOT / "problems" / f"{name}.pde"
            print(row(name, path, folder / "blind"), flush=True)


if __name__ == "__main__":
    main()
