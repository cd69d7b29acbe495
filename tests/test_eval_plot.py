"""`pdec eval` and `pdec plot` on tiny hand-built runs (no training); batched evaluation is exact."""

import csv
import json
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pdec import cli
from pdec.solver import network
from pdec.errors import PdecError
from pdec.cli.eval import load_run
from pdec.records import StageRecord, StopReason
from pdec.cli.plot import stage_series
from pdec.solution import Solution, Stage, _evaluate
from pdec.store import save


def stages(key, d: int, n: int = 2) -> tuple[Stage, ...]:
    """Stage 1 tanh, then sine stages over the angle variable, with decreasing eps."""
    first = Stage(network.init_stage(key, d, (8, 8)), jnp.asarray(1.0), jnp.ones(d))
    rest = tuple(Stage(network.init_stage(jax.random.fold_in(key, k), d, (6, 6), sine_first=True),
                       jnp.asarray(10.0 ** (-3 * k)), jnp.full(d, 2.0 * k), True, True) for k in range(1, n))
    return (first, *rest)


def records(field: str, n: int) -> tuple[StageRecord, ...]:
    return tuple(StageRecord((field,), k, 10.0 ** (-3 * k), (1.0,), 100, 10, 1e-8 ** k, 3e-4 ** k, 2e-4 ** k,
                             3e-4 ** k, 0.1, True, StopReason.MAX_STAGES if k == n else None,
                             {"rms_error": 1e-4 ** k}) for k in range(1, n + 1))


def solution_2d(names=("x", "t")) -> Solution:
    key = jax.random.PRNGKey(0)
    return Solution(jnp.asarray([-1.0, 0.0]), jnp.asarray([1.0, 2.0]), ("u", "v"),
                    (stages(key, 2), stages(jax.random.fold_in(key, 1), 2)),
                    records("u", 2) + records("v", 2), {}, names)


@pytest.fixture
def run2d(tmp_path):
    return save(solution_2d(), tmp_path / "run2d")


def pdec(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# -- eval --------------------------------------------------------------------------------------

def test_eval_at_prints_each_field_to_full_precision(run2d, capsys):
    code, out, err = pdec(capsys, "eval", run2d, "--at", "t=0.1, x=0.5")
    assert code == 0 and err == ""
    lines = out.splitlines()
    expect = np.asarray(solution_2d()(np.array([[0.5, 0.1]])))[0]
    assert [line.split(" = ")[0] for line in lines] == ["u(x=0.5, t=0.1)", "v(x=0.5, t=0.1)"]
    assert [float(line.split(" = ")[1]) for line in lines] == expect.tolist()  # repr reads back exactly


def test_eval_points_writes_csv_that_reads_back_exactly(run2d, tmp_path, capsys):
    rng = np.random.default_rng(0)
    pts = np.column_stack([rng.uniform(0, 2, 50), rng.uniform(-1, 1, 50)])  # columns t, x: any order
    src = tmp_path / "pts.csv"
    src.write_text("t,x,note\n" + "".join(f"{t!r},{x!r},a\n" for t, x in pts.tolist()))
    code, out, err = pdec(capsys, "eval", run2d, "--points", src, "--out", tmp_path / "vals.csv")
    assert code == 0 and err == "" and "vals.csv (50 points)" in out
    with open(tmp_path / "vals.csv") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["x", "t", "u", "v"]
    got = np.array(rows[1:], dtype=np.float64)
    xt = pts[:, ::-1]
    np.testing.assert_array_equal(got[:, :2], xt)
    np.testing.assert_array_equal(got[:, 2:], np.asarray(solution_2d()(xt)))
    code, out, _ = pdec(capsys, "eval", run2d, "--points", src)  # no --out: printed
    assert code == 0 and out.splitlines()[0] == "x,t,u,v" and len(out.splitlines()) == 51


def test_points_outside_the_box_warn_but_are_evaluated(run2d, tmp_path, capsys):
    code, out, err = pdec(capsys, "eval", run2d, "--at", "x=1.5, t=0.1")
    assert code == 0 and out.startswith("u(x=1.5, t=0.1) = ")
    assert "outside the box x in [-1.0, 1.0], t in [0.0, 2.0]" in err
    src = tmp_path / "p.csv"
    src.write_text("x,t\n0,1\n3,1\n0,-1\n")
    code, out, err = pdec(capsys, "eval", run2d, "--points", src)
    assert code == 0 and len(out.splitlines()) == 4 and "2 of 3 points lie (first: point 2)" in err


@pytest.mark.parametrize("at, message", [
    ("x=0.5, q=0.1", "no coordinate 'q'"),
    ("x=0.5", "no value for t"),
    ("x=0.5, y=1", "no coordinate 'y'"),
    ("x=0.5; t=0.1", "pdec eval: --at x: '0.5; t=0.1' is not a number"),
    ("x 0.5, t=0", "expects NAME=VALUE"),
    ("x=0.5, t=", "expects NAME=VALUE"),
    ("x=0.5, t=abc", "'abc' is not a number"),
    ("x=0.5, x=0.2, t=0", "gives x twice"),
    ("x=nan, t=0", "not a finite number"),
])
def test_bad_at_text_is_a_clear_error(run2d, capsys, at, message):
    code, out, err = pdec(capsys, "eval", run2d, "--at", at)
    assert code == 2 and out == "" and message in err and "Traceback" not in err


def test_bad_points_files_are_clear_errors(run2d, tmp_path, capsys):
    cases = {"x,s\n0,1\n": "no column 't' (the header is: x,s)", "": "the file is empty",
             "x,t\n": "a header but no points", "x,t\n0,1\n0,oops\n": "line 3: not a number",
             "x,t\n0,inf\n": "NaN or infinite"}
    for i, (text, message) in enumerate(cases.items()):
        path = tmp_path / f"bad{i}.csv"
        path.write_text(text)
        code, _, err = pdec(capsys, "eval", run2d, "--points", path)
        assert code == 2 and message in err, (text, err)
    code, _, err = pdec(capsys, "eval", run2d, "--points", tmp_path / "none.csv")
    assert code == 2 and "no such file" in err
    code, _, err = pdec(capsys, "eval", run2d, "--at", "x=0, t=0", "--out", tmp_path / "o.csv")
    assert code == 2 and "--out goes with --points" in err
    code, _, err = pdec(capsys, "eval", tmp_path / "nothing", "--at", "x=0, t=0")
    assert code == 2 and "no saved solution" in err


def test_coordinate_names_without_them_in_the_file(tmp_path):
    folder = save(solution_2d(names=()), tmp_path / "old")
    header = json.loads((folder / "solution.json").read_text())
    del header["coordinates"]  # a file saved before names were stored
    (folder / "solution.json").write_text(json.dumps(header))
    assert load_run(folder).solution.coordinate_names == ()
    assert load_run(folder).coordinates == ("x", "y")  # by dimension
    (folder / "heat.pde").write_text("domain x in [-1, 1], t in [0, 2]\nunknown u(x, t)\n")
    assert load_run(folder).coordinates == ("x", "t")  # from the saved source
    assert load_run(save(solution_2d(), tmp_path / "new")).coordinates == ("x", "t")  # stored


# -- batched evaluation --------------------------------------------------------------------------

def test_batched_evaluation_is_bit_identical_to_one_call():
    sol = solution_2d()
    pts = np.random.default_rng(1).uniform([-1, 0], [1, 2], (3 * 1024 + 200, 2))
    whole = np.asarray(_evaluate(sol.stages, sol.lower, sol.upper, jnp.asarray(pts)))
    np.testing.assert_array_equal(np.asarray(sol.evaluate(pts, batch=1024)), whole)
    np.testing.assert_array_equal(np.asarray(sol(pts)), whole)  # default batch: one padded call
    one = np.asarray(sol(pts[123:124]))  # a point's value does not depend on the others
    np.testing.assert_array_equal(one, whole[123:124])
    with pytest.raises(PdecError, match="2-dimensional box"):
        sol(pts[:, :1])


# -- plot ----------------------------------------------------------------------------------------

def solution_1d() -> Solution:
    return Solution(jnp.asarray([-1.0]), jnp.asarray([1.0]), ("u",), (stages(jax.random.PRNGKey(3), 1, 3),),
                    records("u", 3), {}, ("x",))


def pinn_records(n: int) -> tuple[StageRecord, ...]:
    return tuple(StageRecord(("u", "v"), k, 1e-3 ** k, (1.0,), 100, 10, 1e-9 ** k, math.nan, math.nan, 1e-5 ** k,
                             0.1, k < n, figures={"gamma": 0.5, "equation_rms": 1e-5 ** k, "condition_max": 1e-5 ** k})
                 for k in range(1, n + 1))


def assert_pngs(paths, names):
    assert sorted(p.name for p in paths) == sorted(names)
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 1000


def test_plot_1d_with_an_exact_solution(tmp_path, capsys):
    folder = save(solution_1d(), tmp_path / "fit")
    (folder / "fit.pde").write_text("domain x in [-1, 1]\nfit u(x) = sin(2*x + 1)\n")
    code, out, err = pdec(capsys, "plot", folder, "--out", tmp_path / "pics")
    assert code == 0 and err == ""
    paths = [tmp_path / "pics" / line.split("/")[-1] for line in out.splitlines()]
    assert out.splitlines() == [str(p) for p in paths]
    assert_pngs(paths, ["solution.png", "error.png", "stages.png"])


def test_plot_2d_without_an_exact_solution(tmp_path, capsys):
    from dataclasses import replace

    sol = replace(solution_2d(names=("x", "y")), field_names=("u", "v"), report=pinn_records(3))
    folder = save(sol, tmp_path / "poisson")
    (folder / "poisson.pde").write_text("domain x in [-1, 1], y in [0, 2]\nunknown u(x, y), v(x, y)\n"
                                        "equation u_xx + u_yy = v\nequation v = 1\nboundary x = -1: u = 0\n")
    code, out, err = pdec(capsys, "plot", folder)
    assert code == 0 and "states no exact solution" in err
    assert_pngs([folder / line.split("/")[-1] for line in out.splitlines()], ["solution.png", "stages.png"])
    assert stage_series(sol.report)["u, v"][0] == "equation residual RMS"


def test_plot_2d_with_an_exact_solution_and_stage_series(tmp_path, capsys):
    from dataclasses import replace

    sol = replace(solution_2d(names=("x", "y")), field_names=("u", "v"))
    folder = save(sol, tmp_path / "fit2d")
    (folder / "fit2d.pde").write_text("domain x in [-1, 1], y in [0, 2]\nfit u(x, y) = x*y\nfit v(x, y) = x + y\n")
    code, out, err = pdec(capsys, "plot", folder)
    assert code == 0 and err == ""
    assert_pngs([folder / line.split("/")[-1] for line in out.splitlines()],
                ["solution.png", "error.png", "stages.png"])
    series = stage_series(sol.report)
    assert series["u"] == ("relative L2 error", [1, 2], [3e-4, 3e-4 ** 2], [True, True])
