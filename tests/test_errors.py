"""Every malformed or inconsistent file ends in one PdecError at the right line and column."""

import pytest

from pdec.language.compile import compile, compile_text
from pdec.errors import PdecError

HEAD = "domain x in [-1, 1]\nunknown u(x)\n"


def error_of(text: str, **kw) -> PdecError:
    with pytest.raises(PdecError) as info:
        compile_text(text, **kw)
    return info.value


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        ("domain x in [-1 1]\n", 1, 17, "unexpected '1'"),
        ("domain x in [-1, 1]\nequation u' = 1\n", 2, 11, "unexpected character"),
        ("u = 3\n", 1, 1, "unexpected"),
        (HEAD + "equation u_xx = sinn(x)\n", 3, 17, "unknown function 'sinn'"),
        (HEAD + "equation diff(k, x) = 1\n", 3, 15, "not a field"),
        (HEAD + "equation v_x = 1\n", 3, 10, "not a field"),
        (HEAD + "equation diff(u, y) = 1\n", 3, 18, "not a coordinate"),
        (HEAD + "equation u_xz = 1\n", 3, 12, "does not spell coordinates"),
        (HEAD + "equation u(y) = 1\n", 3, 12, "other coordinates than declared"),
        (HEAD + "equation u_xx = 1\nboundary x = 2: u = 0\n", 4, 14, "not a face of the box"),
        (HEAD + "equation u_xx = 1\nboundary x = 0: u = 0\n", 4, 14, "not a face of the box"),
        (HEAD + "equation u_xx = 1\nboundary y = 1: u = 0\n", 4, 10, "'y' is not a coordinate"),
        (HEAD + "equation u_xx = 1\npoint x = 3: u = 0\n", 4, 11, "outside the box"),
        ("domain x in [1, -1]\n", 1, 14, "empty"),
        ("domain x in [0, 1], x in [0, 2]\n", 1, 21, "declared twice"),
        (HEAD + "unknown u(x)\n", 3, 9, "declared twice"),
        (HEAD + "const c = 2*c\n", 3, 13, "refers to itself"),
        (HEAD + "const c = u + 1\n", 3, 11, "refers to the field"),
        (HEAD + "const c = d + 1\nconst d = 2\n", 3, 11, "earlier constants"),
        (HEAD + "equation u_xx = k\nboundary all: u = 0\n", 3, 17, "'k' has no observations"),
        (HEAD + "equation u_x = u\nboundary x = 1: u_x = a\n", 4, 23, "'a' has no observations"),
        (HEAD + "equation u_x = u\ninitial t = 0: u = 1\n", 4, 9, "needs a time coordinate"),
        (HEAD + "equation u_x = u\nobserve u from \"nothere.csv\"\n", 4, 16, "not found"),
        (HEAD + "equation u_x = u\nobserve u at 10 points\n", 4, 9, "has no `exact u"),
        (HEAD + "equation u_x = 1\nexact v = x\n", 4, 7, "'v' is not a field"),
        ("domain x in [-1, 1]\nfit u(x) = sin(x)\nequation u = 1\n", 3, 1, "not both"),
        ("domain x in [-1, 1]\nfit u(x) = k*x\n", 2, 12, "not known here"),
        ("domain sin in [-1, 1]\n", 1, 8, "reserved"),
        ("domain x1 in [0, 1], x2 in [0, 1], x3 in [0, 1], x4 in [0, 1], x5 in [0, 1], x6 in [0, 1], "
         "x7 in [0, 1]\n", 1, 92, "at most 6"),
        (HEAD + "equation u_x = u + x\npoint x = 0, x = 0: u = 0\n", 4, 1, "given twice"),
        ("domain x in [-1, 1], y in [-1, 1]\nunknown u(x, y)\nequation u_x = 1\npoint x = 0: u = 0\n", 4, 1, "missing y"),
        (HEAD + "equation u_xx = 1\ntruth q = 1\n", 4, 7, "not an unknown parameter"),
        ("unknown u(x)\n", 1, 9, "needs the `domain` first"),
        ("# nothing\n", 1, 1, "no `domain`"),
        ("domain x in [-1, 1]\n", 1, 1, "no unknown field"),
        (HEAD, 1, 1, "no `equation`"),
        (HEAD + "equation u_xx = sin\n", 3, 17, "is a function"),
        (HEAD + "equation u_xx = sin(x, 1)\n", 3, 17, "takes one argument"),
        (HEAD + "equation diff(u, x, 0) = 1\n", 3, 21, "whole number"),
        (HEAD + "periodic y\nequation u_x = 1\n", 3, 10, "not a coordinate"),
    ],
)
def test_error_location_and_message(text, line, column, words):
    err = error_of(text)
    assert words in err.message, err.render()
    assert (err.span.line, err.span.column) == (line, column), err.render()
    rendered = err.render()
    assert rendered.startswith(f"<text>:{line}:{column}: ")
    # the source line and a caret under the spot
    lines = rendered.splitlines()
    assert lines[1].strip() == text.splitlines()[line - 1].strip()
    assert lines[2].index("^") - 4 == column - 1


def test_csv_with_missing_column_is_refused(tmp_path):
    (tmp_path / "d.csv").write_text("x,v\n0.1,1\n0.2,2\n")
    err = error_of(HEAD + "param k ~ 1\nequation u_x = k*u\nobserve u from \"d.csv\"\n", base_dir=tmp_path)
    assert "no column 'u'" in err.message and "its columns: x, v" in err.message
    assert err.hint and "x, u" in err.hint


def test_csv_with_text_or_outside_rows_is_refused(tmp_path):
    (tmp_path / "d.csv").write_text("x,u\n0.1,abc\n")
    assert "row 2" in error_of(HEAD + "equation u_x = u\nobserve u from \"d.csv\"\n", base_dir=tmp_path).message
    (tmp_path / "e.csv").write_text("x,u\n0.1,1\n5,1\n")
    assert "outside the domain" in error_of(HEAD + "equation u_x = u\nobserve u from \"e.csv\"\n",
                                            base_dir=tmp_path).message


def test_missing_file_is_a_pdec_error(tmp_path):
    with pytest.raises(PdecError, match="no such file"):
        compile(tmp_path / "nope.pde")


def test_hint_for_statements():
    err = error_of("domian x in [0, 1]\n")
    assert "each statement starts with one of" in err.hint


def test_huge_numbers_are_refused_quickly():
    assert "out of float64's range" in error_of(HEAD + "equation u_xx = 1e999999999\n").message
    assert "too large" in error_of(HEAD + "equation u_xx = 9^9^9\n").message
