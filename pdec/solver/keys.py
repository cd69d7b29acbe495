"""Every random key of a solve, derived here by name from the seed: each key is used once.

The derivations (fold_in with fixed tags) are part of the results: changing one changes every
number a seed gives, so they are collected here and nowhere else. The tags are arbitrary but
distinct, so no two draws share a key.
"""

from __future__ import annotations

import jax

TEST_POINTS = 10**6  # held-out points of a run
DATA_SPLIT = 10**6 + 1  # which rows of a data fit are held out
RETRY = 7919  # the safer second attempt of a stage
RESAMPLE = 1000  # + chunk: Adam's fresh collocation points
FIT_POINTS = 10**6 + 2  # random sample points of a fit stage (3D and up)
DATA_START = 10**6 + 3  # the fit of the observed fields that starts an inverse solve
SPECTRUM_LINES = 10**6 + 4  # + axis: the random lines of a residual's spectrum (from 4 coordinates on)
FRESH_POINTS = 10**6 + 5  # the points a stage's residual is checked on, apart from its own
SKETCH = 10**6 + 6  # NumPy's seed of a sketched least-squares solve's rows (`pdec.solver.lstsq.sketched`)


def root(seed: int) -> jax.Array:
    """The key of a whole solve."""
    return jax.random.PRNGKey(seed)


def fit_field(seed: int, index: int) -> jax.Array:
    """The key of the fit of field number ``index`` (each field is fitted by its own run)."""
    return jax.random.fold_in(root(seed), index)


def test_points(run: jax.Array) -> jax.Array:
    """The held-out points of a run."""
    return jax.random.fold_in(run, TEST_POINTS)


def data_split(run: jax.Array) -> jax.Array:
    """The permutation that splits a data fit into training and held-out rows."""
    return jax.random.fold_in(run, DATA_SPLIT)


def fit_stage(run: jax.Array, k: int) -> jax.Array:
    """The network of fit stage k."""
    return jax.random.fold_in(run, k)


def fit_points(run: jax.Array, k: int) -> jax.Array:
    """The random sample points of fit stage k (not the key of its network)."""
    return jax.random.fold_in(fit_stage(run, k), FIT_POINTS)


def equation_stage(run: jax.Array, k: int) -> jax.Array:
    """The networks of equation stage k: drawn from the run's key by ``equation_network``."""
    del k
    return run


def equation_network(stage: jax.Array, k: int, field_index: int) -> jax.Array:
    """The network of one field in equation stage k."""
    return jax.random.fold_in(stage, 100 * k + field_index)


def equation_points(run: jax.Array, k: int) -> jax.Array:
    """The collocation and face points of equation stage k."""
    return jax.random.fold_in(run, k)


def equation_resample(run: jax.Array, k: int, chunk: int) -> jax.Array:
    """Adam's fresh points for chunk ``chunk`` of equation stage k."""
    return jax.random.fold_in(equation_points(run, k), RESAMPLE + chunk)


def fresh_points(run: jax.Array, k: int) -> jax.Array:
    """The fresh points on which equation stage k's residual is measured (not trained on)."""
    return jax.random.fold_in(equation_points(run, k), FRESH_POINTS)


def data_start(run: jax.Array) -> jax.Array:
    """The inverse start's features and held-out observations (`pdec.solver.data_start`)."""
    return jax.random.fold_in(run, DATA_START)


def spectrum_lines(stage_points: jax.Array, axis: int) -> jax.Array:
    """The lines along ``axis`` on which stage k's residual spectrum is taken (from
    ``equation_points(run, k)``)."""
    return jax.random.fold_in(stage_points, SPECTRUM_LINES + axis)


def retry(stage: jax.Array) -> jax.Array:
    """The key of a stage's second attempt."""
    return jax.random.fold_in(stage, RETRY)
