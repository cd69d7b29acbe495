"""Saved solutions load back bit-identical; damaged or too new files give a clear error."""

import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pdec
from pdec.solver import network
from pdec.records import StageRecord, StopReason
from pdec.solution import Solution, Stage
from pdec.store import load, save


def tiny_solution() -> Solution:
    key = jax.random.PRNGKey(0)
    stages = []
    for i, f in enumerate(("u", "v")):
        s1 = Stage(network.init_stage(jax.random.fold_in(key, i), 2, (8, 8)), jnp.asarray(1.0), jnp.ones(2))
        s2 = Stage(network.init_stage(jax.random.fold_in(key, 10 + i), 2, (6,), sine_first=True),
                   jnp.asarray(1.3e-6), jnp.asarray([3.0, 5.5]), True, True)
        stages.append((s1, s2))
    record = StageRecord(("u",), 1, 1.0, (1.0, 1.0), 100, 10, 1e-12, float("nan"), 2e-7, 1e-7, 0.5,
                         figures={"rms_error": 1e-7})
    return Solution(jnp.asarray([-1.0, 0.0]), jnp.asarray([1.0, 2.0]), ("u", "v"), tuple(stages), (record,),
                    {"k": 0.5})


def test_round_trip_is_bit_identical(tmp_path):
    sol = tiny_solution()
    pts = jax.random.uniform(jax.random.PRNGKey(1), (500, 2), minval=jnp.array([-1.0, 0.0]), maxval=jnp.array([1.0, 2.0]))
    save(sol, tmp_path / "run")
    back = pdec.load(tmp_path / "run")
    np.testing.assert_array_equal(np.asarray(back(pts)), np.asarray(sol(pts)))
    assert back.field_names == ("u", "v") and back.parameters == {"k": 0.5}
    assert back.report[0].points == 100 and np.isnan(back.report[0].rel_l2)
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["solution.json", "solution.npz"]


def test_records_with_numpy_scalars_round_trip(tmp_path):
    from dataclasses import replace

    record = StageRecord(("u", "v"), 2, 1e-8, (22.0,), 800, 800, 1e-14, 3.6e-15, 6.7e-15, 3.6e-15, 16.3,
                         np.bool_(True), StopReason.TOLERANCE, {"gamma": np.float64(0.8), "equation_rms": 5e-12},
                         {"k": np.float64(0.5)}, estimate=np.float64(4e-15), estimates={"k": np.float64(1e-15)})
    sol = replace(tiny_solution(), report=(record,))
    save(sol, tmp_path / "p")
    (back,) = load(tmp_path / "p").report
    assert back == replace(record, kept=True, parameters={"k": 0.5}, figures={"gamma": 0.8, "equation_rms": 5e-12},
                           estimate=4e-15, estimates={"k": 1e-15})


def test_version_1_files_load_with_their_records_converted(tmp_path):
    save(tiny_solution(), tmp_path / "old")
    path = tmp_path / "old" / "solution.json"
    header = json.loads(path.read_text())
    header["version"] = 1
    header["report"] = [
        {"type": "StageRecord", "field": "u", "stage": 1, "eps": 1.0, "kappa": [1.0], "points": 100, "iterations": 10,
         "loss": 1e-12, "rms_error": 1e-7, "max_error": 2e-7, "rel_l2": 3e-7, "wall_time": 0.5, "kept": True,
         "stop_reason": "stalled: gain 1.5x < 2x"},
        {"type": "PinnRecord", "stage": 1, "eps": 1.0, "kappa": [1.0], "gamma": 0.5, "points": 400, "iterations": 800,
         "loss": 1e-9, "equation_rms": 1e-5, "condition_max": 1e-6, "rel_l2": None, "max_error": None,
         "parameters": {"k": 0.5}, "wall_time": 3.0, "kept": True, "stop_reason": "max stages (1)"}]
    path.write_text(json.dumps(header))
    fit, pinn = load(tmp_path / "old").report
    assert fit.fields == ("u",) and fit.stop is StopReason.STALLED and fit.figures == {"rms_error": 1e-7}
    assert fit.score == 3e-7
    assert pinn.fields == ("u", "v") and pinn.stop is StopReason.MAX_STAGES and np.isnan(pinn.rel_l2)
    assert pinn.score == 1e-5 and pinn.figures["gamma"] == 0.5 and pinn.parameters == {"k": 0.5}


def test_damaged_and_newer_files_are_refused(tmp_path):
    save(tiny_solution(), tmp_path / "a")
    npz = tmp_path / "a" / "solution.npz"
    npz.write_bytes(npz.read_bytes()[:200])
    with pytest.raises(pdec.PdecError, match="cannot read the saved solution"):
        load(tmp_path / "a")

    save(tiny_solution(), tmp_path / "b")
    header = json.loads((tmp_path / "b" / "solution.json").read_text())
    header["version"] = 99
    (tmp_path / "b" / "solution.json").write_text(json.dumps(header))
    with pytest.raises(pdec.PdecError, match="newer than this pdec reads"):
        load(tmp_path / "b")

    (tmp_path / "b" / "solution.json").write_text("{not json")
    with pytest.raises(pdec.PdecError, match="not valid JSON"):
        load(tmp_path / "b")
    with pytest.raises(pdec.PdecError, match="no saved solution"):
        load(tmp_path / "nothing")
