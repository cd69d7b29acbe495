"""Inverse problems: inferred parameters per stage against their true values, with default
settings, beside a single-stage baseline (see bench/pinn.py for the table's columns).

    python bench/inverse.py                 # the 1D problems
    python bench/inverse.py --heat          # and the 2D heat problem (long)
    python bench/inverse.py --only-heat     # the 2D heat problem alone

Problems: the parameter in the equation (problems/ode_inverse.pde), in a boundary condition
(problems/flux_inverse.pde without noise), the same with noise 1e-3 on the observations
(problems/flux_inverse.pde as is), and the heat equation's diffusivity (heat_inverse.pde).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pinn import ROOT, header, run  # noqa: E402

import pdec  # noqa: E402
from pdec.cli.solve import parse_set  # noqa: E402


def cases(with_heat: bool, only_heat: bool = False):
    flux = (ROOT / "problems" / "flux_inverse.pde").read_text()
    heat = "heat diffusivity: heat_inverse.pde", (ROOT / "problems" / "heat_inverse.pde").read_text() + "truth k = 0.5\n"
    if only_heat:
        yield heat
        return
    yield "parameter in the equation: ode_inverse.pde", (ROOT / "problems" / "ode_inverse.pde").read_text()
    yield "parameter in a boundary condition: flux_inverse.pde, noiseless", flux.replace(" noise 1e-3", "")
    yield "noisy observations (1e-3): flux_inverse.pde", flux
    if with_heat:
        yield heat


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stages", type=int, default=4)
    ap.add_argument("--heat", action="store_true", help="also the 2D heat problem")
    ap.add_argument("--only-heat", action="store_true", help="only the 2D heat problem")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE")
    args = ap.parse_args()
    header("Inverse bench" + "".join(f", {o}" for o in args.set), args.seed)
    for title, text in cases(args.heat, args.only_heat):
        print(f"## {title}\n")
        problem = pdec.compile_text(text, filename=title, base_dir=ROOT / "problems")
        run(problem, args.stages, args.seed, not args.no_baseline, parse_set(args.set))


if __name__ == "__main__":
    main()
