"""Quick checks of the multi-stage PINN pieces (small settings)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pdec
from pdec.solver import network
from pdec.solver.blocks import problem_blocks
from pdec.solver.gamma import GAMMA_MAX, GAMMA_MIN, balance, choose_gamma
from pdec.language.lowering import lower
from pdec.language.options import SolverOptions
from pdec.solver.driver import Schedule
from pdec.solver.stages.trained import LBFGS, LevenbergMarquardt, Trained
from pdec.solver.schedules import equation_schedule
from pdec.solver.stages.collocation import Collocation
from pdec.solver.tasks.equations import EquationSettings, _residual_fn, block_multipliers, frozen_fields, solve_equations

SHORT = EquationSettings(
    schedule=Schedule((Trained((20, 20), adam_steps=300, optimizer=LBFGS(1500)),)),
    interior_points=(200, 400, 800), face_points=(1, 40, 40), gamma_trial_steps=100, n_test=2000,
)


def test_balance_matches_rates():
    assert balance(1.0, 3.0) == pytest.approx(0.75)
    assert balance(3.0, 1.0) == pytest.approx(0.25)
    assert balance(1.0, 0.0) == GAMMA_MIN and balance(-1.0, 1.0) == GAMMA_MAX


def stage_one_gamma(path: str) -> float:
    problem = pdec.compile(path)
    lowered = lower(problem)
    lo, hi = jnp.asarray(problem.lower), jnp.asarray(problem.upper)
    frozen = frozen_fields(tuple(() for _ in problem.field_names), problem.field_names, lo, hi)
    blocks = tuple(b.with_base(frozen) for b in problem_blocks(problem, lowered, jax.random.PRNGKey(0), 200, 40))
    s = SHORT.schedule(1)
    d = problem.dimension
    theta = ({n: network.init_stage(jax.random.PRNGKey(1), d, s.widths) for n in problem.field_names}, {})
    make = lambda g: _residual_fn(blocks, block_multipliers(blocks, {}, g), problem.field_names, lo, hi,  # noqa: E731
                                  1.0, jnp.ones(d), s, {})[0]
    return choose_gamma(make, theta, blocks, 100)


def test_gamma_is_in_range_and_depends_on_the_problem():
    a, b = stage_one_gamma("problems/robin1d.pde"), stage_one_gamma("problems/heat.pde")
    assert 0.0 < a < 1.0 and 0.0 < b < 1.0
    assert abs(a - b) > 0.05, (a, b)


def test_block_multipliers_normalize_each_group_to_one():
    problem = pdec.compile("problems/heat.pde")
    lowered = lower(problem)
    lo, hi = jnp.asarray(problem.lower), jnp.asarray(problem.upper)
    frozen = frozen_fields(((),), ("u",), lo, hi)
    blocks = tuple(b.with_base(frozen) for b in problem_blocks(problem, lowered, jax.random.PRNGKey(0), 100, 20))
    for gamma in (0.2, 0.7):
        m = block_multipliers(blocks, {}, gamma)
        eq = sum(float(jnp.sum((mi * b.start({})) ** 2)) for b, mi in zip(blocks, m) if b.kind == "equation")
        rest = sum(float(jnp.sum((mi * b.start({})) ** 2)) for b, mi in zip(blocks, m) if b.kind != "equation")
        # heat's equation residual starts at zero (homogeneous): measured in the conditions' unit
        assert eq == pytest.approx(0.0, abs=1e-30) and rest == pytest.approx(1.0 - gamma)


QUICK = "\nsolver adam = 300, iterations = 200, points = 200, stages = 1\n"
IVP = """domain t in [0, 2]
unknown u(t)
equation u_tt + u = 0
initial t = 0: u = 1
initial t = 0: u_t = 0.5
exact u = cos(t) + 0.5*sin(t)
"""


def derivative_at(sol, x: float, order: int) -> float:
    f = lambda s: sol(jnp.array([[s]]))[0]  # noqa: E731
    for _ in range(order):
        f = jax.grad(f)
    return float(f(x))


@pytest.mark.parametrize("name, checks", [
    ("neumann1d", [(0.0, 0, 1.0), (1.0, 1, 2.0 - 2.0 * np.sin(2.0))]),
    ("robin1d", [(0.0, 0, 0.0)]),  # and u + u_x at x = 1, below
    ("periodic1d", [(0.0, 0, 0.0)]),  # and u, u_x equal at both ends, below
    ("ivp", [(0.0, 0, 1.0), (0.0, 1, 0.5)]),
])
def test_each_kind_of_condition_holds_after_a_short_solve(name, checks):
    text = IVP if name == "ivp" else open(f"problems/{name}.pde").read()
    sol = pdec.solve(pdec.compile_text(text + QUICK, filename=f"{name}.pde"))
    record = sol.report[-1]
    assert record.figures["condition_max"] < 1e-6 and record.rel_l2 < 1e-5, record
    for x, order, want in checks:
        assert abs(derivative_at(sol, x, order) - want) < 1e-6, (x, order)
    if name == "robin1d":
        got = derivative_at(sol, 1.0, 0) + derivative_at(sol, 1.0, 1)
        assert abs(got - np.exp(1) * (2 * np.sin(1) + np.cos(1))) < 1e-6
    if name == "periodic1d":
        for order in (0, 1):
            assert abs(derivative_at(sol, 0.0, order) - derivative_at(sol, 2 * np.pi, order)) < 1e-6


def test_stage_two_cuts_the_error_of_stage_one_100x():
    problem = pdec.compile("problems/poisson1d.pde")
    settings = EquationSettings(
        schedule=Schedule((Trained(adam_steps=300, optimizer=LevenbergMarquardt(100)),
                           Trained(sine_first=True, adam_steps=300, optimizer=LevenbergMarquardt(100)))),
        gamma_trial_steps=100, n_test=2000)
    sol = solve_equations(problem, lower(problem), tol=0.0, max_stages=2, settings=settings)
    first, second = sol.report
    assert first.rel_l2 < 1e-4 and second.kept
    assert second.rel_l2 < first.rel_l2 / 100.0, (first.rel_l2, second.rel_l2)
    assert second.kappa[0] > 2.0


def test_value_conditions_set_a_floor_for_eps_and_gpinn_and_stages_follow_the_dimension():
    """eps is at least the RMS residual of the conditions on values (not of derivative
    conditions or data); gPINN is on in 1D, off from 2D on, and 2D stages 1 and 2 are longer
    (stage 2 also wider), unless an option says otherwise."""
    from pdec.solver.tasks.equation_settings import GPINN_WEIGHT
    from pdec.solver.tasks.scales import value_condition_size

    problem = pdec.compile_text(
        "domain x in [0, 1]\nunknown u(x)\nequation u_xx = 0\nboundary x = 0: u = 3\nboundary x = 1: u_x = 5\n")
    blocks = problem_blocks(problem, lower(problem), jax.random.PRNGKey(0), 16, 1)
    zero = {"u": lambda pt: jnp.zeros(())}  # the frozen stages: u = 0
    assert value_condition_size(tuple(b.with_base(zero) for b in blocks), {}) == pytest.approx(3.0)
    cfg = EquationSettings()
    assert cfg.gpinn_weight(1) == GPINN_WEIGHT and cfg.gpinn_weight(2) is None
    assert cfg.gpinn_weight(1, Collocation()) is None  # automatic: off on collocation stages
    assert cfg.with_options(SolverOptions(gpinn="on"), 2).gpinn_weight(2) == GPINN_WEIGHT
    assert cfg.with_options(SolverOptions(gpinn="off"), 1).gpinn_weight(1) is None
    trained = SolverOptions(method="trained")
    assert cfg.with_options(trained, 2).schedule(1).optimizer.iterations == 1500
    assert cfg.with_options(SolverOptions(method="trained", iterations=40), 2).schedule(1).optimizer.iterations == 40
    # 2D trained: a wide, long sine stage 2, then short tries; 1D: every sine stage alike.
    two = cfg.with_options(trained, 2).schedule
    assert (two(2).widths, two(2).optimizer.iterations) == ((30, 30, 30), 1000)
    assert (two(5).widths, two(5).optimizer.iterations) == ((20, 20, 20), 300)
    assert cfg.with_options(SolverOptions(method="trained", width=12), 2).schedule(2).widths == (12, 12, 12)
    # the default: collocation stages, which the trained options leave alone
    default = cfg.with_options(SolverOptions(iterations=40, width=12), 2).schedule
    assert isinstance(default(1), Collocation) and default(1) == default(3) == equation_schedule(2)(1)
    one = cfg.with_options(trained, 1).schedule
    assert one(2) == one(4)
