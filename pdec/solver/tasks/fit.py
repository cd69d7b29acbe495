"""Multi-stage regression: fit fields given in closed form or as scattered data.

    solution = solve_fit(lower, upper, ["u"], [lambda x: jnp.sin(2 * x[:, 0] + 1)])

A closed-form target is sampled where it is best resolved: tensor Chebyshev-Lobatto grids
in 1D and 2D, random points from 3D on; each stage gets as many points as its residue's
frequency needs. Its error is measured on 10,000 uniformly random held-out points. A data target
``(X, Y)`` is fitted on a random 90% of its points and tested on the other 10%.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh

from pdec.errors import PdecError
from pdec.language.options import SolverOptions
from pdec.records import StageRecord
from pdec.solution import Solution, normalize, sum_stages
from pdec.solver import devices as dev
from pdec.solver import driver, keys, network, optimize, spectrum
from pdec.solver.driver import Schedule, Stops
from pdec.solver.sampling import chebyshev_nodes, gauss_grid, tensor_grid
from pdec.solver.schedules import fit_schedule, per_dimension, schedules
from pdec.solver.stages.base import StageKind, StageSetup
from pdec.solver.stages.interpolation import Interpolation, InterpolationSetup
from pdec.solver.lstsq import MAX_ENTRIES
from pdec.solver.stages.least_squares import LeastSquares
from pdec.solver.tasks.base import Attempt, Measure, State

CHUNK = 20000  # rows of earlier stages evaluated at once on an interpolation grid
Target = Callable[[jax.Array], jax.Array] | tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class FitSettings:
    """Defaults of ``solve_fit`` (measured in bench/RESULTS.md)."""

    schedule: Schedule | None = None  # None: schedules.fit_schedule(d)
    base_points: tuple[int, ...] = (1500, 1600, 3000)  # stage-1 points for d = 1, 2, >= 3
    max_points: tuple[int, ...] = (4800, 3600, 6000)  # LM's J is points x weights
    points_per_period: float = 60.0
    band_points: float = 2.5  # least-squares stage: grid points per axis per Chebyshev degree of the band
    points_per_feature: tuple[float, float] = (3.0, 4.0)  # least-squares stage: points / features, min and max
    features_per_mode: float = 1.5  # least-squares stage: features per tensor Chebyshev mode of the band it fits
    kappa_factor: float = 1.0
    min_gain: float = 2.0
    n_test: int = 10000
    test_fraction: float = 0.1
    analysis_points: tuple[int, ...] = (4096, 128, 32)  # per axis, for the residue's spectrum


    def with_options(self, options: SolverOptions, d: int) -> "FitSettings":
        """These settings with the `solver` options that apply to a fit: adam, iterations,
        width (trained stages only), points."""
        base = schedules(options.method)[0](d) if options.method else self.schedule or fit_schedule(d)
        schedule = base.with_options(options.adam, options.iterations, options.width)
        if options.points is None:
            return replace(self, schedule=schedule)
        return replace(self, schedule=schedule, base_points=(options.points,) * 3,
                       max_points=tuple(max(options.points, m) for m in self.max_points))


def _features_grid(n: int, d: int, angle: bool) -> jax.Array:
    """A tensor grid uniform in the stage's feature variable (t if angle else z), as z values."""
    nodes = chebyshev_nodes(n) if angle else jnp.linspace(-1.0, 1.0, n)
    return tensor_grid([nodes] * d)


@jax.jit
def _sum(stages, z):
    return sum_stages(stages, z)


def _residual_pair(z: jax.Array, y: jax.Array, kappa: jax.Array, s: StageKind, mesh: Mesh | None = None):
    """Residual vector net(z) - y and its per-point Jacobian rows (rows split across ``mesh``)."""

    def residual(p):
        zs, ys = dev.constrain((z, y), mesh)
        return network.apply(p, zs, kappa, s.sine, s.angle)[:, 0] - ys

    def one(p, row):
        return network.apply(p, row[None, :-1], kappa, s.sine, s.angle)[0, 0] - row[-1]

    rows = jnp.concatenate([z, y[:, None]], axis=1)

    def jacobian(p):
        return optimize.pointwise(one, dev.constrain(rows, mesh))[1](p)

    return residual, jacobian


def _stage_setup(z: jax.Array, e: jax.Array, kappa: jax.Array, s: StageKind, mesh: Mesh | None,
                 width: int | None = None) -> StageSetup:
    """The next stage fits the residue ``e`` at ``z`` scaled by its size eps (unit RMS)."""
    eps = spectrum.residue_size(e)
    y = e / eps if eps > 0 else e
    residual, jacobian = _residual_pair(z, y, kappa, s, mesh)
    return StageSetup(eps, kappa, int(z.shape[0]), residual, jacobian, width=width)


def _measure(stages, z, y) -> Measure:
    """Held-out errors of a field's stages against the target values ``y`` at ``z``."""
    e = np.asarray(_sum(stages, z) - y) if stages else -np.asarray(y)
    norm = float(np.linalg.norm(y))
    rel = float(np.linalg.norm(e) / norm) if norm > 0 else float(np.linalg.norm(e))
    return Measure(rel_l2=rel, max_error=float(np.max(np.abs(e))), score=rel,
                   figures={"rms_error": float(np.sqrt(np.mean(e * e)))})


class _FitTask:
    """What both fit tasks share: one field, its stages fitted one network at a time."""

    fields: tuple[str, ...]

    def stage_key(self, run: jax.Array, k: int) -> jax.Array:
        return keys.fit_stage(run, k)

    def attempt(self, setup: StageSetup, kind: StageKind, key, k, progress) -> Attempt:
        fitted = kind.fit(setup, kind.init(key, self.in_dim, setup.width), progress)
        return Attempt(fitted.params, fitted.loss, fitted.iterations)

    def extend(self, state: State, setup: StageSetup, kind: StageKind, attempt: Attempt) -> State:
        stage = kind.frozen(attempt.theta, jnp.asarray(setup.eps), setup.kappa)
        return State((state.stages[0] + (stage,),))

    def prepare(self, state: State, kind: StageKind, k: int) -> StageSetup:
        return self.setup(state.stages[0], kind)

    def measure(self, state: State, setup: StageSetup | None = None) -> Measure:
        return _measure(state.stages[0], self.z_test, self.y_test)


@dataclass(frozen=True)
class ClosedFormTask(_FitTask):
    """Stages for a target that can be evaluated anywhere (traceable ``f(x (N, d)) -> (N,)``)."""

    target: Callable[[jax.Array], jax.Array]
    lower: jax.Array
    upper: jax.Array
    settings: FitSettings
    key: jax.Array
    mesh: Mesh | None = None  # devices to split the sample rows across (`pdec.solver.devices`)
    fields: tuple[str, ...] = ("u",)
    z_test: jax.Array = field(init=False)
    y_test: jax.Array = field(init=False)

    def __post_init__(self):
        d = self.in_dim
        z = jax.random.uniform(keys.test_points(self.key), (self.settings.n_test, d),
                               jnp.float64, -1.0, 1.0)
        object.__setattr__(self, "z_test", dev.place(z, self.mesh))
        object.__setattr__(self, "y_test", dev.place(self._target(z), self.mesh))

    @property
    def in_dim(self) -> int:
        return int(self.lower.shape[0])

    def _target(self, z):
        x = self.lower + (z + 1.0) * 0.5 * (self.upper - self.lower)
        return jnp.asarray(self.target(x), dtype=jnp.float64).reshape(-1)

    def _residue(self, stages, z):
        y = self._target(z)
        return y - _sum(stages, z) if stages else y

    def _points(self, n_axis: Sequence[int], k: int, limit: int | None = None) -> jax.Array:
        d = self.in_dim
        if d <= 2:  # the first axis's count rounded up to a multiple of the devices
            n_axis = [dev.round_up(n_axis[0], self.mesh), *n_axis[1:]]
            return dev.place(tensor_grid([chebyshev_nodes(n) for n in n_axis]), self.mesh)
        return self._random_points(min(math.prod(n_axis), limit or per_dimension(self.settings.max_points, d)), k)

    def _random_points(self, n: int, k: int) -> jax.Array:
        """Stage k's n uniform random points (rounded up to a multiple of the devices)."""
        n = dev.round_up(n, self.mesh)
        return dev.place(jax.random.uniform(keys.fit_points(self.key, k), (n, self.in_dim), jnp.float64, -1.0, 1.0),
                         self.mesh)

    def setup(self, stages, s: StageKind) -> StageSetup:
        if isinstance(s, LeastSquares):
            return self._least_squares_setup(stages, s)
        if isinstance(s, Interpolation):
            return self._interpolation_setup(stages, s)
        cfg, d, k = self.settings, self.in_dim, len(stages) + 1
        base = per_dimension(cfg.base_points, d)
        n_min = max(2, round(base ** (1.0 / d))) if d <= 2 else base
        n_max = max(n_min, round(per_dimension(cfg.max_points, d) ** (1.0 / d))) if d <= 2 else 10**9
        if k == 1 or not s.sine:
            kappa = jnp.ones(d)
            n_axis = [n_min] * d if d <= 2 else [base]
        else:
            n_an = per_dimension(cfg.analysis_points, d)
            grid = _features_grid(n_an, d, s.angle)
            r = np.asarray(self._residue(stages, grid)).reshape((n_an,) * d)
            freqs = spectrum.grid_frequencies(r)
            kappa = spectrum.kappa_from_frequencies(freqs, cfg.kappa_factor)
            if d <= 2:
                n_axis = [spectrum.points_per_axis(f, cfg.points_per_period / d, n_min, n_max) for f in freqs]
            else:
                n_axis = [max(base, math.prod(
                    spectrum.points_per_axis(f, cfg.points_per_period / d, 1, 10**6) for f in freqs))]
        z = self._points(n_axis, k)
        return _stage_setup(z, self._residue(stages, z), kappa, s, self.mesh)

    def _interpolation_setup(self, stages, s: Interpolation) -> InterpolationSetup:
        """The residue on Chebyshev-Gauss grids, scaled by its RMS on the first grid (eps)."""
        d = self.in_dim

        def residue(counts: tuple[int, ...]) -> np.ndarray:
            z = gauss_grid(-jnp.ones(d), jnp.ones(d), counts)
            parts = [np.asarray(self._residue(stages, z[i:i + CHUNK])) for i in range(0, int(z.shape[0]), CHUNK)]
            return np.concatenate(parts).reshape(counts)

        first = (s.start + 1,) * d
        on_first = residue(first)  # the stage's first grid: eps, and its first interpolation
        eps = spectrum.residue_size(on_first)
        scale = eps if eps > 0 else 1.0
        return InterpolationSetup(eps, jnp.zeros(d), math.prod(first), lambda p: jnp.zeros(1),
                                  values=lambda counts: (on_first if counts == first else residue(counts)) / scale)

    def _least_squares_setup(self, stages, s: LeastSquares) -> StageSetup:
        """Sample points and frequency scale of a least-squares stage, from the residue's band.

        The band is cut to what the features can fit (``features_per_mode`` features per mode):
        a residue with more modes gets a stage for its largest coefficients, the rest is left to
        the next stage. kappa per axis is the band's top frequency in t (degree n oscillates like
        cos(n pi t / 2)); each axis gets ``band_points`` nodes per degree of its band, the whole
        grid scaled so there are between ``points_per_feature`` points per feature (enough to pin
        the coefficients down between the points, few enough to keep the solve affordable)."""
        cfg, d, k = self.settings, self.in_dim, len(stages) + 1
        lo, hi = (f * s.features for f in cfg.points_per_feature)
        if s.band is not None:  # a fixed band: as many random points as the features can take
            z = self._random_points(int(hi), k)
            return _stage_setup(z, self._residue(stages, z), jnp.full(d, s.band), s, self.mesh)
        n_an = per_dimension(cfg.analysis_points, d)
        r = np.asarray(self._residue(stages, _features_grid(n_an, d, True))).reshape((n_an,) * d)
        band = spectrum.chebyshev_band(r, max_modes=s.features / cfg.features_per_mode)
        kappa = jnp.asarray([max(1.0, math.pi * b / 2.0) for b in band], dtype=jnp.float64)
        modes = math.prod(b + 1 for b in band)
        scale = min(max(cfg.band_points, (lo / modes) ** (1.0 / d)), (hi / modes) ** (1.0 / d))
        n_axis = [max(2, math.ceil(scale * (b + 1))) for b in band]
        if d > 2:
            n_axis = [int(min(max(math.prod(n_axis), lo), hi))]
        z = self._points(n_axis, k, limit=int(hi))
        return _stage_setup(z, self._residue(stages, z), kappa, s, self.mesh)


@dataclass(frozen=True)
class DataTask(_FitTask):
    """Stages for scattered data: train on a random part of (X, Y), test on the rest."""

    z_train: jax.Array
    y_train: jax.Array
    z_test: jax.Array
    y_test: jax.Array
    settings: FitSettings
    mesh: Mesh | None = None  # devices to split the training rows across (`pdec.solver.devices`)
    fields: tuple[str, ...] = ("u",)

    @property
    def in_dim(self) -> int:
        return int(self.z_train.shape[1])

    def setup(self, stages, s: StageKind) -> StageSetup:
        if isinstance(s, Interpolation):
            raise PdecError("an interpolation stage needs a closed-form target (data cannot be evaluated at its nodes)")
        e = self.y_train - _sum(stages, self.z_train) if stages else self.y_train
        d = self.in_dim
        if isinstance(s, LeastSquares) and s.band is not None:
            kappa = jnp.full(d, s.band)
        elif s.sine and stages:
            t = network.features(self.z_train, s.angle)
            freqs = spectrum.scattered_frequencies(t, e)
            # A least-squares stage draws frequencies up to kappa: scattered data cannot be resampled
            # to see where its spectrum ends, so the band is taken as twice the dominant frequency.
            factor = self.settings.kappa_factor * (2.0 if isinstance(s, LeastSquares) else 1.0)
            kappa = spectrum.kappa_from_frequencies(freqs, factor)
        else:
            kappa = jnp.ones(d)
        n = int(self.z_train.shape[0])
        # features a least-squares stage can pin down, and hold in memory
        width = max(1, int(min(n / self.settings.points_per_feature[0], MAX_ENTRIES / n)))
        return _stage_setup(self.z_train, e, kappa, s, self.mesh, width)


def _data_task(lower, upper, x, y, settings: FitSettings, key, mesh: Mesh | None = None,
               fields: tuple[str, ...] = ("u",)) -> DataTask:
    x = jnp.asarray(x, dtype=jnp.float64).reshape(len(y), -1)
    y = jnp.asarray(y, dtype=jnp.float64).reshape(-1)
    n = int(y.shape[0])
    n_test = max(1, int(round(settings.test_fraction * n)))
    spare = (n - n_test) % dev.size(mesh)  # training rows that would not split evenly: test them
    if n - n_test - spare > 0:
        n_test += spare
    perm = jax.random.permutation(keys.data_split(key), n)
    z = normalize(x, lower, upper)
    test, train = perm[:n_test], perm[n_test:]
    return DataTask(*dev.place((z[train], y[train], z[test], y[test]), mesh), settings, mesh, fields)


def solve_fit(
    lower: Sequence[float],
    upper: Sequence[float],
    field_names: Sequence[str],
    targets: Sequence[Target],
    *,
    tol: float = 1e-15,
    max_stages: int = 4,
    seed: int = 0,
    callback: Callable[[Solution], None] | None = None,
    settings: FitSettings | None = None,
    start: Solution | None = None,
    progress: optimize.Progress | None = None,
    devices: int | None = None,
) -> Solution:
    """Fit each field by multi-stage networks until its held-out relative L2 error <= tol.

    ``targets``: one per field, a traceable callable ``f(points (N, d)) -> (N,)`` or a data
    pair ``(X (N, d), Y (N,))``. Each field is one run of the stage loop. ``callback`` gets the
    solution so far after every stage (its last report entry is the stage just done);
    ``start`` continues an earlier run with the same seed, giving what the uninterrupted run
    gives. ``devices``: how many of the visible devices to split the sample rows across (None:
    all; `pdec.solver.devices`).
    """
    cfg = settings or FitSettings()
    mesh = dev.mesh(devices)
    lo = jnp.atleast_1d(jnp.asarray(lower, dtype=jnp.float64))
    hi = jnp.atleast_1d(jnp.asarray(upper, dtype=jnp.float64))
    names = tuple(field_names)
    if len(names) != len(targets):
        raise ValueError(f"{len(names)} field names but {len(targets)} targets")
    states = [State((start.field_stages(n) if start else (),)) for n in names]
    reports: list[tuple[StageRecord, ...]] = [
        tuple(r for r in start.report if r.fields == (n,)) if start else () for n in names]

    def solution() -> Solution:
        return Solution(lo, hi, names, tuple(s.stages[0] for s in states), tuple(r for rs in reports for r in rs), {})

    schedule = cfg.schedule or fit_schedule(int(lo.shape[0]))
    stops = Stops(tol, max_stages, cfg.min_gain)
    for i, (name, target) in enumerate(zip(names, targets)):
        key = keys.fit_field(seed, i)
        if callable(target):
            task = ClosedFormTask(target, lo, hi, cfg, key, mesh, (name,))
        else:
            task = _data_task(lo, hi, *target, cfg, key, mesh, (name,))

        def stage_done(state, records, i=i):
            states[i], reports[i] = state, records
            if callback is not None:
                callback(solution())

        states[i], reports[i] = driver.run(task, schedule, stops, key=key, label=f"{name} ",
                                           start=(states[i], reports[i]), callback=stage_done, progress=progress)
    return solution()
