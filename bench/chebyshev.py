"""The spectral limit: a Chebyshev collocation solve of a linear box problem, for comparison.

    python bench/chebyshev.py poisson2d heat wave       # best N per problem, error and time

A tensor Chebyshev-Lobatto grid of N nodes per axis; every derivative is a product of
differentiation matrices (Trefethen, Spectral Methods in MATLAB, ch. 6). The rows are the
file's own lowered residuals: the equations at every node, each condition at the nodes of its
face, periodicity at matching nodes of both ends; a linear residual is ``r0 + sum_a g_a D^a u``
pointwise, so each node's row is ``g_a`` times the rows of the differentiation matrices. One
dense least-squares solve (NumPy), each row scaled to unit norm. The error is measured by
barycentric interpolation on 10,000 random points. Only linear problems with a stated exact
solution and conditions on faces (no point conditions, no data, no unknown parameters).
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdec  # noqa: E402  (first: float64)
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from pdec.language.problem import Face  # noqa: E402


def nodes(n: int, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """n + 1 Lobatto nodes on [lo, hi] (ascending) and the differentiation matrix there."""
    j = np.arange(n + 1)
    z = -np.cos(np.pi * j / n)
    c = np.where((j == 0) | (j == n), 2.0, 1.0) * (-1.0) ** j
    dz = z[:, None] - z[None, :]
    d = np.outer(c, 1.0 / c) / (dz + np.eye(n + 1))
    d -= np.diag(d.sum(axis=1))
    return lo + (hi - lo) * (z + 1) / 2, d * 2.0 / (hi - lo)


def interpolation(x: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Barycentric interpolation matrix (len(x), len(grid)) for Lobatto nodes."""
    n = len(grid) - 1
    w = (-1.0) ** np.arange(n + 1) * np.where((np.arange(n + 1) == 0) | (np.arange(n + 1) == n), 0.5, 1.0)
    diff = x[:, None] - grid[None, :]
    exact = np.isclose(diff, 0.0, atol=1e-14)
    diff[exact] = 1.0
    m = w / diff
    m /= m.sum(axis=1, keepdims=True)
    rows = exact.any(axis=1)
    m[rows] = exact[rows].astype(float)
    return m


def derivative_matrix(mats, alpha) -> np.ndarray:
    out = np.ones((1, 1))
    for d, k in zip(mats, alpha):
        out = np.kron(out, np.linalg.matrix_power(d, k))
    return out


def rows_of(lowered, points, which, mats):
    """The rows (len(which), nodes) and right side of one linear residual at grid rows ``which``."""
    pts = jnp.asarray(points[which])
    zero = {k: jnp.zeros(len(which)) for k in lowered.needs}
    r0 = np.asarray(lowered(pts, zero))
    a = np.zeros((len(which), points.shape[0]))
    for key in lowered.needs:
        tangent = {k: jnp.ones(len(which)) if k == key else v for k, v in zero.items()}
        g = np.asarray(jax.jvp(lambda v: lowered(pts, v), (zero,), (tangent,))[1])
        a += g[:, None] * derivative_matrix(mats, key[1])[which]
    return a, -r0


def solve(problem, n: int):
    """Grid values of the Chebyshev least-squares collocation solution with n + 1 nodes per axis."""
    lowered = pdec.lower(problem)
    if problem.parameters or problem.observations or not all(r.affine for r in lowered.equations + lowered.conditions):
        raise ValueError("linear problems without unknown parameters or data only")
    coords = problem.coordinate_names
    axes = [nodes(n, lo, hi) for lo, hi in zip(problem.lower, problem.upper)]
    mats = [d for _, d in axes]
    points = np.stack([g.ravel() for g in np.meshgrid(*[x for x, _ in axes], indexing="ij")], axis=1)
    every = np.arange(points.shape[0])
    blocks = [rows_of(r, points, every, mats) for r in lowered.equations]
    for r in lowered.conditions:
        loc = r.residual.location
        if not isinstance(loc, Face):
            raise ValueError(f"condition at {loc!r}: only faces")
        on = np.nonzero(np.isclose(points[:, coords.index(loc.coordinate)], loc.value))[0]
        blocks.append(rows_of(r, points, on, mats))
    for p in problem.periodic:
        axis = coords.index(p.coordinate)
        low = np.nonzero(np.isclose(points[:, axis], problem.lower[axis]))[0]
        high = np.nonzero(np.isclose(points[:, axis], problem.upper[axis]))[0]
        for k in range(p.order + 1):
            dk = derivative_matrix(mats, tuple(k if i == axis else 0 for i in range(len(coords))))
            blocks.append((dk[low] - dk[high], np.zeros(len(low))))
    a = np.concatenate([b[0] for b in blocks])
    rhs = np.concatenate([b[1] for b in blocks])
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.linalg.lstsq(a / norms, rhs / norms[:, 0], rcond=None)[0], axes


def error(problem, values, axes) -> float:
    lo, hi = np.asarray(problem.lower), np.asarray(problem.upper)
    test = lo + (hi - lo) * np.random.default_rng(10**6).uniform(size=(10000, lo.size))
    grid = values.reshape([len(x) for x, _ in axes])
    got = np.ones((test.shape[0],) + grid.shape)
    interp = [interpolation(test[:, i], x) for i, (x, _) in enumerate(axes)]
    letters = "abcdefg"[:len(axes)]
    got = np.einsum(",".join(f"m{c}" for c in letters) + f",{letters}->m", *interp, grid)
    want = np.asarray(pdec.lower(problem).exact[problem.field_names[0]](jnp.asarray(test)))
    return float(np.linalg.norm(got - want) / np.linalg.norm(want))


def best(problem, sizes=(8, 12, 16, 20, 24, 28, 32, 40)) -> tuple[int, float, float]:
    """(N, rel L2, seconds) of the best grid size (the solve's time, median of 3)."""
    out = []
    for n in sizes if problem.dimension > 1 else (16, 24, 32, 48, 64):
        values, axes = solve(problem, n)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            solve(problem, n)
            times.append(time.perf_counter() - t0)
        out.append((n, error(problem, values, axes), float(np.median(times))))
    return min(out, key=lambda t: t[1])


if __name__ == "__main__":
    for name in sys.argv[1:] or ["poisson2d", "heat", "wave", "advection", "wave1d_c", "convection"]:
        n, err, secs = best(pdec.compile(ROOT / "problems" / f"{name}.pde"))
        print(f"| {name} | N = {n} | {err:.2e} | {secs * 1000:.0f} ms |", flush=True)
