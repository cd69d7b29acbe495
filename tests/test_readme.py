"""README's two commands stay true: CI runs both, verbatim; the example names a real file."""

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def commands():
    return re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)


def test_ci_runs_the_readme_test_command():
    ci_line = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci_line in commands()
    assert "pytest" in ci_line


def test_ci_runs_the_readme_example_command():
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    example = next(c for c in commands() if "pdec solve" in c)
    assert example in lines


def test_readme_example_command_names_a_real_problem():
    example = next(c for c in commands() if "pdec solve" in c)
    path = example.split("pdec solve ")[1].split()[0]
    assert (ROOT / path).is_file()
