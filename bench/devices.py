"""The same solve on 1 and on 2 (host) devices: median wall time of each, and their ratio.

    python bench/devices.py                                   # poisson2d, the budget below
    python bench/devices.py --problem fit2d --set adam=1000 --repeats 3

Each run is a fresh subprocess with XLA_FLAGS=--xla_force_host_platform_device_count=N (JAX
reads it when it starts) that solves with `devices=N` and prints its times; the runs of the
two device counts alternate, so that a change in the machine's load hits both alike. Timed:
the whole `pdec.solve` call, compilation included, as a user sees it. Each run also prints its
losses and errors, which agree across device counts up to the order of floating-point sums.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = ["stages=1", "adam=500", "iterations=60", "points=2000", "gamma=0.5"]

# One run: solve with the given options (over the file's) on N devices; print a JSON line of times.
RUN = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import pdec
problem, n, options = sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
p = pdec.compile(problem)
t = time.perf_counter()
sol = pdec.solve(p, **{**options, "tol": 1e-30}, devices=n)
total = time.perf_counter() - t
import jax
print(json.dumps({"devices": jax.device_count(), "used": n, "total": total,
                  "stages": [r.wall_time for r in sol.report], "loss": [r.loss for r in sol.report],
                  "rel_l2": [r.rel_l2 for r in sol.report], "points": [r.points for r in sol.report],
                  "kind": jax.devices()[0].device_kind}))
"""


def parse_set(items):
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        out[name.strip()] = value.strip() if value.strip() in ("on", "off", "auto") else float(value)
    return {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in out.items()}


def one_run(problem: Path, n: int, options: dict) -> dict:
    env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={n}", "JAX_PLATFORMS": "cpu"}
    out = subprocess.run([sys.executable, "-c", RUN, str(ROOT), str(problem), str(n), json.dumps(options)],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--problem", default="poisson2d")
    ap.add_argument("--set", action="append", default=None, metavar="OPTION=VALUE",
                    help=f"solver options (default: {' '.join(BUDGET)})")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--devices", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    options = parse_set(args.set if args.set is not None else BUDGET)
    problem = ROOT / "problems" / f"{args.problem}.pde"
    import jax

    print(f"# devices bench, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, {os.cpu_count()} CPU cores, "
          f"jax {jax.__version__}; {args.problem}, {' '.join(f'{k}={v}' for k, v in options.items())}, "
          f"{args.repeats} repeats\n", flush=True)
    runs: dict[int, list[dict]] = {n: [] for n in args.devices}
    for i in range(args.repeats):
        for n in args.devices:
            r = one_run(problem, n, options)
            runs[n].append(r)
            print(f"run {i + 1}, {n} device(s): solve {r['total']:.1f} s, stages "
                  f"{', '.join(f'{s:.1f}' for s in r['stages'])} s, loss {', '.join(f'{v:.6e}' for v in r['loss'])}, "
                  f"rel L2 {', '.join(f'{v:.6e}' for v in r['rel_l2'])}, points {r['points']}", flush=True)
    base = statistics.median(r["total"] for r in runs[args.devices[0]])
    print(f"\n| devices | solve s (median of {args.repeats}) | min | max | ratio to {args.devices[0]} device |")
    print("|---|---|---|---|---|")
    for n in args.devices:
        t = [r["total"] for r in runs[n]]
        print(f"| {n} | {statistics.median(t):.1f} | {min(t):.1f} | {max(t):.1f} | {statistics.median(t) / base:.2f} |")


if __name__ == "__main__":
    main()
