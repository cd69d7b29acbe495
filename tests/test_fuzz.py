"""Random edits of the example files give a valid problem or a PdecError, never another exception."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdec.language.compile import compile_text
from pdec.errors import PdecError

PROBLEM_DIR = Path(__file__).parent.parent / "problems"
SOURCES = [p.read_text() for p in sorted(PROBLEM_DIR.glob("*.pde"))]
ALPHABET = "xyztuvk_0123456789.+-*/^()[],:=~#\"\n eapisnlodfr"
WORDS = ["domain", "unknown", "const", "param", "equation", "boundary", "initial", "point",
         "periodic", "observe", "fit", "exact", "all", "lap(u)", "diff(u, x)", "u_xx", "u_t", "pi",
         "sin(", "2*", "**", "^9^9", "1e999", "1e-3", ".5", "at 3 points", "from \"data/heat.csv\"", "truth k = 1",
         "disk((0, 0), 1)", " - disk((0.2, 0), 0.3) as hole", " | ", " & ", "polygon((0, 0), (1, 0), (0, 1))",
         "rest", "u_n", "atan2(y, x)", "x, y in ", ", t in [0, 1]", "ball((0, 0, 0), 1)", "reference u from "]


@st.composite
def edited(draw):
    text = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "word", "swap"]))
        if action == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 6)):]
        elif action == "insert":
            text = text[:pos] + draw(st.text(ALPHABET, min_size=1, max_size=4)) + text[pos:]
        elif action == "word":
            text = text[:pos] + draw(st.sampled_from(WORDS)) + text[pos:]
        else:
            lines = text.splitlines()
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@settings(max_examples=int(__import__("os").environ.get("PDEC_FUZZ_EXAMPLES", "400")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_random_edits_give_a_problem_or_a_located_error(text):
    try:
        compile_text(text, base_dir=PROBLEM_DIR)
    except PdecError as err:
        rendered = err.render()
        assert rendered.startswith("<text>:")
        assert err.message


@settings(max_examples=int(__import__("os").environ.get("PDEC_FUZZ_SOLVES", "4")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(edited())
def test_edits_that_pass_check_solve_to_a_result_or_a_located_error(text):
    """The whole path, with tiny settings: a result (its table and summary print), a located
    error, never another exception (PDEC_FUZZ_SOLVES sets the number of examples)."""
    from hypothesis import assume

    from pdec import solve
    from pdec.cli.table import summary, table

    try:
        problem = compile_text(text, base_dir=PROBLEM_DIR)
    except PdecError:
        assume(False)
        return
    try:
        solution = solve(problem, stages=1, adam=20, iterations=5, points=30)
    except PdecError as err:
        assert err.message
        return
    assert table(solution) and summary(solution)
