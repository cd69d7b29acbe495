"""Parse tree -> checked Problem: the entry point of the checks, which live in their own modules.

`declarations` (the name table), `expressions` (expression trees -> SymPy), `statements` (each
statement, and the walk over the file) and `data` (CSV files, synthetic observations).
"""

from __future__ import annotations

from pathlib import Path

from pdec.errors import PdecError
from pdec.language.parse import parse
from pdec.language.problem import Problem
from pdec.language.statements import check_tree


def build(text: str, filename: str = "<text>", base_dir: Path | None = None) -> Problem:
    """Check `.pde` text and return its Problem; raise PdecError (with file, line, column)."""
    try:
        tree = parse(text)
        return check_tree(tree, text, filename, base_dir or Path.cwd())
    except PdecError as err:
        raise err.located(text if text.endswith("\n") else text + "\n", filename) from None
