"""The settings of an equation solve: per-stage kinds, points, gamma, gPINN (one typed object,
`EquationSettings`, with the `solver` options applied by `with_options`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pdec.language.options import SolverOptions
from pdec.solver.driver import Schedule
from pdec.solver.schedules import equation_schedule, schedules
from pdec.solver.stages.base import StageKind
from pdec.solver.stages.collocation import Collocation

GPINN_WEIGHT = 0.1  # `gpinn = on`: the normalized gradient loss at a tenth of the equation loss


@dataclass(frozen=True)
class EquationSettings:
    """Defaults of an equation solve: per-stage kinds, points, gamma."""

    schedule: Schedule | None = None  # None: schedules.equation_schedule(d)
    # stage 1's interior points for d = 1, 2, 3; None: the stage kind's (`StageKind.sample_points`)
    interior_points: tuple[int, ...] | None = None
    face_points: tuple[int, ...] = (1, 100, 400)
    growth: float = 2.0  # more collocation points each stage
    gamma: float | None = None  # None: automatic per stage
    # gPINN: weight of the residual-gradient loss against the equation loss (both normalized to
    # start at 1); None: off; "auto": on (GPINN_WEIGHT) for trained 1D stages, else off (`gpinn_weight`).
    gpinn: float | str | None = "auto"
    gamma_trial_steps: int = 300
    resample: bool = True  # fresh collocation points every optimize.CHUNK Adam steps
    n_test: int = 10000
    analysis_points: tuple[int, ...] = (4096, 128, 24)

    def gpinn_weight(self, d: int, kind: StageKind | None = None) -> float | None:
        """The gPINN weight of a ``kind`` stage of a d-dimensional problem (None: off).

        Automatic: off on collocation stages, where it gains nothing and costs up to 8x (the 1D
        examples with and without: biharmonic1d 5.0e-16 in 10.2 s against 3.6e-16 in 1.2 s, the
        others within 2x of each other at 1e-15..1e-16; bench/RESULTS.md). On trained stages: on in 1D, where after 2 short stages it cut the error of poisson1d from
        8.1e-13 to 3.2e-14 and of neumann1d from 1.0e-11 to 1.8e-14; off from 2D on, where it
        adds d rows per collocation point to the Jacobian for no gain (poisson2d, 1500 LM steps:
        stage 1 3.5e-7 in 440 s with it, 3.1e-7 in 134 s without; stage 2 2.7e-9 in 281 s
        against 2.3e-9 in 78 s; bench/RESULTS.md).
        """
        if self.gpinn == "auto":
            return GPINN_WEIGHT if d == 1 and not isinstance(kind, Collocation) else None
        return self.gpinn

    def with_options(self, options: SolverOptions, d: int) -> "EquationSettings":
        """These settings with the `solver` options applied: method, adam, iterations, width,
        points, gamma, gpinn."""
        base = schedules(options.method)[1](d) if options.method else self.schedule or equation_schedule(d)
        cfg = replace(self, schedule=base.with_options(options.adam, options.iterations, options.width))
        if options.points is not None:
            cfg = replace(cfg, interior_points=(options.points,) * 3)
        if options.gamma is not None:
            cfg = replace(cfg, gamma=None if options.gamma == "auto" else options.gamma)
        if options.gpinn is not None:
            value = options.gpinn
            cfg = replace(cfg, gpinn=None if value == "off" else GPINN_WEIGHT if value == "on" else float(value))
        return cfg
