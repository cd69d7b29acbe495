"""Multi-stage PINN: train stage networks inside the full residual of the combined solution.

Stage n adds, for every field f, a new network v_f scaled by eps_n:

    u_f = U_f + eps_n * v_f,      U_f = the frozen earlier stages

and trains all v_f (and corrections of the unknown parameters) on the residual vector made of
every equation, condition, periodicity and data block (`pdec.solver.blocks`), each block divided by
its size at the start of the stage. The frozen stages' derivative values are computed once per
stage and cached in the blocks. gamma weighs the equation blocks against the others (see
`pdec.solver.gamma`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np

from pdec.errors import PdecError
from pdec.language.lowering import Lowered
from pdec.language.problem import Problem
from pdec.solution import Solution, Stage, normalize
from pdec.solver import devices as dev
from pdec.records import ParameterStart
from pdec.solver import convergence, data_start, driver, keys, memory, network, observation_fit
from pdec.solver.singular import Singular
from pdec.solver.blocks import Block, FrozenField, block_multipliers, problem_blocks, resampled
from pdec.solver.derivatives import PointFn, evaluate_fields
from pdec.solver.driver import Schedule, Stops
from pdec.solver.estimate import residual_size
from pdec.solver.gamma import choose_gamma
from pdec.solver.optimize import Progress
from pdec.solver.sampling import domain_points
from pdec.solver.schedules import equation_schedule, per_dimension
from pdec.solver.stages.base import StageKind, StageSetup
from pdec.solver.stages.collocation import Collocation
from pdec.solver.stages.spectral import Spectral
from pdec.solver.stages.trained import Trained
from pdec.solver.tasks import collocation, spectral
from pdec.solver.tasks.base import Attempt, Measure, State
from pdec.solver.tasks.equation_settings import EquationSettings
from pdec.solver.tasks.scales import data_kappa, next_scales, rms_before, value_condition_size

Array = jnp.ndarray


FRESH = 2  # a stage's residual is also measured on this many times its own points, fresh
FRESH_MAX = 20000  # but on at most this many
FRESH_FACE = 256  # fresh points per condition (the interior's are drawn first: the same with any number
# here), and of the interior ones, where the fields' size is measured (`convergence.field_size`)
SIZE_POINTS = 4096  # fresh interior points where the fields' and the newest stages' sizes are measured
# A stage 1 whose residual on fresh points is above this share of the residual at zero fields
# is under-resolved: resolved stages 1 end near 1e-10 of it (poisson2d 5.1e-13 on its points,
# 2.4e-10 off them), Heat2d-MS's isotropic band 2.5e-2 off (4.9e-3 residual, 3.8x its own).
UNSOLVED = 1e-3


def frozen_fields(stages: tuple[tuple[Stage, ...], ...], names: tuple[str, ...], lower, upper) -> dict[str, PointFn]:
    """The sum of each field's stages (zero before the first stage), as compiled pytrees."""
    return {n: FrozenField(tuple(st), jnp.asarray(lower), jnp.asarray(upper)) for n, st in zip(names, stages)}


def _residual_fn(blocks, multipliers, names, lower, upper, eps, kappa, s: StageKind, base_params, mesh=None):
    """theta = (networks per field, parameter corrections) -> the stage's residual vector
    (block rows split across ``mesh``, see `pdec.solver.devices`)."""
    def fields_of(nets):
        def one(p):
            return lambda pt: network.apply(p, normalize(pt[None, :], lower, upper), kappa, s.sine, False)[0, 0]
        return {n: one(nets[n]) for n in names}

    scale = {n: eps for n in names}

    def unpack(theta):
        nets, dp = theta
        return fields_of(nets), {k: base_params[k] + dp[k] for k in base_params}

    def residual_on(theta, on_blocks):
        """The residual vector on any blocks of the same shapes (resampled points)."""
        fields, params = unpack(theta)
        placed = [dev.constrain(b, mesh) for b in on_blocks]
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

        per_block = [block_rows(dev.constrain(b, mesh), m) for b, m in zip(blocks, multipliers)]
        return jax.tree.map(lambda *gs: dev.concat_rows(gs, mesh), *per_block)

    return residual, jacobian, residual_on


def _errors(fields: Mapping[str, PointFn], test: Array, exact_values: Mapping[str, Array]) -> tuple[float, float]:
    """Relative L2 (all fields together) and max abs error on the test points; NaN without exact."""
    if not exact_values:
        return math.nan, math.nan
    num = den = 0.0
    worst = 0.0
    for name, want in exact_values.items():
        got = evaluate_fields(fields, test, ((name, (0,) * test.shape[1]),))[(name, (0,) * test.shape[1])]
        e = np.asarray(got - want)
        num += float(np.sum(e * e))
        den += float(np.sum(np.asarray(want) ** 2))
        worst = max(worst, float(np.max(np.abs(e))))
    return math.sqrt(num / den) if den > 0 else math.sqrt(num), worst


def _block_stats(blocks: tuple[Block, ...], fields, params) -> tuple[float, float, float]:
    """Equation residual RMS, condition (and data) residual max and RMS for the given fields
    (each over all the rows of its blocks; NaN where there are none)."""
    eq, cond = [], []
    for b in blocks:
        r = np.asarray(b.residual(fields, None, params))
        if b.kind != "gradient":
            (eq if b.kind == "equation" else cond).append(r)
    return _stats(eq, cond)


def _stats(eq: list, cond: list) -> tuple[float, float, float]:
    eq_rms = float(np.sqrt(np.mean(np.concatenate(eq) ** 2))) if eq else math.nan
    cond_all = np.concatenate(cond) if cond else None
    if cond_all is None:
        return eq_rms, math.nan, math.nan
    return eq_rms, float(np.max(np.abs(cond_all))), float(np.sqrt(np.mean(cond_all ** 2)))


@dataclass(frozen=True)
class EquationSetup(StageSetup):
    """A stage's setup before its gamma is chosen: the blocks on the stage's points (frozen
    stages cached), and fresh blocks for Adam's chunks."""

    blocks: tuple[Block, ...] = ()
    sampled: tuple[Block, ...] = ()
    parameters: Mapping[str, Array] = field(default_factory=dict)
    stage: int = 0


@dataclass(frozen=True)
class GridSetup(EquationSetup):
    """A spectral stage's setup: also its problem on the grid of any degrees (`tasks.spectral`)."""

    grids: Callable | None = None


@dataclass(frozen=True)
class EquationTask:
    """Every field of an equation problem (and its unknown parameters), one stage at a time.

    Stage k adds, for every field f, a network v_f scaled by eps_k: u_f = U_f + eps_k v_f, and
    trains all v_f and corrections of the parameters on the residual vector of every block."""

    problem: Problem
    lowered: Lowered
    settings: EquationSettings
    key: jax.Array
    mesh: object = None  # `pdec.solver.devices.mesh`
    test: Array = field(init=False)
    exact_values: Mapping[str, Array] = field(init=False)
    singular: Singular | None = field(init=False)  # a plane domain's holes and corners (collocation stages)

    def __post_init__(self):
        lo, hi, d = self.lower, self.upper, self.problem.dimension
        object.__setattr__(self, "singular", collocation.singular_functions(self.problem))
        test = lo + (hi - lo) * jax.random.uniform(keys.test_points(self.key), (self.settings.n_test, d), jnp.float64) \
            if self.problem.geometry is None else \
            domain_points(keys.test_points(self.key), lo, hi, self.settings.n_test, self.problem.geometry)
        object.__setattr__(self, "test", test)
        object.__setattr__(self, "exact_values", {n: self.lowered.exact[n](test) for n in self.fields
                                                  if n in self.lowered.exact})
        if not self.exact_values and self.problem.references:  # scored against reference values instead
            ref = self.problem.references[0]
            object.__setattr__(self, "test", jnp.asarray(ref.points))
            object.__setattr__(self, "exact_values", {n: jnp.asarray(ref.values[:, j]) for j, n in enumerate(ref.fields)})

    @property
    def fields(self) -> tuple[str, ...]:
        return self.problem.field_names

    @property
    def lower(self) -> Array:
        return jnp.asarray(self.problem.lower)

    @property
    def upper(self) -> Array:
        return jnp.asarray(self.problem.upper)

    def start(self) -> ParameterStart:
        """Where the parameters start: from the observations (`pdec.solver.data_start`)."""
        return data_start.data_start(self.problem, self.lowered, keys.data_start(self.key))

    def stage_key(self, run: jax.Array, k: int) -> jax.Array:
        return keys.equation_stage(run, k)

    def _counts(self, k: int, kind: StageKind) -> tuple[int, int]:
        """Stage k's interior and face points (per face, per condition)."""
        cfg, d = self.settings, self.problem.dimension
        grow = cfg.growth ** (k - 1)
        first = per_dimension(cfg.interior_points, d) if cfg.interior_points else kind.sample_points(d)
        n_int = dev.round_up(kind.limit_points(int(first * grow), len(self.fields)), self.mesh)
        return n_int, dev.round_up(int(per_dimension(cfg.face_points, d) * grow), self.mesh)

    def _sampled(self, key: jax.Array, k: int, kind: StageKind) -> tuple[Block, ...]:
        """Every block of the problem on stage k's number of freshly sampled points."""
        n_int, n_face = self._counts(k, kind)
        gpinn = self.settings.gpinn_weight(self.problem.dimension, kind) is not None
        return problem_blocks(self.problem, self.lowered, key, n_int, n_face, gpinn)

    def check_memory(self, schedule: Schedule, stages: int) -> None:
        """Refuse, before any work, a run one of whose stages would not fit in free memory
        (`pdec.solver.memory`): each stage's largest array from its residual rows."""
        p, d = self.problem, self.problem.dimension
        free = memory.available_bytes()
        for k in range(1, stages + 1):
            kind = schedule(k)
            n_int, n_face = self._counts(k, kind)
            gpinn = d if self.settings.gpinn_weight(d, kind) is not None else 0
            rows = n_int * len(p.equations) * (1 + gpinn) + n_face * (len(p.conditions) + len(p.periodic)) \
                + sum(o.values.size for o in p.observations)
            need, what = kind.largest_array(rows, d, len(self.fields), len(p.parameters))
            memory.check_fits(k, need, what, free)

    def refining(self, schedule: Schedule) -> Schedule:
        """The schedule without its refining kind where that cannot run: a shaped domain
        (spectral stages are for boxes), or its largest array over the free memory."""
        if schedule.refine is None:
            return schedule
        p = self.problem
        need, _ = schedule.refine.largest_array(0, p.dimension, len(self.fields), len(p.parameters))
        if p.geometry is not None or need > memory.available_bytes():
            return replace(schedule, refine=None)
        return schedule

    def _based(self, blocks: tuple[Block, ...], frozen) -> tuple[Block, ...]:
        """The blocks placed on the devices with the frozen stages' values cached."""
        return tuple(dev.place(dev.place(b, self.mesh).with_base(frozen), self.mesh) for b in blocks)

    def prepare(self, state: State, kind: StageKind, k: int) -> EquationSetup:
        if not isinstance(kind, (Trained, Collocation, Spectral)):
            raise PdecError(f"stage {k} of an equation problem is a {type(kind).__name__} stage; equation "
                            "problems take trained, collocation and spectral stages",
                            hint="least-squares stages over the Chebyshev angle are for fits")
        params = {p: jnp.float64(v) for p, v in state.parameters.items()}
        frozen = frozen_fields(state.stages, self.fields, self.lower, self.upper)
        points_key = keys.equation_points(self.key, k)
        eps, kappa = next_scales(self.problem, self.lowered, frozen, params, self.settings, k, points_key)
        sampled = self._sampled(points_key, k, kind)
        blocks = self._based(sampled, frozen)
        if k > 1:
            eps = max(eps, value_condition_size(blocks, params))
        if isinstance(kind, Collocation):
            if k == 1:  # the frequencies the data hold (stages 2+: the residual's)
                kappa = data_kappa(self.problem, self.lowered, params, self.settings, points_key)
            return EquationSetup(eps, collocation.band(kind, kappa, k), int(sampled[0].size), residual=None,
                                 blocks=blocks, parameters=params, stage=k)
        if isinstance(kind, Spectral):
            if self.problem.geometry is not None:
                raise PdecError(f"stage {k} is a spectral stage, which needs a box domain")
            grids = spectral.problem_on_grids(self, kind, points_key, frozen, eps, params, self.settings.gamma,
                                              self._counts(k, kind)[1])
            return GridSetup(eps, kappa, int(sampled[0].size), residual=None, blocks=blocks, parameters=params,
                             stage=k, grids=grids)
        batches = self._batches(k, kind, sampled, blocks, frozen) if self.settings.resample else None
        return EquationSetup(eps, kappa, int(sampled[0].size), residual=None, batches=batches, blocks=blocks,
                             parameters=params, stage=k)

    def _batches(self, k: int, kind: StageKind, sampled, blocks, frozen) -> Callable[[int], tuple[Block, ...]]:
        """Adam's chunk i trains on fresh points (chunk 0 on the stage's own): Latin hypercube
        interior, new face points; the LM phase then uses the stage's points."""
        def batches(i: int) -> tuple[Block, ...]:
            if i == 0:
                return blocks
            fresh = self._sampled(keys.equation_resample(self.key, k, i), k, kind)
            return self._based(resampled(sampled, fresh), frozen)
        return batches

    def attempt(self, setup: EquationSetup, kind: Trained, key, k, progress) -> Attempt:
        """Fresh networks for every field, gamma for the stage (given, or from a trial run), fitted."""
        cfg, d, params = self.settings, self.problem.dimension, setup.parameters
        if isinstance(kind, Spectral):
            return spectral.attempt(setup, kind, self.fields, cfg.gamma, progress)
        if isinstance(kind, Collocation):
            return collocation.attempt(setup, kind, key, k, self.fields, self.lower, self.upper, cfg.gamma,
                                       cfg.gpinn_weight(d, kind), progress, self.singular)

        def make(gamma: float):
            multipliers = block_multipliers(setup.blocks, params, gamma, cfg.gpinn_weight(d, kind))
            return _residual_fn(setup.blocks, multipliers, self.fields, self.lower, self.upper, setup.eps,
                                setup.kappa, kind, params, self.mesh)

        nets = {n: kind.init(keys.equation_network(key, k, i), d) for i, n in enumerate(self.fields)}
        theta = (nets, {p: jnp.zeros((), jnp.float64) for p in params})
        gamma = cfg.gamma if cfg.gamma is not None else choose_gamma(
            lambda g: make(g)[0], theta, setup.blocks, cfg.gamma_trial_steps)
        residual, jacobian, residual_on = make(gamma)
        fitted = kind.fit(replace(setup, residual=residual, jacobian=jacobian, residual_on=residual_on),
                          theta, progress)
        return Attempt(fitted.params, fitted.loss, fitted.iterations, {"gamma": float(gamma)})

    def extend(self, state: State, setup: EquationSetup, kind: StageKind, attempt: Attempt) -> State:
        nets, dp = attempt.theta
        stages = tuple(st + (kind.frozen(nets[n], jnp.asarray(setup.eps), setup.kappa),)
                       for n, st in zip(self.fields, state.stages))
        return State(stages, {p: float(setup.parameters[p] + dp[p]) for p in setup.parameters})

    def measure(self, state: State, setup: EquationSetup) -> Measure:
        """The stage's residual size and correction (`pdec.solver.estimate`), measured on fresh
        points; the residuals on its own points; each condition's miss
        (`pdec.solver.convergence`); errors against a stated exact solution, for the report."""
        fields = frozen_fields(state.stages, self.fields, self.lower, self.upper)
        rel, worst = _errors(fields, self.test, self.exact_values)
        params = {p: jnp.float64(v) for p, v in state.parameters.items()}
        plain = tuple(replace(b, base=None) for b in setup.blocks)
        eq_rms, cond_max, cond_rms = _block_stats(plain, fields, params)
        fresh_blocks = self._fresh_blocks(setup)
        equations = {b.name: np.asarray(b.residual(fields, None, params)) for b in fresh_blocks if b.kind == "equation"}
        fresh = _stats(list(equations.values()), [])[0]
        interior = fresh_blocks[0].sites[0]
        size = convergence.field_size(fields, interior[:FRESH_FACE])
        zero = convergence.start_rms(fresh_blocks, params)
        misses = convergence.misses(fresh_blocks, fields, params, size, equations, zero)
        data = (b for b in setup.blocks if b.kind in ("equation", "condition"))
        start = rms_before(tuple(data), params) if setup.stage == 1 else 0.0
        share = fresh / start if start > 0 else 0.0
        figures = {"equation_rms": eq_rms, "condition_max": cond_max, "fresh_rms": fresh,
                   "under_resolved": float(share > UNSOLVED), "unsolved": share,
                   "share": convergence.share(fresh, zero)}
        if self.problem.observations:
            figures |= {"data_rms": observation_fit.misfit(plain, fields, params),
                        "data_level": observation_fit.level(self.problem)}
        sizes = self._sizes(state, interior[:SIZE_POINTS])
        score = self._residual_size(fields, params, fresh_blocks, sizes[""][0], setup.stage, figures["share"])
        corrections = {n: new / old if old > 0 else new for n, (old, new) in sizes.items()}
        corrections |= {p: _relative_change(state.parameters[p], setup.parameters[p]) for p in state.parameters}
        return Measure(rel, worst, score, figures, misses, _helped(setup.blocks, params, eq_rms, cond_rms),
                       corrections.pop(""), corrections)

    def _sizes(self, state: State, points: Array) -> dict[str, tuple[float, float]]:
        """Per field (and all together, as ""): the RMS of the field and of its newest stage."""
        fields = frozen_fields(state.stages, self.fields, self.lower, self.upper)
        newest = frozen_fields(tuple(st[-1:] for st in state.stages), self.fields, self.lower, self.upper)
        out = {n: (convergence.field_size({n: fields[n]}, points), convergence.field_size({n: newest[n]}, points))
               for n in self.fields}
        together = tuple(math.sqrt(sum(v[i] ** 2 for v in out.values())) for i in (0, 1))
        return {"": together} | out

    def _residual_size(self, fields, params, fresh_blocks, size: float, stage: int, share: float) -> float:
        """How large a residual the stage leaves, relative: the largest of the correction the
        equation residual calls for (`scales.next_scales`: its RMS over (2 pi f)^m, on a grid) and the
        conditions' RMS on fresh points, both over the fields' size, and the equation residual
        RMS on fresh points over the residual at zero fields (``share``: where the fields are
        noise between too few points, their residual's dominant frequency is high and the first
        figure small; disk_poisson on 30 points: 0.17 -> 9.4e-3 while ``share`` went 2.0 -> 3.0
        and the error stayed at 0.2; `pdec.solver.estimate.residual_size`)."""
        eps, _ = next_scales(self.problem, self.lowered, fields, params, self.settings, 2,
                              keys.fresh_points(self.key, stage))
        conditions = convergence.condition_rms(fresh_blocks, fields, params)
        return residual_size(eps / size, conditions / size, share) if size > 0 else math.inf

    def _fresh_blocks(self, setup: EquationSetup) -> tuple[Block, ...]:
        """Every block on FRESH times the stage's points, drawn apart from them
        (`keys.fresh_points`): what the solution does between the points it was fitted on."""
        n = min(FRESH * int(setup.points), FRESH_MAX)
        return problem_blocks(self.problem, self.lowered, keys.fresh_points(self.key, setup.stage), n, FRESH_FACE)


def _relative_change(new: float, old: float) -> float:
    """How far a parameter moved in a stage, relative to its value (absolute at zero)."""
    new, old = float(new), float(old)
    return abs(new - old) / abs(new) if new != 0 else abs(new - old)


WORSE = 1.01  # a stage whose equation residual and condition misfit both grow past this factor did not help


def _helped(blocks: tuple[Block, ...], params, eq_rms: float, cond_rms: float) -> bool:
    """Whether a stage helped: its equation residual RMS or its condition (and data) residual
    RMS on its own points is not WORSE times the frozen stages' (cached in ``blocks``)."""
    before = _stats([np.asarray(b.start(params)) for b in blocks if b.kind == "equation"],
                    [np.asarray(b.start(params)) for b in blocks if b.kind not in ("equation", "gradient")])
    return not (eq_rms > WORSE * before[0] and cond_rms > WORSE * before[2])


def solve_equations(problem: Problem, lowered: Lowered, *, tol: float, max_stages: int, seed: int = 0,
                    settings: EquationSettings | None = None, callback: Callable[[Solution], None] | None = None,
                    start: Solution | None = None, progress: Progress | None = None,
                    devices: int | None = None, on_start: Callable[[ParameterStart], None] | None = None) -> Solution:
    """Solve an equation problem stage by stage; returns a Solution with inferred parameters.

    ``callback`` gets the solution so far after every stage (its last report entry is the stage
    just done); ``start`` continues an earlier run of the same problem and seed, giving what the
    uninterrupted run gives. ``devices``: how many of the visible devices to split the blocks'
    rows across (None: all; sample counts are rounded up to a multiple of it, `pdec.solver.devices`).
    ``on_start`` gets the parameters' start (`pdec.records.ParameterStart`) before the first stage."""
    cfg = settings or EquationSettings()
    key = keys.root(seed)
    task = EquationTask(problem, lowered, cfg, key, dev.mesh(devices))
    lo, hi, names = task.lower, task.upper, task.fields

    schedule = task.refining(cfg.schedule or equation_schedule(problem.dimension))
    task.check_memory(schedule, max_stages)
    begin = start.start if start is not None and start.start is not None else task.start()
    if on_start is not None:
        on_start(begin)

    def solution(state: State, records) -> Solution:
        return Solution(lo, hi, names, state.stages, tuple(records), dict(state.parameters), start=begin)

    state = State(tuple(() for _ in names), dict(begin.values))
    if start is not None:
        state = State(start.stages, {p: float(start.parameters[p]) for p in state.parameters})
    report = lambda st, records: callback(solution(st, records))  # noqa: E731
    state, records = driver.run(task, schedule,
                                Stops(tol, max_stages), key=key,
                                start=(state, tuple(start.report) if start is not None else ()),
                                callback=report if callback is not None else None, progress=progress)
    return solution(state, records)
