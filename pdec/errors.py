"""One error type for every mistake in a user's input, reported as FILE:LINE:COL with a caret."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Where something stands in the source: 1-based line and column."""

    line: int
    column: int


class PdecError(Exception):
    """A mistake in a `.pde` file or in how pdec was called: never a bug in pdec.

    The message reads ``FILE:LINE:COL: message``, then the source line with a caret under
    the spot, then a hint. The CLI prints it and exits with status 2.
    """

    def __init__(
        self,
        message: str,
        span: Span | None = None,
        *,
        hint: str | None = None,
        source: str | None = None,
        filename: str = "<text>",
    ) -> None:
        self.message = message
        self.span = span
        self.hint = hint
        self.source = source
        self.filename = filename
        super().__init__(self.render())

    def located(self, source: str, filename: str) -> "PdecError":
        """The same error, told which text and file it belongs to."""
        return PdecError(self.message, self.span, hint=self.hint, source=source, filename=filename)

    def render(self) -> str:
        """The message as the CLI prints it: location, source line with a caret, hint."""
        if self.span is None:
            head = f"{self.filename}: {self.message}"
            lines = [head]
        else:
            lines = [f"{self.filename}:{self.span.line}:{self.span.column}: {self.message}"]
            text = (self.source or "").splitlines()
            if 1 <= self.span.line <= len(text):
                src = text[self.span.line - 1].replace("\t", " ")
                lines.append("    " + src)
                lines.append("    " + " " * (self.span.column - 1) + "^")
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)
