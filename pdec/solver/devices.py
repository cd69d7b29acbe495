"""Devices: split the sample rows of a solve across several accelerators (or host devices).

Every residual in pdec is pointwise (row i depends on sample point i only), so the rows of the
collocation, sample and observation arrays are split along one mesh axis, ``rows``, and the
network parameters are replicated: each optimizer step stays one jitted program, which XLA
partitions across the devices (SPMD; the sums in the loss, the gradient and J^T J become
all-reduces). The loss is the same function of the parameters on any number of devices; only
the order of floating-point additions changes (last-bit differences).

Row counts that the devices do not divide:

- sample counts that pdec chooses (collocation points, face points, regression grids and random
  samples) are rounded up to a multiple of the device count (on one device nothing changes);
- the training part of a data fit: up to (devices - 1) points move from the training part to the
  held-out part, so that the training rows split evenly;
- any other array (observations given in the file, the single boundary point of a 1D problem)
  whose row count is not a multiple of the device count is kept whole on every device
  (replicated): the loss is unchanged, that block is just not split.

On one device every function here returns its input unchanged: the single-device code path is
the one pdec had before devices existed. On a CPU, ``XLA_FLAGS=--xla_force_host_platform_device_count=N``
(set before JAX is imported) splits the host into N devices, which is how the tests check this.
"""

from __future__ import annotations

from typing import Any, TypeVar

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from pdec.errors import PdecError

AXIS = "rows"
T = TypeVar("T")


def mesh(n: int | None = None) -> Mesh:
    """A one-axis mesh (``rows``) over the first ``n`` visible devices (None: all of them).

    Raises PdecError when ``n`` is not a whole number >= 1 or more than the visible devices."""
    visible = jax.devices()
    if n is None:
        n = len(visible)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise PdecError(f"the number of devices must be a whole number >= 1 (got {n!r})")
    if n > len(visible):
        platform = visible[0].platform
        hint = (f"on a CPU, XLA_FLAGS=--xla_force_host_platform_device_count={n} (set before starting pdec) "
                f"splits it into {n} host devices" if platform == "cpu"
                else f"use {len(visible)} or fewer; CUDA_VISIBLE_DEVICES may hide some")
        raise PdecError(f"cannot use {n} devices: only {len(visible)} {platform} device(s) "
                        f"({visible[0].device_kind}) are visible", hint=hint)
    return Mesh(np.array(visible[:n]), (AXIS,))


def size(m: Mesh | None) -> int:
    """Number of devices of a mesh (1 for None)."""
    return 1 if m is None else int(m.size)


def inventory(m: Mesh | None) -> dict[str, Any]:
    """What a run report records: the number of devices, their kind and platform."""
    first = jax.devices()[0] if m is None else m.devices.flat[0]
    return {"count": size(m), "kind": first.device_kind, "platform": first.platform}


def round_up(n: int, m: Mesh | None) -> int:
    """``n`` rounded up to a multiple of the device count (a sample count pdec chooses)."""
    k = size(m)
    return -(-int(n) // k) * k


def _sharding(leaf, m: Mesh) -> NamedSharding:
    """Rows split across the mesh when they divide evenly, else the whole array on every device."""
    shape = np.shape(leaf)
    split = len(shape) >= 1 and shape[0] > 0 and shape[0] % m.size == 0
    return NamedSharding(m, PartitionSpec(AXIS) if split else PartitionSpec())


def place(tree: T, m: Mesh | None) -> T:
    """Put every array of ``tree`` on the mesh, rows split (see the module docstring)."""
    if size(m) == 1:
        return tree
    return jax.tree.map(lambda a: jax.device_put(a, _sharding(a, m)), tree)


def constrain(tree: T, m: Mesh | None) -> T:
    """Inside a jitted function: the same layout as ``place``, as a sharding constraint.

    Arrays a jitted function closes over become constants of the program and lose their
    placement; the constraint tells XLA to split them (and what is computed from them) by rows.
    """
    if size(m) == 1:
        return tree
    return jax.tree.map(lambda a: jax.lax.with_sharding_constraint(a, _sharding(a, m)), tree)


def concat_rows(parts, m: Mesh | None):
    """``jnp.concatenate(parts)`` along rows, in an order that keeps every row on its device.

    Each split part goes in as (devices, rows / devices, ...) and the parts are joined along
    the second axis, so device i's share of the result is its own share of every part and no
    rows move between devices (a plain concatenate would send some); parts that are not split
    come last. The loss is a sum over rows, so the order does not change it. On one device it
    is exactly ``jnp.concatenate(parts)``.
    """
    k = size(m)
    if k == 1:
        return jnp.concatenate(parts)
    split = [p for p in parts if p.shape[0] > 0 and p.shape[0] % k == 0]
    whole = [p for p in parts if not (p.shape[0] > 0 and p.shape[0] % k == 0)]
    joined = []
    if split:
        tiles = [constrain(p, m).reshape((k, p.shape[0] // k) + p.shape[1:]) for p in split]
        rows = sum(p.shape[0] for p in split)
        joined.append(constrain(jnp.concatenate(tiles, axis=1).reshape((rows,) + split[0].shape[1:]), m))
    return jnp.concatenate(joined + whole)
