"""Multi-stage PINN: train stage networks inside the full residual of the combined solution.

Stage n adds, for every field f, a new network v_f scaled by eps_n:

    u_f = U_f + eps_n * v_f,      U_f = the frozen earlier stages

and trains all v_f (and corrections of the unknown parameters) on the residual vector made of
every equation, condition, periodicity and data block (`pdec.blocks`), each block divided by
its size at the start of the stage. The frozen stages' derivative values are computed once per
stage and cached in the blocks. gamma weighs the equation blocks against the others (see
`pdec.gamma`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np

from pdec.solver import devices as dev
from pdec.solver import network
from pdec.solver import spectrum
from pdec.solver.blocks import Block, frozen_field, problem_blocks, resampled
from pdec.solver.derivatives import PointFn, evaluate_fields
from pdec.solver.gamma import choose_gamma
from pdec.language.lowering import Lowered
from pdec.solver.driver import RETRY, Schedule, StageSettings, StageSetup, attempts, finished, schedule_with, stage_progress, train
from pdec.solver.optimize import Progress
from pdec.language.problem import Problem
from pdec.solver.sampling import uniform_grid
from pdec.solution import Solution, Stage, normalize

Array = jnp.ndarray


GPINN_WEIGHT = 0.1  # `gpinn = on`: the normalized gradient loss at a tenth of the equation loss


def default_schedule(d: int) -> tuple[StageSettings, ...]:
    """Default stages for a d-dimensional problem: Adam warm start, then Levenberg-Marquardt.

    The last entry serves every later stage. On the 1D Poisson problem Adam + LM measured
    1.3e-7 after stage 1 and 1.3e-13 after stage 2 (25 s), where Adam + L-BFGS reached 4e-8 and
    9e-10 in about the same time. In 2D both kinds of stage keep gaining long after 300 LM steps
    (bench/RESULTS.md, poisson2d): the tanh stage 1 gets 1500 (1.05e-5 after 300, 3.1e-7 after
    1500); the sine stage 2 gets width 30 and 1000 steps (from that stage 1: 2.3e-9 with width
    20 and 300 steps, 1.7e-10 with 2000, 6.2e-11 with width 30 and 1000). Later 2D stages have
    not gained with either (the residue left is broadband), so they stay short tries.
    """
    tanh = StageSettings(widths=(20, 20, 20), adam_steps=500, optimizer="lm", iterations=300)
    sine = replace(tanh, sine_first=True)
    if d != 2:
        return tanh, sine
    return replace(tanh, iterations=1500), replace(sine, widths=(30, 30, 30), iterations=1000), sine


@dataclass(frozen=True)
class PinnSettings:
    """Defaults of the PINN solve: per-stage networks and optimizers, points, gamma."""

    schedule: tuple[StageSettings, ...] | None = None  # None: default_schedule(d)
    interior_points: tuple[int, ...] = (400, 2000, 4000)  # stage 1, for d = 1, 2, 3
    face_points: tuple[int, ...] = (1, 100, 400)
    growth: float = 2.0  # more collocation points each stage
    gamma: float | None = None  # None: automatic per stage
    # gPINN: weight of the residual-gradient loss against the equation loss (both normalized to
    # start at 1); None: off; "auto": on (GPINN_WEIGHT) in 1D, off from 2D on (`gpinn_weight`).
    gpinn: float | str | None = "auto"
    gamma_trial_steps: int = 300
    resample: bool = True  # fresh collocation points every optimize.CHUNK Adam steps
    n_test: int = 10000
    analysis_points: tuple[int, ...] = (4096, 128, 24)

    def gpinn_weight(self, d: int) -> float | None:
        """The gPINN weight for a d-dimensional problem (None: off).

        Automatic: on in 1D, where after 2 short stages it cut the error of poisson1d from
        8.1e-13 to 3.2e-14 and of neumann1d from 1.0e-11 to 1.8e-14; off from 2D on, where it
        adds d rows per collocation point to the Jacobian for no gain (poisson2d, 1500 LM steps:
        stage 1 3.5e-7 in 440 s with it, 3.1e-7 in 134 s without; stage 2 2.7e-9 in 281 s
        against 2.3e-9 in 78 s; bench/RESULTS.md).
        """
        if self.gpinn == "auto":
            return GPINN_WEIGHT if d == 1 else None
        return self.gpinn

    def stage(self, k: int, d: int) -> StageSettings:
        schedule = self.schedule or default_schedule(d)
        return schedule[min(k, len(schedule)) - 1]


@dataclass(frozen=True)
class PinnRecord:
    """What one PINN stage did, for all fields together."""

    stage: int
    eps: float
    kappa: tuple[float, ...]
    gamma: float
    points: int
    iterations: int
    loss: float
    equation_rms: float
    condition_max: float
    rel_l2: float
    max_error: float
    parameters: Mapping[str, float]
    wall_time: float
    kept: bool = True
    stop_reason: str = ""


def stage_field(stage: Stage, lower: Array, upper: Array) -> PointFn:
    """One stage as a field of one physical point: eps * net(normalize(point))."""
    return lambda pt: stage(normalize(pt[None, :], lower, upper))[0]


def frozen_fields(stages: tuple[tuple[Stage, ...], ...], names: tuple[str, ...], lower, upper) -> dict[str, PointFn]:
    """The sum of each field's stages (zero before the first stage)."""
    return {n: frozen_field(tuple(stage_field(s, lower, upper) for s in st), (1.0,) * len(st))
            for n, st in zip(names, stages)}


def block_multipliers(blocks: tuple[Block, ...], params: Mapping[str, Array], gamma: float,
                      gpinn: float | None = None) -> list[float]:
    """Per-block factors m_b so that sum_b |m_b r_b|^2 = gamma (L_eq + w L_grad) + (1 - gamma) L_rest,

        L_group = mean over the group's blocks of (mean square of r_b) / S_group^2

    where S_group^2 is that mean at the start of the stage (new stage = 0), so each group's loss
    starts at 1, and w = `gpinn` weighs the gPINN residual gradients (group "gradient"). Each
    block counts by its mean, whatever its number of points (one point at each end of a 1D
    interval weighs as much as the whole interior). A group that starts at zero (homogeneous
    conditions at stage 1) is measured in the equations' or the conditions' unit.
    """
    residuals = [b.start(params) for b in blocks]
    start = [float(jnp.mean(r ** 2)) for r in residuals]
    groups: dict[str, list[int]] = {"equation": [], "gradient": [], "rest": []}
    for i, b in enumerate(blocks):
        groups[b.kind if b.kind in groups else "rest"].append(i)
    unit = {g: (sum(start[i] for i in idx) / len(idx) if idx else 0.0) for g, idx in groups.items()}
    fallback = max(unit["equation"], unit["rest"]) or 1.0
    unit = {g: u if u > 1e-300 else fallback for g, u in unit.items()}
    weight = {"equation": gamma, "gradient": gamma * (gpinn or 0.0), "rest": 1.0 - gamma}
    out = [0.0] * len(blocks)
    for g, idx in groups.items():
        for i in idx:
            out[i] = math.sqrt(weight[g] / (len(idx) * unit[g] * residuals[i].shape[0]))
    return out


def _residual_fn(blocks, multipliers, names, lower, upper, eps, kappa, s: StageSettings, base_params, mesh=None):
    """theta = (networks per field, parameter corrections) -> the stage's residual vector
    (block rows split across ``mesh``, see `pdec.devices`)."""
    def fields_of(nets):
        def one(p):
            return lambda pt: network.apply(p, normalize(pt[None, :], lower, upper), kappa, s.sine_first, False)[0, 0]
        return {n: one(nets[n]) for n in names}

    scale = {n: eps for n in names}

    def unpack(theta):
        nets, dp = theta
        return fields_of(nets), {k: base_params[k] + dp[k] for k in base_params}

    def residual_on(theta, on_blocks):
        """The residual vector on any blocks of the same shapes (resampled points)."""
        fields, params = unpack(theta)
        placed = [dev.constrain_block(b, mesh) for b in on_blocks]
        return dev.concat_rows([m * b.residual(fields, scale, params) for b, m in zip(placed, multipliers)], mesh)

    def residual(theta):
        return residual_on(theta, blocks)

    def jacobian(theta):
        """Rows of d residual / d theta, one pointwise row at a time (vmap of jacrev)."""
        def block_rows(b, m):
            def one(row, th):
                fields, params = unpack(th)
                return m * b.row(row, fields, scale, params)

            rows = jax.vmap(jax.jacrev(one, argnums=1), in_axes=(0, None))(b.rows(), theta)
            return jax.tree.map(lambda g: g.reshape((-1,) + g.shape[2:]), rows)

        per_block = [block_rows(dev.constrain_block(b, mesh), m) for b, m in zip(blocks, multipliers)]
        return jax.tree.map(lambda *gs: dev.concat_rows(gs, mesh), *per_block)

    return residual, jacobian, residual_on


def _errors(fields: Mapping[str, PointFn], test: Array, exact_values: Mapping[str, Array]) -> tuple[float, float]:
    """Relative L2 (all fields together) and max abs error on the test points; NaN without exact."""
    if not exact_values:
        return math.nan, math.nan
    num = den = 0.0
    worst = 0.0
    for name, want in exact_values.items():
        got = jax.vmap(fields[name])(test)
        e = np.asarray(got - want)
        num += float(np.sum(e * e))
        den += float(np.sum(np.asarray(want) ** 2))
        worst = max(worst, float(np.max(np.abs(e))))
    return math.sqrt(num / den) if den > 0 else math.sqrt(num), worst


def _block_stats(blocks: tuple[Block, ...], fields, params) -> tuple[float, float]:
    """Equation residual RMS and condition (and data) residual max for the given fields."""
    eq, cond = [], []
    for b in blocks:
        r = np.asarray(b.residual(fields, None, params))
        if b.kind != "gradient":
            (eq if b.kind == "equation" else cond).append(r)
    eq_rms = float(np.sqrt(np.mean(np.concatenate(eq) ** 2))) if eq else math.nan
    cond_max = float(np.max(np.abs(np.concatenate(cond)))) if cond else math.nan
    return eq_rms, cond_max


def _next_scales(problem: Problem, lowered: Lowered, fields, params, cfg: PinnSettings, k: int):
    """eps and kappa for stage k from the equation residual of the earlier stages.

    kappa per axis: 2 pi times the residual's dominant frequency (cycles per unit of the
    normalized coordinate), from an FFT on a uniform grid. eps: the residual's RMS divided by
    (2 pi f_phys)^m, f_phys in cycles per physical unit and m the equations' order: the
    correction is m derivatives smoother than the residual it removes (the caller raises it to
    at least `value_condition_size`).
    """
    d = problem.dimension
    if k == 1:
        return 1.0, jnp.ones(d)
    n = cfg.analysis_points[min(d, len(cfg.analysis_points)) - 1]
    grid = uniform_grid(problem.lower, problem.upper, n)
    residuals = []
    for r in lowered.equations:
        values = evaluate_fields(fields, grid, r.needs)
        residuals.append(np.asarray(r(grid, values, params)).reshape((n,) * d))
    freqs = [max(fs) for fs in zip(*(spectrum.grid_frequencies(r) for r in residuals))]
    kappa = spectrum.kappa_from_frequencies(freqs)
    order = max(eq.max_order for eq in problem.equations) or 1
    span = problem.upper - problem.lower
    f_phys = max(2.0 * f / w for f, w in zip(freqs, span))
    rms = math.sqrt(np.mean([np.mean(r ** 2) for r in residuals]))
    eps = rms / max(2.0 * math.pi * f_phys, 1.0) ** order
    return eps, kappa


def value_condition_size(blocks: tuple[Block, ...], params) -> float:
    """RMS residual of the frozen stages (cached in ``blocks``) on the conditions on values (no
    derivatives: Dirichlet, initial, point).

    Such a condition's residual is an error in u itself on the boundary, and it reaches inside
    (a harmonic extension is as large as its boundary values), so the next correction is at
    least this large, however small the equation residual (poisson2d: stage-1 error 3.5e-7,
    boundary residual 1.6e-6 max, equation-based eps 2e-8). Observations are left out: their
    residual is the data's noise, which no stage removes.
    """
    sizes = [float(jnp.mean(b.start(params) ** 2)) for b in blocks
             if b.kind == "condition" and all(sum(idx) == 0 for _, idx in b.needs)]
    return math.sqrt(sum(sizes) / len(sizes)) if sizes else 0.0


def with_options(cfg: PinnSettings, options: Mapping[str, object], d: int) -> PinnSettings:
    """``cfg`` with the `solver` options applied: adam, iterations, width, points, gamma."""
    cfg = replace(cfg, schedule=schedule_with(Schedule(cfg.schedule or default_schedule(d)), options).stages)
    if options.get("points") is not None:
        cfg = replace(cfg, interior_points=(int(options["points"]),) * 3)
    if "gamma" in options:
        cfg = replace(cfg, gamma=options["gamma"])
    if "gpinn" in options:
        value = options["gpinn"]
        cfg = replace(cfg, gpinn=None if value == "off" else GPINN_WEIGHT if value == "on" else float(value))
    return cfg


def solve_equations(problem: Problem, lowered: Lowered, *, tol: float, max_stages: int, seed: int = 0,
                    settings: PinnSettings | None = None, callback: Callable[[Solution], None] | None = None,
                    start: Solution | None = None, progress: Progress | None = None,
                    devices: int | None = None) -> Solution:
    """Solve an equation problem stage by stage; returns a Solution with inferred parameters.

    ``callback`` gets the solution so far after every stage (its last report entry is the stage
    just done); ``start`` continues an earlier run of the same problem and seed, giving what the
    uninterrupted run gives. ``devices``: how many of the visible devices to split the blocks'
    rows across (None: all; sample counts are rounded up to a multiple of it, `pdec.devices`)."""
    cfg = settings or PinnSettings()
    mesh = dev.mesh(devices)
    names, d = problem.field_names, problem.dimension
    gpinn = cfg.gpinn_weight(d)
    lo, hi = jnp.asarray(problem.lower), jnp.asarray(problem.upper)
    key = jax.random.PRNGKey(seed)
    test = lo + (hi - lo) * jax.random.uniform(jax.random.fold_in(key, 10**6), (cfg.n_test, d), jnp.float64)
    exact_values = {n: lowered.exact[n](test) for n in names if n in lowered.exact}
    params = {p.name: jnp.float64(p.guess) for p in problem.parameters}
    stages: tuple[tuple[Stage, ...], ...] = tuple(() for _ in names)
    records: list[PinnRecord] = []
    previous = math.inf
    if start is not None:
        if finished(start.report, tol, max_stages):
            return start
        stages, records = start.stages, list(start.report)
        params = {p: jnp.float64(start.parameters[p]) for p in params}
        if records:
            records[-1] = replace(records[-1], stop_reason="")
        kept = [r for r in records if r.kept]
        if kept:
            previous = kept[-1].rel_l2 if exact_values else kept[-1].equation_rms

    def solution() -> Solution:
        return Solution(lo, hi, names, stages, tuple(records), {p: float(v) for p, v in params.items()})

    for k in range(len(records) + 1, max_stages + 1):
        t0 = time.perf_counter()
        s = cfg.stage(k, d)
        frozen = frozen_fields(stages, names, lo, hi)
        eps, kappa = _next_scales(problem, lowered, frozen, params, cfg, k)
        grow = cfg.growth ** (k - 1)
        n_int = dev.round_up(int(cfg.interior_points[min(d, 3) - 1] * grow), mesh)
        n_face = dev.round_up(int(cfg.face_points[min(d, 3) - 1] * grow), mesh)
        sampled = problem_blocks(problem, lowered, jax.random.fold_in(key, k), n_int, n_face, gpinn is not None)

        def based(bs):
            return tuple(dev.place_block(dev.place_block(b, mesh).with_base(frozen), mesh) for b in bs)

        blocks = based(sampled)
        if k > 1:
            eps = max(eps, value_condition_size(blocks, params))

        def batches(i: int, k=k, n_int=n_int, n_face=n_face, blocks=blocks, sampled=sampled):
            """Adam's chunk i trains on fresh points (chunk 0 on the stage's own): Latin
            hypercube interior, new face points; the LM phase then uses the stage's points."""
            if i == 0:
                return blocks
            fresh = problem_blocks(problem, lowered, jax.random.fold_in(jax.random.fold_in(key, k), 1000 + i),
                                   n_int, n_face, gpinn is not None)
            return based(resampled(sampled, fresh))

        def make(gamma: float, s: StageSettings):
            return _residual_fn(blocks, block_multipliers(blocks, params, gamma, gpinn), names, lo, hi, eps, kappa, s, params,
                                mesh)

        for tried, init_key in attempts(s, key):
            nets = {n: network.init_stage(jax.random.fold_in(init_key, 100 * k + i), d, tried.widths, 1, kappa,
                                          tried.sine_first) for i, n in enumerate(names)}
            theta = (nets, {p: jnp.zeros((), jnp.float64) for p in params})
            gamma = cfg.gamma if cfg.gamma is not None else choose_gamma(
                lambda g: make(g, tried)[0], theta, blocks, cfg.gamma_trial_steps)
            residual, jacobian, residual_on = make(gamma, tried)
            setup = StageSetup(eps, kappa, n_int, residual, jacobian, residual_on,
                               batches if cfg.resample else None)
            theta, loss, iters = train(setup, theta, tried, stage_progress(progress, f"stage {k}"))
            if np.isfinite(loss):
                break
        nets, dp = theta
        new_params = {p: params[p] + dp[p] for p in params}
        new_stages = tuple(st + (Stage(nets[n], jnp.asarray(eps), kappa, s.sine_first, False),)
                           for n, st in zip(names, stages))
        fields = frozen_fields(new_stages, names, lo, hi)
        rel, worst = _errors(fields, test, exact_values)
        eq_rms, cond_max = _block_stats(tuple(replace(b, base=None) for b in blocks), fields, new_params)
        measure = rel if exact_values else eq_rms
        kept = bool(not (measure >= previous) and np.isfinite(loss))
        reason = ""
        if not np.isfinite(loss):
            reason = f"diverged: {RETRY}; stage discarded"
        elif not kept:
            reason = f"no gain ({measure:.2e} >= {previous:.2e}), stage discarded"
        elif exact_values and rel <= tol:
            reason = f"tolerance {tol:.0e} met"
        elif k == max_stages:
            reason = f"max stages ({max_stages})"
        records.append(PinnRecord(k, float(eps), tuple(float(v) for v in kappa), float(gamma), n_int, iters,
                                  float(loss), eq_rms, cond_max, rel, worst,
                                  {p: float(v) for p, v in new_params.items()}, time.perf_counter() - t0,
                                  kept, reason))
        if kept:
            stages, params, previous = new_stages, new_params, measure
        if callback is not None:
            callback(solution())
        if reason:
            break
    return solution()


def format_record(r: PinnRecord) -> str:
    """One line per PINN stage."""
    kappa = ",".join(f"{v:.3g}" for v in r.kappa)
    params = "".join(f"  {k} {v:.12g}" for k, v in r.parameters.items())
    line = (f"stage {r.stage}: eps {r.eps:.2e}  kappa [{kappa}]  gamma {r.gamma:.3f}  points {r.points:5d}  "
            f"iters {r.iterations:6d}  loss {r.loss:.2e}  eq rms {r.equation_rms:.2e}  "
            f"cond max {r.condition_max:.2e}  rel L2 {r.rel_l2:.2e}  max {r.max_error:.2e}{params}  "
            f"{r.wall_time:6.1f} s")
    if not r.kept:
        line += "  (discarded)"
    if r.stop_reason:
        line += f"  [stop: {r.stop_reason}]"
    return line
