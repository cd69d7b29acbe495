"""Devices: a solve split across two (host) devices gives what it gives on one.

JAX reads the number of host devices from XLA_FLAGS when it is imported, so the solves run in
subprocesses with `--xla_force_host_platform_device_count=2`, one per device count, side by
side; this process compares the run folders they leave.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest

import pdec
from pdec.solver import devices
from pdec.cli import main

FIT = """domain x in [-1, 1]
fit u(x) = sin(2*x + 1) + 0.2*exp(1.3*x)
solver stages = 2, adam = 50, iterations = 10, points = 32
"""
PINN = """domain x in [-1, 1]
unknown u(x)
equation u_xx = -pi^2*sin(pi*x)
boundary x = -1: u = 0
boundary x = 1: u = 0
exact u = sin(pi*x)
solver stages = 2, adam = 50, iterations = 10, points = 32, gamma = 0.5
"""
# Both problems through the command line, in one interpreter (one JAX start-up).
SOLVE = """import sys
from pdec.cli import main
n = sys.argv[1]
for name in ("fit", "pinn"):
    code = main(["solve", name + ".pde", "--devices", n, "--tol", "1e-30", "--out", name + n, "--quiet"])
    assert code in (0, 1), code
"""
RTOL = 1e-12


def two_host_devices() -> dict:
    return {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2", "JAX_PLATFORMS": "cpu"}


def close(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(a)))


def test_two_devices_give_the_one_device_solve(tmp_path):
    (tmp_path / "fit.pde").write_text(FIT)
    (tmp_path / "pinn.pde").write_text(PINN)
    runs = [subprocess.Popen([sys.executable, "-c", SOLVE, n], cwd=tmp_path, env=two_host_devices(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in ("1", "2")]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err

    x = np.linspace(-1.0, 1.0, 257)
    for name in ("fit", "pinn"):
        one, two = pdec.load(tmp_path / f"{name}1"), pdec.load(tmp_path / f"{name}2")
        assert len(one.report) == len(two.report) == 2
        assert [r.points for r in one.report] == [r.points for r in two.report]
        for a, b in zip(one.report, two.report):
            # Sums over points split across devices round differently in the last bit. A loss
            # or error at the float64 floor (the fit's least-squares stage 2: loss ~1e-26, error
            # ~4e-15) is made of such roundings, so it agrees to its absolute size, not in ratio.
            assert abs(a.loss - b.loss) <= RTOL * abs(a.loss) + 1e-24, (name, a.stage, a.loss, b.loss)
            # an error is a difference of values known to ~1e-16 of their size: a looser bound
            # (at the floor, 3e-16, the error is itself rounding: the split moved it by 1.5e-17)
            assert abs(a.rel_l2 - b.rel_l2) <= 1e-9 * a.rel_l2 + 1e-16
        assert close(one(x), two(x)) <= RTOL, name
        used = [json.loads((tmp_path / f"{name}{n}" / "report.json").read_text())["devices"] for n in "12"]
        assert used == [{"count": n, "kind": "cpu", "platform": "cpu"} for n in (1, 2)]


def test_more_devices_than_visible_is_a_user_error(tmp_path, capsys):
    n = len(jax.devices()) + 1
    with pytest.raises(pdec.PdecError, match=f"cannot use {n} devices"):
        devices.mesh(n)
    with pytest.raises(pdec.PdecError, match="whole number >= 1"):
        devices.mesh(0)
    (tmp_path / "fit.pde").write_text(FIT)
    assert main(["solve", str(tmp_path / "fit.pde"), "--devices", str(n), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert f"cannot use {n} devices: only {n - 1} " in err and "Traceback" not in err
    if jax.devices()[0].platform == "cpu":
        assert f"xla_force_host_platform_device_count={n}" in err
    assert not (tmp_path / "r").exists()  # refused before any work


def test_counts_round_up_and_odd_rows_stay_whole():
    mesh = devices.mesh(1)
    assert devices.round_up(33, mesh) == 33 and devices.place(np.ones(3), mesh).shape == (3,)
    assert devices.round_up(33, None) == 33 and devices.size(None) == 1
