"""The residual of a least-squares equation stage, and its Jacobian, in the stage's coefficients.

Stage k adds ``eps * Phi c_f`` to every field f (``Phi``: drawn features, `pdec.solver.features`)
and corrections ``dp`` to the unknown parameters; the unknowns are ``x = (c_f for each field,
dp)``. A block's rows are its lowered residual of the derivative values ``V_a = B_a + eps Phi_a
c_f`` (``B``: the frozen stages, cached in the block). Every block is pointwise, so its Jacobian
factors as

    d r / d c_f = sum over the needs a of field f of  (d r / d V_a)  *  eps Phi_a,

the pointwise derivative of the compiled residual (one forward-mode pass per need, over all
rows at once) times the features' exact derivative values: no network is differentiated
through. Where every block is affine in the values and the parameters (`Block.affine`), the
residual is affine in x and one linear solve gives the stage; otherwise Gauss-Newton repeats it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

import jax
import jax.numpy as jnp
import numpy as np

from pdec.solver import chebyshev, features
from pdec.solver.blocks import Block, Key
from pdec.solver.derivatives import derivative
from pdec.solver.network import Params
from pdec.solver.singular import Singular

Array = jnp.ndarray
CHUNK = 2.5e7  # entries of a system built at once (200 MB)


@dataclass(frozen=True)
class Features:
    """Every field's drawn stage network and the map to it: D^a Phi at any points, computed
    where it is used (inside the jitted residual and system), never stored. A stored matrix per
    need (five for a 5-D Laplacian) held five times the system's own size (poisson5d stage 4:
    12 GB peak)."""

    nets: Mapping[str, Params]
    kappa: Array
    lower: Array
    upper: Array
    singular: Singular | None = None  # a shaped domain's singular functions, columns after the sines

    def at(self, points: Array, key: Key) -> Array:
        """D^alpha Phi of field key[0], alpha = key[1], at ``points``: (M, width + 1 (+ singular))."""
        sines = features.matrix(self.nets[key[0]], self.kappa, self.lower, self.upper, points, key[1])
        if self.singular is None:
            return sines
        fn = self.singular
        extra = jax.vmap(derivative(lambda pt: fn(pt[None, :])[0], key[1]))(points)
        return jnp.concatenate([sines, extra], axis=1)


@dataclass(frozen=True)
class ChebyshevFeatures:
    """The tensor Chebyshev polynomials of a spectral stage (`pdec.solver.chebyshev`), the same
    for every field: D^alpha of each at any points, computed where used."""

    degrees: tuple[int, ...]
    lower: Array
    upper: Array
    stretches: tuple = ()  # a chebyshev.Stretch or None per axis; empty: none

    def at(self, points: Array, key: Key) -> Array:
        """D^alpha of every polynomial at ``points``, alpha = key[1]: (M, prod(degrees + 1))."""
        z = 2.0 * (points - self.lower) / (self.upper - self.lower) - 1.0
        return chebyshev.basis(z, self.degrees, key[1], 2.0 / (self.upper - self.lower), self.stretches)


@dataclass(frozen=True)
class Linearized:
    """A stage's weighted residual r(x) and Jacobian A(x) = d r / d x, x = (c per field, dp)."""

    blocks: tuple[Block, ...]  # frozen stages cached (``base``)
    multipliers: tuple[float, ...]
    features: Features | ChebyshevFeatures
    eps: float
    fields: tuple[str, ...]
    parameters: Mapping[str, Array]  # the values before the stage
    width: int  # columns per field (features + constant)

    @property
    def size(self) -> int:
        """The number of unknowns."""
        return self.width * len(self.fields) + len(self.parameters)

    @property
    def affine(self) -> bool:
        """Whether r is affine in x (one solve is exact)."""
        return all(b.affine for b in self.blocks)

    def split(self, x: Array) -> tuple[dict[str, Array], dict[str, Array]]:
        """x -> (coefficients per field, parameter corrections)."""
        n = self.width
        coef = {f: x[i * n:(i + 1) * n] for i, f in enumerate(self.fields)}
        base = n * len(self.fields)
        return coef, {p: x[base + j] for j, p in enumerate(self.parameters)}

    def residual(self, x: Array) -> Array:
        """r at x (in pieces, as `system`: each holds its needs' feature matrices)."""
        pieces = self._pieces()
        if pieces is None:
            return _residual(self, x)
        return np.concatenate([np.asarray(_residual(piece, x)) for piece in pieces])

    def system(self, x: Array) -> tuple[Array, Array]:
        """(A, r) at x: A is (rows, size). A large A is built in pieces (`_pieces`)."""
        pieces = self._pieces()
        if pieces is None:
            return _system(self, x)
        parts = [tuple(np.asarray(v) for v in _system(piece, x)) for piece in pieces]
        return np.concatenate([a for a, _ in parts]), np.concatenate([r for _, r in parts])

    def _pieces(self) -> list["Linearized"] | None:
        """The problem as runs of one block's points of about CHUNK entries each, None where it
        is small. Built at once, XLA held every need's feature matrix and their sum: poisson5d's
        collocation stage 4 (40,000 x 3,001) peaked at 9.3 GB, 10x its size; in pieces 6.9 GB."""
        if sum(b.size for b in self.blocks) * self.size <= CHUNK:
            return None
        step = max(1, int(CHUNK // self.size))
        return [replace(self, blocks=(_rows(b, lo, lo + step),), multipliers=(m,))
                for b, m in zip(self.blocks, self.multipliers) for lo in range(0, b.size, step)]


def _rows(b: Block, lo: int, hi: int) -> Block:
    """The block on its points lo..hi (every block is pointwise)."""
    base = None if b.base is None else tuple({k: v[lo:hi] for k, v in site.items()} for site in b.base)
    return replace(b, sites=tuple(s[lo:hi] for s in b.sites), data=b.data[lo:hi], base=base)


def _values(lin: Linearized, i: int, coef) -> tuple[dict[Key, Array], ...]:
    b = lin.blocks[i]
    return tuple({key: base[key] + lin.eps * (lin.features.at(pts, key) @ coef[key[0]]) for key in b.needs}
                 for base, pts in zip(b.base, b.sites))


def _params(lin: Linearized, dp) -> dict[str, Array]:
    return {p: lin.parameters[p] + dp[p] for p in lin.parameters}


def _block_residual(lin: Linearized, i: int, values, params) -> Array:
    b = lin.blocks[i]
    return b.combine(b.sites, values, b.data, params)


@jax.jit
def _residual(lin: Linearized, x: Array) -> Array:
    coef, dp = lin.split(x)
    params = _params(lin, dp)
    return jnp.concatenate([m * _block_residual(lin, i, _values(lin, i, coef), params).reshape(-1)
                            for i, m in enumerate(lin.multipliers)])


def _block_system(lin: Linearized, i: int, coef, dp) -> tuple[Array, Array]:
    """One block's weighted rows of A and r."""
    m = lin.multipliers[i]
    values, params = _values(lin, i, coef), _params(lin, dp)
    r = _block_residual(lin, i, values, params)  # (M, k)
    zero_v = jax.tree.map(jnp.zeros_like, values)
    zero_p = jax.tree.map(jnp.zeros_like, params)
    columns = {f: jnp.zeros(r.shape + (lin.width,)) for f in lin.fields}
    for s, site in enumerate(values):
        for key in site:
            tangent = tuple({k: (jnp.ones_like(v) if (t, k) == (s, key) else v) for k, v in z.items()}
                            for t, z in enumerate(zero_v))
            _, g = jax.jvp(lambda v: _block_residual(lin, i, v, params), (values,), (tangent,))
            columns[key[0]] = columns[key[0]] + g[..., None] * (lin.eps * lin.features.at(lin.blocks[i].sites[s], key))[:, None, :]
    cols = [columns[f].reshape(-1, lin.width) for f in lin.fields]
    for p in lin.parameters:
        tangent = {q: (jnp.ones_like(v) if q == p else v) for q, v in zero_p.items()}
        _, g = jax.jvp(lambda q: _block_residual(lin, i, values, q), (params,), (tangent,))
        cols.append(g.reshape(-1, 1))
    return m * jnp.concatenate(cols, axis=1), m * r.reshape(-1)


@jax.jit
def _system(lin: Linearized, x: Array) -> tuple[Array, Array]:
    coef, dp = lin.split(x)
    parts = [_block_system(lin, i, coef, dp) for i in range(len(lin.blocks))]
    return jnp.concatenate([a for a, _ in parts]), jnp.concatenate([r for _, r in parts])


jax.tree_util.register_dataclass(Features, data_fields=["nets", "kappa", "lower", "upper", "singular"],
                                 meta_fields=[])
jax.tree_util.register_dataclass(ChebyshevFeatures, data_fields=["lower", "upper", "stretches"],
                                 meta_fields=["degrees"])
jax.tree_util.register_dataclass(Linearized, data_fields=["blocks", "features", "parameters"],
                                 meta_fields=["multipliers", "eps", "fields", "width"])
