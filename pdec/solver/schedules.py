"""The default stage schedules: what `pdec solve FILE` runs when the file sets nothing.

Each is measured (bench/RESULTS.md); the `solver` options adam, iterations and width change
the trained stages of a schedule (`Schedule.with_options`), never its least-squares stages.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from pdec.solver.driver import Schedule
from pdec.solver.stages.collocation import Collocation
from pdec.solver.stages.interpolation import Interpolation
from pdec.solver.stages.least_squares import LeastSquares
from pdec.solver.stages.spectral import Spectral
from pdec.solver.stages.trained import LevenbergMarquardt, Trained

T = TypeVar("T")


def per_dimension(values: tuple[T, ...], d: int) -> T:
    """The entry of a per-dimension default for a d-dimensional problem (the last one serves
    every higher dimension)."""
    return values[min(d, len(values)) - 1]


def fit_schedule(d: int) -> Schedule:
    """Default stages of a fit in d dimensions.

    Stage 1: tanh MLP 3x20, Adam warm start (3000 steps), then Levenberg-Marquardt (LM gains
    ~1e3x more than L-BFGS per stage, bench/optimizers.py). In 1D and 2D, stages 2+ are
    least-squares stages: 3000 sine features drawn over the residue's Chebyshev band, output
    layer solved. Against trained sine stages (3x20 / 3x30, Adam + LM; bench/RESULTS.md): 1D
    example 2.8e-16 in 44 s against 3.2e-16 in 119 s; 2D example 1.5e-15 in 55 s against
    5.1e-11 in 304 s (a trained sine stage leaves ~1e-4 of its residue as white noise in 2D, a
    least-squares stage ~1e-10).

    In 3D every stage interpolates the residue by a tensor Chebyshev series at Chebyshev-Gauss
    nodes (`stages.interpolation`; a closed form can be evaluated there): fit3d.pde (sin(x + 2y)
    cos(z) + 0.3 x z) 3.0e-15 in stage 1 (degrees 16 x 20 x 16) and 4.0e-16 after stage 2, in
    5 s, where 3000 sine features at the fixed band 3 on 12,000 random points stopped at
    2.2e-12 (17 s; 8e-13 .. 2.7e-12 over seeds, a second such stage gains nothing) and the
    trained stages (``trained_fit_schedule``) at 5.5e-7 in 799 s. From 4D on a tensor grid of
    the degrees a residue needs outgrows memory (17^5 nodes); there every stage is 3000 sine
    features over z at the fixed band 3, on 12,000 random points, as collocation stages are for
    equations (unmeasured beyond 3D).
    """
    if d <= 2:
        return Schedule((Trained((20, 20, 20), adam_steps=3000, optimizer=LevenbergMarquardt(400)),
                         LeastSquares(3000)))
    if d == 3:
        return Schedule((Interpolation(),))
    return Schedule((LeastSquares(3000, band=3.0),))


def trained_fit_schedule(d: int) -> Schedule:
    """A fit's stages with every stage trained (`method = trained`): a tanh stage 1 (Adam, then
    Levenberg-Marquardt; 2000 LM steps from 3D on), then trained sine stages over the Chebyshev
    angle, width 30."""
    first = Trained((20, 20, 20), adam_steps=3000, optimizer=LevenbergMarquardt(400 if d <= 2 else 2000))
    return Schedule((first, Trained((30, 30, 30), sine_first=True, angle_input=True, adam_steps=3000,
                                    optimizer=LevenbergMarquardt(400))))


def equation_schedule(d: int) -> Schedule:
    """Default stages of an equation problem in d dimensions: least-squares collocation stages
    from stage 1 on (`stages.collocation`), features and points per dimension.

    Stage 1's band (radians per unit of z on every axis): 1D 120 (burgers_steady 1.8e-4 at 20,
    4.1e-13 at 120), 2D 20 (convection 2e-5 at 12), 3D 6 (poisson3d stage 1 alone 3.3e-7 at 10,
    1.1e-10 at 6: the 3000 features must be numerically complete for the band). Against the
    trained stages (``trained_equation_schedule``; bench/RESULTS.md): poisson2d 6.0e-15 in 30 s
    against 6.2e-11 in 931 s; heat 1.1e-13 in 29 s against 1.6e-11 in 823 s; poisson3d 8.3e-14 in
    367 s against 3.7e-5 after stage 1.

    From 4 coordinates on (3000 features, 8000 points) a band much below the 3D one, the same
    at every stage: in 5D (poisson5d, 3 stages) band 1 reached 7.1e-9, 1.5 2.5e-7, 2 4.6e-6, and a
    stage 2 at twice the residual's frequency (6) gained nothing, so later stages keep the first
    band; in 4D (heat3d, 3 stages) band 1.5 4.7e-7, 2 3.1e-7, 3 1.7e-6. One problem per
    dimension measured; 6D takes 5D's band unmeasured. Stage 1 still reaches higher where its
    data hold higher frequencies (`scales.data_kappa`).

    Up to 3 coordinates a spectral stage replaces a stage 1 measured under-resolved
    (`driver.Schedule.refine`). Its budget: 9000 coefficients per field in 1D and 2D (a QR of
    ~45 s on this machine; Burgers at nu = 0.1/pi resolves at 8,968), 12,000 in 3D, starting at
    degree 10 per axis (Heat2d-MS, sin(20 pi x) sin(pi y) e^-t: degrees 62 x 10 x 16 = 11,781
    give 2.0e-9, the 8,316 that 9,000 allow 3.8e-8; a matrix of 1.8 GB).
    """
    features = per_dimension((300, 1500, 3000), d)
    points = per_dimension((800, 4000, 8000), d)
    band = per_dimension((120.0, 20.0, 6.0, 2.0, 1.0), d)
    spectral = Spectral(start=per_dimension((16, 16, 10), d), unknowns=per_dimension((9000, 9000, 12000), d))
    return Schedule((Collocation(features, points, band, follow=d <= 3),), refine=spectral if d <= 3 else None)


def trained_equation_schedule(d: int) -> Schedule:
    """The stages of an equation problem with every stage trained (`method = trained`): Adam
    warm start, then LM.

    The last entry serves every later stage. On the 1D Poisson problem Adam + LM measured
    1.3e-7 after stage 1 and 1.3e-13 after stage 2 (25 s), where Adam + L-BFGS reached 4e-8 and
    9e-10 in about the same time. In 2D both kinds of stage keep gaining long after 300 LM steps
    (bench/RESULTS.md, poisson2d): the tanh stage 1 gets 1500 (1.05e-5 after 300, 3.1e-7 after
    1500); the sine stage 2 gets width 30 and 1000 steps (from that stage 1: 2.3e-9 with width
    20 and 300 steps, 1.7e-10 with 2000, 6.2e-11 with width 30 and 1000). Later 2D stages have
    not gained with either (the residue left is broadband), so they stay short tries.
    """
    tanh = Trained((20, 20, 20), adam_steps=500, optimizer=LevenbergMarquardt(300))
    sine = replace(tanh, sine_first=True)
    if d != 2:
        return Schedule((tanh, sine))
    return Schedule((replace(tanh, optimizer=LevenbergMarquardt(1500)),
                     replace(sine, widths=(30, 30, 30), optimizer=LevenbergMarquardt(1000)), sine))


def schedules(method: str | None) -> tuple:
    """(fit schedule, equation schedule) of the `solver` option method (None: lstsq)."""
    if method == "trained":
        return trained_fit_schedule, trained_equation_schedule
    return fit_schedule, equation_schedule
