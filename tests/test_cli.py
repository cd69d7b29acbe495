"""The `pdec` command: check and compile print, bad input exits 2 with FILE:LINE:COL and no traceback."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def pdec(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pdec", *args], cwd=cwd, capture_output=True, text=True)


def test_check_prints_the_classified_problem():
    run = pdec("check", "problems/heat_inverse.pde")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "coordinates: x in [0, 1], t in [0, 1] (time)" in out
    assert "fields: u(x, t)" in out
    assert "unknown parameters: k (guess 1, found)" in out
    assert "u_t = k*u_xx" in out and "needs u_t, u_xx" in out
    assert "initial t = 0: u = sin(pi*x)" in out


def test_check_latex():
    run = pdec("check", "--latex", "problems/poisson2d.pde")
    assert run.returncode == 0 and "u_{xx} + u_{yy}" in run.stdout


def test_compile_prints_lowered_source():
    run = pdec("compile", "problems/poisson1d.pde")
    assert run.returncode == 0, run.stderr
    assert "def _lambdifygenerated(x, u_d2):" in run.stdout
    assert "return" in run.stdout


def test_bad_input_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.pde"
    bad.write_text("domain x in [-1, 1]\nunknown u(x)\nequation u_xx = 1\nboundary x = 2: u = 0\n")
    run = pdec("check", str(bad))
    assert run.returncode == 2
    assert run.stderr.startswith(f"{bad}:4:14: x = 2 is not a face of the box")
    assert "^" in run.stderr and "Traceback" not in run.stderr
    missing = pdec("check", str(tmp_path / "none.pde"))
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
