"""How well a solution fits its observations, against what their noise allows.

A small residual of the equations and conditions says nothing about the parameters when the
observations are missed: a wrong parameter gives fields that satisfy the equations and miss the
data. So every stage of a problem with observations measures the misfit (the RMS of
``u(x_i) - u_i`` over all observations, relative to the RMS of the values) against the
observations' level: their stated noise, relative the same way, or, without noise, `pdec.records.FLOOR`.
A misfit above FAR times the level is reported (`pdec.records.observations_missed`).
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from pdec.language.problem import Problem
from pdec.records import FLOOR
from pdec.solver.blocks import Block
from pdec.solver.derivatives import PointFn



def level(problem: Problem) -> float:
    """The observations' noise relative to their values (pooled RMS), at least FLOOR."""
    values = np.concatenate([o.values.reshape(-1) for o in problem.observations])
    noise = np.concatenate([np.full(o.values.size, o.noise) for o in problem.observations])
    scale = math.sqrt(float(np.mean(values ** 2))) or 1.0
    return max(math.sqrt(float(np.mean(noise ** 2))) / scale, FLOOR)


def misfit(blocks: tuple[Block, ...], fields: Mapping[str, PointFn], params) -> float:
    """The RMS of every observation block's residual relative to the RMS of its values (NaN
    without observations)."""
    data = [b for b in blocks if b.kind == "data"]
    if not data:
        return math.nan
    r = np.concatenate([np.asarray(b.residual(fields, None, params)) for b in data])
    v = np.concatenate([np.asarray(b.data).reshape(-1) for b in data])
    return math.sqrt(float(np.mean(r ** 2)) / (float(np.mean(v ** 2)) or 1.0))
