"""The one Gauss-Newton (pdec.solver.newton) and the verdict on a solve (pdec.solver.convergence):
a damped step where the full one fails, and a failed solve never presented as a result."""

import json
import subprocess
import sys
from dataclasses import dataclass

import numpy as np

import pdec
from pdec.cli.table import summary
from pdec.records import verdict
from pdec.solver import newton

ALLEN_CAHN = """# allen_cahn_dirichlet.pde (issue 46)
domain x in [-1, 1], t in [0, 1]
unknown u(x, t)
equation u_t = 0.0002*u_xx + 5*u - 5*u^3
initial t = 0: u = x^2*cos(pi*x)
boundary x = -1: u = -1
boundary x = 1: u = -1
"""
BRATU = """domain x in [0, 1]
unknown u(x)
equation u_xx + {lam}*exp(u) = 0
boundary x = 0: u = 0
boundary x = 1: u = 0
"""


@dataclass(frozen=True)
class Stiff:
    """r(x) = 1e9 x^3 + x - 1: the full Gauss-Newton step from 0 is 1, where r is 1e9, and
    even 1/128 of it raises the loss (r = 476 there); the root is near 1e-3."""

    size: int = 1
    affine: bool = False

    def residual(self, x):
        return np.array([1e9 * x[0] ** 3 + x[0] - 1.0])

    def system(self, x):
        return np.array([[3e9 * x[0] ** 2 + 1.0]]), self.residual(x)


def test_a_damped_step_moves_where_no_halving_of_the_full_step_lowers_the_loss():
    out = newton.Newton()(Stiff())
    assert out.damped >= 1 and out.steps >= 3
    assert out.loss < 1e-20 and abs(1e9 * out.x[0] ** 3 + out.x[0] - 1.0) < 1e-10
    undamped = newton.Newton(damped_tries=0)(Stiff())  # the rule before damping: no step at all
    assert undamped.steps == 0 and undamped.stuck and not undamped.converged


def test_newton_keeps_the_full_step_rule_where_it_works():
    """On a problem the full step solves, no step is damped and the solve ends converged."""
    @dataclass(frozen=True)
    class Mild:
        size: int = 1
        affine: bool = False

        def residual(self, x):
            return np.array([x[0] ** 3 + x[0] - 2.0])

        def system(self, x):
            return np.array([[3 * x[0] ** 2 + 1.0]]), self.residual(x)

    out = newton.Newton()(Mild())
    assert out.damped == 0 and out.converged and abs(out.x[0] - 1.0) < 1e-14


def test_a_solved_problem_is_said_converged():
    sol = pdec.solve(pdec.compile("problems/poisson1d.pde"), stages=1)
    check = verdict(sol.report)
    assert check is not None and check.converged
    assert max(sol.report[0].misses.values()) < 1e-12 and sol.report[0].figures["share"] < 1e-12


def test_allen_cahn_is_not_returned_as_the_zero_field():
    """The issue-46 file: once a zero field kept with 'equation residual 0', exit 0. Now no stage
    that took no step is kept, and the run says which line it misses."""
    problem = pdec.compile_text(ALLEN_CAHN, filename="allen_cahn_dirichlet.pde")
    sol = pdec.solve(problem, stages=2)
    check = verdict(sol.report)
    assert check is not None and not check.converged
    assert all(r.iterations > 0 for r in sol.report if r.kept)
    assert "initial condition t = 0 at line 5" in check.message()
    assert "did not converge" in summary(sol)


def test_a_problem_without_a_solution_fails_cleanly_from_the_command_line(tmp_path):
    """Bratu at lam = 4 has no solution (the fold is at 3.5138): exit 1, the reason in the
    summary and report.json, the stages still saved."""
    path = tmp_path / "bratu4.pde"
    path.write_text(BRATU.format(lam=4))
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "pdec", "solve", str(path), "--out", str(out), "--quiet",
                           "--stages", "2"], capture_output=True, text=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "did not converge" in done.stdout and "line" in done.stdout
    report = json.loads((out / "report.json").read_text())
    assert report["converged"] is False and report["trusted"] is False and report["reasons"]
    assert (out / "solution.json").exists()


def test_pytree_fields_are_evaluated_compiled_to_the_values_of_the_closures():
    """blocks.FrozenField through the compiled path agrees with the old closures, derivatives too."""
    import jax
    import jax.numpy as jnp
    from pdec.solution import normalize
    from pdec.solver.blocks import FrozenField, frozen_field
    from pdec.solver.derivatives import evaluate_fields

    sol = pdec.solve(pdec.compile("problems/poisson1d.pde"), stages=1)
    stages, lo, hi = sol.stages[0], jnp.asarray(sol.lower), jnp.asarray(sol.upper)
    closure = frozen_field(tuple((lambda s: lambda pt: s(normalize(pt[None, :], lo, hi))[0])(s) for s in stages),
                           (1.0,) * len(stages))
    pts = jnp.linspace(-0.9, 0.9, 50)[:, None] * (hi - lo) / 2 + (hi + lo) / 2
    needs = (("u", (0,)), ("u", (1,)), ("u", (2,)))
    got = evaluate_fields({"u": FrozenField(tuple(stages), lo, hi)}, pts, needs)
    want = evaluate_fields({"u": closure}, pts, needs)
    for need in needs:
        scale = float(jnp.max(jnp.abs(want[need])))
        assert float(jnp.max(jnp.abs(got[need] - want[need]))) <= 1e-13 * scale, need
    assert jax.tree_util.tree_leaves(FrozenField(tuple(stages), lo, hi))  # a pytree, not one opaque leaf


def test_the_tool_says_where_compiled_programs_are_cached(tmp_path):
    env = {**__import__("os").environ, "PDEC_COMPILATION_CACHE": str(tmp_path / "cache")}
    shown = subprocess.run([sys.executable, "-m", "pdec", "--version"], capture_output=True, text=True, env=env)
    assert shown.returncode == 0 and str(tmp_path / "cache") in shown.stdout
    env["PDEC_COMPILATION_CACHE"] = "off"
    shown = subprocess.run([sys.executable, "-m", "pdec", "--version"], capture_output=True, text=True, env=env)
    assert "compilation cache off" in shown.stdout
