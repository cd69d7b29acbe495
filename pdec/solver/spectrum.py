"""What the next stage must fit: the residue's size (eps), its dominant frequency (kappa) and
how many sample points resolve it.

Conventions. Frequencies are in cycles per unit of the *feature* coordinate of a stage (the
normalized input z in [-1, 1], or its Chebyshev angle t, see ``network.features``), so a
coordinate spans 2 units. kappa = factor * 2 pi f_d, per input axis.

eps is the residue's RMS (the paper's choice), not the official code's max|e|/2: the RMS makes
the normalized target have unit mean square, which is exactly the scale the least-squares loss
sees, and it does not depend on a few extreme points (residues of Chebyshev fits peak at the
ends of the interval; scattered data can have outliers).
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np


def residue_size(residue) -> float:
    """eps: the RMS of the residue values at the sample points."""
    r = np.asarray(residue, dtype=np.float64)
    return float(np.sqrt(np.mean(r * r)))


def grid_frequencies(values) -> tuple[float, ...]:
    """Dominant frequency per axis of a residue sampled on a tensor grid uniform in features.

    ``values`` has shape (n_1, ..., n_d), axis i uniform over a feature span of 2 units with
    both ends included (e.g. a Chebyshev-Lobatto grid, uniform in the angle t). Per axis: remove the mean, apply a
    Hann window (the residue is not periodic, a window stops end jumps from looking like low
    frequencies), FFT along the axis, average the power over all other axes, and take the
    frequency of the highest non-zero bin.
    """
    v = np.asarray(values, dtype=np.float64)
    out = []
    for axis in range(v.ndim):
        n = v.shape[axis]
        x = np.moveaxis(v, axis, -1)
        x = x - x.mean(axis=-1, keepdims=True)
        x = x * np.hanning(n)
        power = np.abs(np.fft.rfft(x, axis=-1)) ** 2
        power = power.reshape(-1, power.shape[-1]).mean(axis=0)
        k = int(np.argmax(power[1:])) + 1
        out.append(k * (n - 1) / (2.0 * n))  # n points spaced 2/(n-1): bin k, in cycles per unit
    return tuple(out)


def chebyshev_coefficients(values) -> np.ndarray:
    """Tensor Chebyshev coefficients of values on a Chebyshev-Lobatto grid (DCT-I per axis).

    ``values`` has shape (n_1, ..., n_d), axis i sampled at ``cos(pi k / (n_i - 1))`` (either
    order); entry (k_1, ..., k_d) of the result is the coefficient of T_k1(z_1) ... T_kd(z_d) up
    to its sign (node order) and a factor 2 at degrees 0 and n_i - 1: enough to see where the
    spectrum ends."""
    c = np.asarray(values, dtype=np.float64)
    for axis in range(c.ndim):
        x = np.moveaxis(c, axis, -1)
        n = x.shape[-1]
        even = np.concatenate([x, x[..., -2:0:-1]], axis=-1)  # the even extension in the angle
        c = np.moveaxis(np.fft.rfft(even, axis=-1).real / (n - 1), -1, axis)
    return c


def chebyshev_band(values, above_floor: float = 100.0, max_modes: float = math.inf) -> tuple[int, ...]:
    """Per axis, the highest Chebyshev degree the residue still has, from a Lobatto grid.

    A fitted residue's coefficients fall fast with the degree and then level off at a floor
    (float64 rounding of the target and of the earlier stages). The floor is the median, over
    the upper half of the degrees, of the largest coefficient at each degree (largest over the
    other axes); the band ends at the last degree ``above_floor`` times above it. A residue
    that never levels off (not resolved by the grid) gets the grid's highest degree.

    ``max_modes``: when the band holds more tensor modes (product of degree + 1 over the axes)
    than that, the threshold rises by factors of 10 until it does not: the band then covers the
    largest coefficients only, the ones a stage of limited size can fit.
    """
    a = np.abs(chebyshev_coefficients(values))
    profiles = [np.moveaxis(a, axis, 0).reshape(a.shape[axis], -1).max(axis=1) for axis in range(a.ndim)]
    floor = max(float(np.median(p[len(p) // 2:])) for p in profiles)
    peak = max(float(p.max()) for p in profiles)
    threshold = above_floor * floor
    while True:
        band = []
        for profile in profiles:
            above = np.nonzero(profile > threshold)[0]
            band.append(int(above.max()) if above.size else 0)
        if math.prod(b + 1 for b in band) <= max_modes or threshold >= peak:
            return tuple(band)
        threshold *= 10.0


def scattered_frequencies(
    t, values, f_max: float | None = None, significance: float = 20.0
) -> tuple[float, ...]:
    """Dominant frequency per axis of a residue at scattered points ``t`` (N, d) in features.

    A least-squares (Lomb-Scargle-like) periodogram per axis: for each trial frequency f, fit
    ``a + b cos(2 pi f t_i) + c sin(2 pi f t_i)`` to the values by least squares and take the
    explained variance as the power. The other coordinates act as noise, so an oscillation along
    the axis is found from the data as it is, with no resampling; an axis whose peak is not
    ``significance`` times the median power (no oscillation along it, only noise from the other
    axes) gets frequency 0. Trial frequencies step by 1/8 (a fraction of the resolution 1/2 of a
    2-unit span) from 1/8 up to ``f_max`` (default N/16, at most 256: >= 8 points a period).
    """
    t = np.asarray(t, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    n, d = t.shape
    y = y - y.mean()
    if f_max is None:
        f_max = min(256.0, max(1.0, n / 16.0))
    freqs = np.arange(1, int(f_max * 8) + 1) / 8.0
    out = []
    for axis in range(d):
        power = np.zeros(len(freqs))
        for chunk in np.array_split(np.arange(len(freqs)), max(1, len(freqs) * n // 2_000_000)):
            phase = 2.0 * np.pi * freqs[chunk, None] * t[None, :, axis]  # (F, N)
            c, s = np.cos(phase), np.sin(phase)
            c = c - c.mean(axis=1, keepdims=True)
            s = s - s.mean(axis=1, keepdims=True)
            cc, ss, cs = (c * c).sum(1), (s * s).sum(1), (c * s).sum(1)
            cy, sy = c @ y, s @ y
            det = np.maximum(cc * ss - cs * cs, 1e-300)
            a = (ss * cy - cs * sy) / det
            b = (cc * sy - cs * cy) / det
            power[chunk] = a * cy + b * sy
        peak = int(np.argmax(power))
        significant = power[peak] > significance * np.median(power)
        out.append(float(freqs[peak]) if significant else 0.0)
    return tuple(out)


def kappa_from_frequencies(freqs, factor: float = 1.0, minimum: float = 1.0) -> jnp.ndarray:
    """kappa per axis: factor * 2 pi f_d, at least ``minimum`` (a flat axis keeps a unit scale)."""
    return jnp.asarray([max(minimum, factor * 2.0 * math.pi * f) for f in freqs], dtype=jnp.float64)


def points_per_axis(freq: float, points_per_period: float, minimum: int, maximum: int) -> int:
    """Sample points one axis needs: ``points_per_period`` for each of the 2 f_d periods over the
    2-unit span, within [minimum, maximum]."""
    return int(min(maximum, max(minimum, math.ceil(points_per_period * 2.0 * freq))))
