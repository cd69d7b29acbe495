"""Text -> Lark parse tree, with syntax errors turned into PdecError (line, column, hint)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import lark

from pdec.errors import PdecError, Span

# The word that starts each statement, in the grammar's order: the one list every message
# uses (tests/test_keywords.py checks that grammar/pde.lark accepts exactly these).
KEYWORDS = (
    "domain", "unknown", "const", "param", "truth", "equation", "boundary", "initial",
    "point", "periodic", "observe", "fit", "exact", "reference", "solver",
)


def grammar_path() -> Path:
    """The grammar: inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "grammar" / "pde.lark", package.parent / "grammar" / "pde.lark"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("pdec's grammar (pde.lark) is missing from this installation")


@lru_cache(maxsize=1)
def parser() -> lark.Lark:
    """The LALR parser, built once per process (a pure cache, not state)."""
    return lark.Lark(grammar_path().read_text(), parser="lalr", propagate_positions=True,
                     maybe_placeholders=False)


def parse(text: str) -> lark.Tree:
    """Parse `.pde` text; a syntax error raises PdecError pointing at the spot."""
    if not text.endswith("\n"):
        text += "\n"
    try:
        return parser().parse(text)
    except lark.exceptions.UnexpectedInput as exc:
        raise _syntax_error(exc, text) from None


def span_of(node: lark.Tree | lark.Token) -> Span:
    """Where a node starts: its own position, else its first child's, else line 1, column 1."""
    if isinstance(node, lark.Token):
        return Span(node.line or 1, node.column or 1)
    if not node.meta.empty:
        return Span(node.meta.line, node.meta.column)
    for child in node.children:
        if isinstance(child, (lark.Tree, lark.Token)):
            return span_of(child)
    return Span(1, 1)


def _describe(terminal: str) -> str:
    names = {"NAME": "a name", "NUMBER": "a number", "INT": "a number",
             "STRING": 'a "quoted path"', "_NL": "end of line", "_POW": "'^'", "$END": "end of file"}
    if terminal in names:
        return names[terminal]
    for term in parser().terminals:
        if term.name == terminal and term.pattern.type == "str":
            return repr(term.pattern.value)
    return terminal.lower()


def _syntax_error(exc: lark.exceptions.UnexpectedInput, text: str) -> PdecError:
    line = getattr(exc, "line", None)
    column = getattr(exc, "column", None)
    if not isinstance(line, int) or line < 1:  # unexpected end of file
        lines = text.rstrip("\n").splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
    span = Span(line, column)
    expected = sorted({_describe(t) for t in (getattr(exc, "expected", None) or getattr(exc, "allowed", None) or ())})
    source_line = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
    if isinstance(exc, lark.exceptions.UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        message = f"unexpected character {char!r}"
        hint = {
            "'": "derivatives are written u_x, u_xx or diff(u, x), not with primes",
            "\"": "a file name in quotes belongs after `observe u from` or `fit u from`",
        }.get(char)
    else:
        token = getattr(exc, "token", None)
        if token is None or token.type in ("$END",):
            message = "unexpected end of the statement"
        elif token.type == "_NL":
            message = "this statement ends too early"
            span = Span(line, len(source_line.split("#")[0].rstrip()) + 1)
        else:
            message = f"unexpected {token.value!r}"
        hint = None
    first_word = source_line.strip().split(" ")[0] if source_line.strip() else ""
    if hint is None and span.column <= len(source_line) - len(source_line.lstrip()) + 1 \
            and first_word not in KEYWORDS:
        hint = "each statement starts with one of: " + ", ".join(KEYWORDS)
    if hint is None and expected:
        hint = "expected " + (expected[0] if len(expected) == 1 else "one of: " + ", ".join(expected[:12]))
    return PdecError(message, span, hint=hint, source=text)
