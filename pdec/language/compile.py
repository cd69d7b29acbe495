"""The compiler's entry points: a path or a text in, a checked Problem out."""

from __future__ import annotations

from pathlib import Path

from pdec.language.build import build
from pdec.errors import PdecError
from pdec.language.problem import Problem


def compile_text(text: str, *, filename: str = "<text>", base_dir: str | Path | None = None) -> Problem:
    """Check `.pde` source text. Data files are looked up relative to `base_dir` (default: cwd)."""
    return build(text, filename, Path(base_dir) if base_dir is not None else None)


def compile(path: str | Path) -> Problem:  # noqa: A001 - the name users expect
    """Read and check a `.pde` file; data files are relative to the file's folder."""
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise PdecError(f"no such file: {path}", filename=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PdecError(f"cannot read {path}: {exc}", filename=str(path)) from None
    return build(text, str(path), path.parent)
