"""Bad input and faults found by trying pdec as a new user would: each ends in a clear message."""

import math
import os
import subprocess
import sys

import pytest

import pdec
from pdec.cli import runs
from pdec.cli.solve import exit_status
from pdec.cli.table import summary
from pdec.records import StageRecord, StopReason
from pdec.solution import Solution

HEAD = "domain x in [-1, 1]\nunknown u(x)\n"
TAIL = "boundary x = -1: u = 0\nboundary x = 1: u = 0\n"


def refused(text: str):
    with pytest.raises(pdec.PdecError) as err:
        pdec.compile_text(text)
    return err.value


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "pdec", *map(str, args)], cwd=cwd, capture_output=True, text=True)


def test_a_source_of_thousands_of_terms_compiles_and_lowers():
    terms = " + ".join(f"{k % 7 + 1}*sin({k}*x)/{k * k}" for k in range(1, 5001))
    problem = pdec.compile_text(HEAD + f"equation u_xx = {terms}\n" + TAIL)
    assert len(problem.equations[0].expr.args) == 5001
    r = pdec.lower(problem).equations[0]
    import jax.numpy as jnp
    value = r(jnp.zeros((1, 1)), {("u", (2,)): jnp.zeros(1)}, {})
    assert math.isfinite(float(value[0]))


@pytest.mark.parametrize("rhs, message, column", [
    ("1e308*1e308*x", "beyond float64's range", 17),
    ("log(-1 - x^2)", "the right side is not real at x = -1", 17),
    ("1/x", "the right side is not finite at x = 0", 17),
    ("1/(x - 0.3)", "the right side is not finite at x = 0.3", 17),  # between the grid's nodes
    ("sin(pi/0*x)", "the right side divides by zero", 17),  # SymPy's zoo: found by the fuzz test
])
def test_known_functions_that_are_not_finite_and_real_are_refused_at_their_place(rhs, message, column):
    err = refused(HEAD + f"equation u_xx = {rhs}\n" + TAIL)
    assert message in err.message and (err.span.line, err.span.column) == (3, column), err.message


def test_a_condition_is_checked_only_where_it_holds():
    pdec.compile_text(HEAD + "equation u_xx = 0\nboundary x = -1: u = 0\nboundary x = 1: u = log(x)\n")
    err = refused(HEAD + "equation u_xx = 0\nboundary x = -1: u = log(x)\nboundary x = 1: u = 0\n")
    assert "not real at x = -1" in err.message and err.span.line == 4
    err = refused("domain x in [-1, 1]\nfit u(x) = sqrt(x)\n")
    assert "the fit target is not real" in err.message


def test_a_fit_from_one_data_row_is_refused(tmp_path):
    (tmp_path / "a.csv").write_text("x,u\n0.5,1.0\n")
    with pytest.raises(pdec.PdecError, match="at least 10 rows; a.csv has 1"):
        pdec.compile_text('domain x in [0, 1]\nfit u from "a.csv"\n', base_dir=tmp_path)


def test_constants_are_listed_once_when_exact():
    from pdec.language.listing import listing

    text = listing(pdec.compile_text("domain x in [0, 1]\nconst c = 2\nconst d = 1/4\nfit u(x) = c*x + d\n"))
    assert "c = 2," in text and "d = 1/4 = 0.25" in text


def test_command_line_mistakes_say_where_they_come_from(tmp_path):
    (tmp_path / "f.pde").write_text("domain x in [0, 1]\nfit u(x) = x\n")
    (tmp_path / "file").write_text("")
    bad = cli("solve", "f.pde", "--set", "gamma=3", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("command line: gamma must be"), bad.stderr
    out = cli("solve", "f.pde", "--out", "file", cwd=tmp_path)
    assert out.returncode == 2 and "file is not a folder" in out.stderr and "Traceback" not in out.stderr


def test_a_run_folder_held_by_a_live_run_is_refused_and_a_stale_lock_is_taken_over(tmp_path):
    (tmp_path / "f.pde").write_text("domain x in [0, 1]\nfit u(x) = x\n")
    held = tmp_path / "runs" / "f"
    held.mkdir(parents=True)
    (held / runs.LOCK).write_text(str(os.getpid()))  # this test process: alive
    busy = cli("solve", "f.pde", cwd=tmp_path)
    assert busy.returncode == 2 and "in use by another pdec run" in busy.stderr, busy.stderr
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # its process id now names no process: a lock left by a killed run
    stale = tmp_path / "stale"
    stale.mkdir()
    (stale / runs.LOCK).write_text(str(gone.pid))
    with runs.locked(stale):
        assert (stale / runs.LOCK).read_text() == str(os.getpid())
    assert not (stale / runs.LOCK).exists()


def record(stage, est, kept=True, stop=None, figures=None) -> StageRecord:
    """A stage whose estimated error is ``est`` (no exact solution: rel_l2 NaN)."""
    return StageRecord(("u",), stage, 1.0, (1.0,), 10, 10, 1e-20, math.nan, math.nan, est, 1.0, kept, stop,
                       figures or {}, estimate=est)


def solution(*records) -> Solution:
    import jax.numpy as jnp

    return Solution(jnp.zeros(1), jnp.ones(1), ("u",), ((),), records)


def test_exit_status_is_1_only_for_a_tolerance_the_user_set_or_no_stage_kept():
    done = solution(record(1, 1e-6), record(2, 1e-14, stop=StopReason.MAX_STAGES))
    assert exit_status(done, 1e-15, asked=False) == 0
    assert exit_status(done, 1e-15, asked=True) == 1
    assert exit_status(done, 1e-12, asked=True) == 0
    diverged = solution(record(1, math.nan, kept=False, stop=StopReason.DIVERGED))
    assert exit_status(diverged, 1e-15, asked=False) == 1
    assert "0 stage(s) kept" in summary(diverged) and "diverged" in summary(diverged)


def test_a_run_without_an_exact_solution_never_prints_a_nan_error():
    nan = record(1, math.nan, figures={"equation_rms": 3e-9})
    text = summary(solution(nan))
    assert "nan" not in text.replace("estimated", "") and "no error estimate" in text
    assert "equation residual RMS 3.00e-09" in text and "not to be trusted" in text
    text = summary(solution(record(1, 1e-9), record(2, 2e-12, figures={"calibrated": 1.0})))
    assert "estimated error 2.00e-12" in text and "nan" not in text.replace("estimated", "") and "trusted" not in text
