"""Run folders: every stage saved as it finishes, kill and resume, Ctrl-C, NaN retry, progress."""

import io
from dataclasses import dataclass, field, replace
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import pdec
from pdec.cli import main
from pdec.cli.progress import ProgressLine
from pdec.solver.tasks.fit import FitSettings, solve_fit
from pdec.records import StopReason, describe_stop
from pdec.solver.driver import Schedule
from pdec.solver.stages.trained import LevenbergMarquardt, Trained
from pdec.solver.tasks.equations import EquationSettings, solve_equations

SOURCE = """domain x in [-1, 1]
fit u(x) = sin(2*x + 1) + 0.2*exp(1.3*x)
solver adam = 100, iterations = 20, points = 100
"""


# The child sets SIGINT back to Python's handler itself: a test run started in the background
# from a non-interactive shell ignores SIGINT, the child inherits that, and Python then installs
# no KeyboardInterrupt handler. (A preexec_fn would fork a multithreaded JAX process.)
CHILD = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
         "runpy.run_module('pdec', run_name='__main__', alter_sys=True)")


def pdec_solve(*args, cwd):
    return subprocess.Popen([sys.executable, "-c", CHILD, "solve", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(path: Path, proc, timeout=120.0):
    t0 = time.time()
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.time() - t0 < timeout
        time.sleep(0.02)


def stages_saved(folder: Path) -> int:
    return len(json.loads((folder / "solution.json").read_text())["report"])


def test_killed_run_resumes_to_the_uninterrupted_result(tmp_path):
    (tmp_path / "f.pde").write_text(SOURCE)
    killed = pdec_solve("f.pde", "--stages", "2", "--out", "killed", cwd=tmp_path)
    wait_for(tmp_path / "killed" / "report.json", killed)
    killed.kill()  # SIGKILL right after stage 1 was saved: no chance to clean up
    killed.wait()
    assert stages_saved(tmp_path / "killed") == 1

    resumed = subprocess.run([sys.executable, "-m", "pdec", "solve", "f.pde", "--stages", "2", "--resume", "killed"],
                             cwd=tmp_path, capture_output=True, text=True)
    assert "resuming killed after stage 1" in resumed.stdout, resumed.stderr
    # the uninterrupted run in this process (a third interpreter would only add its start-up)
    assert main(["solve", str(tmp_path / "f.pde"), "--stages", "2", "--out", str(tmp_path / "whole"), "--quiet"]) == 0
    a, b = pdec.load(tmp_path / "killed"), pdec.load(tmp_path / "whole")
    x = np.linspace(-1, 1, 777)
    assert len(a.report) == len(b.report) == 2
    assert np.array_equal(np.asarray(a(x)), np.asarray(b(x)))  # bit for bit
    assert [r.rel_l2 for r in a.report] == [r.rel_l2 for r in b.report]
    assert json.loads((tmp_path / "killed" / "report.json").read_text())["finished"] is True

    other = tmp_path / "g.pde"
    other.write_text(SOURCE.replace("0.2", "0.3"))
    refused = subprocess.run([sys.executable, "-m", "pdec", "solve", "g.pde", "--resume", "killed"],
                             cwd=tmp_path, capture_output=True, text=True)
    assert refused.returncode == 2 and "different version" in refused.stderr and "Traceback" not in refused.stderr


def test_ctrl_c_ends_cleanly_and_says_how_to_resume(tmp_path):
    (tmp_path / "f.pde").write_text(SOURCE)
    proc = pdec_solve("f.pde", "--out", "r", cwd=tmp_path)
    wait_for(tmp_path / "r" / "settings.json", proc)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err
    assert "pdec solve f.pde --resume r" in err


@dataclass(frozen=True)
class Flaky(Trained):
    """A trained stage whose first ``fails`` fits report a non-finite loss."""

    fails: int = 1
    calls: list = field(default_factory=list, compare=False)

    def fit(self, setup, params, progress=None):
        fitted = super().fit(setup, params, progress)
        self.calls.append(self.adam_lr)
        return replace(fitted, loss=float("nan")) if len(self.calls) <= self.fails else fitted


def quick_fit(kind, stages):
    cfg = FitSettings(schedule=Schedule((kind,)), base_points=(64, 64, 64))
    return solve_fit([-1.0], [1.0], ["u"], [lambda x: np.sin(x[:, 0])], tol=1e-30, max_stages=stages, settings=cfg)


def test_a_stage_whose_loss_is_nan_is_retried_with_safer_settings():
    kind = Flaky(adam_steps=50, optimizer=LevenbergMarquardt(10))
    sol = quick_fit(kind, 1)
    assert kind.calls == [1e-3, 1e-4]
    assert sol.report[0].kept and np.isfinite(sol.report[0].loss)
    always = Flaky(adam_steps=50, optimizer=LevenbergMarquardt(10), fails=2)
    sol = quick_fit(always, 2)
    assert not sol.report[0].kept and sol.report[0].stop is StopReason.DIVERGED
    assert describe_stop(sol.report, 0).startswith("diverged")
    assert sol.stages == ((),)


def test_the_equation_path_retries_and_discards_through_the_same_loop():
    problem = pdec.compile("problems/poisson1d.pde")
    kind = Flaky((8, 8), adam_steps=20, optimizer=LevenbergMarquardt(5), fails=2)
    cfg = EquationSettings(schedule=Schedule((kind,)), interior_points=(40,), gamma=0.5, gpinn=None, n_test=200)
    sol = solve_equations(problem, pdec.lower(problem), tol=1e-30, max_stages=2, settings=cfg)
    assert kind.calls == [1e-3, 1e-4]
    assert [r.stop for r in sol.report] == [StopReason.DIVERGED] and sol.stages == ((),)


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_line_on_a_terminal_only():
    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        line = ProgressLine(stream, min_interval=0.0)
        line("stage 1 adam", 100, 200, 1e-3)
        line("stage 1 adam", 200, 200, 1e-4)
        line.clear()
    assert "stage 1 adam" in tty.getvalue() and "200/200" in tty.getvalue() and "1.000e-04" in tty.getvalue()
    assert pipe.getvalue() == ""


def test_run_folder_keeps_data_files_and_coordinate_names(tmp_path):
    from pdec.cli import main

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "d.csv").write_text("s,u\n" + "".join(f"{x / 20},{np.sin(x / 20)}\n" for x in range(21)))
    (tmp_path / "f.pde").write_text('domain s in [0, 1]\nfit u from "data/d.csv"\n'
                                    "solver adam = 20, iterations = 5, points = 16, stages = 1\n")
    assert main(["solve", str(tmp_path / "f.pde"), "--out", str(tmp_path / "run"), "--quiet"]) in (0, 1)
    assert (tmp_path / "run" / "data" / "d.csv").read_text() == (tmp_path / "data" / "d.csv").read_text()
    assert pdec.load(tmp_path / "run").coordinate_names == ("s",)
    pdec.compile(tmp_path / "run" / "f.pde")  # the saved source compiles where it was saved
