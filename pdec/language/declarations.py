"""The declaration table: every name a file declares or uses, with its kind and where it stands.

One table per build. The statement checkers fill it (coordinates, fields, constants, parameter
guesses, truths); the expression translator reads it and records each parameter it meets that
nothing declares. The unknown parameters of the Problem are assembled from it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import lark
import sympy as sp

from pdec.errors import PdecError, Span
from pdec.geometry.domain import Geometry
from pdec.language.parse import span_of
from pdec.language.problem import Constant, Coordinate, Field, Parameter
from pdec.language.symbols import RESERVED

DEFAULT_GUESS = 1.0  # where training starts for a parameter without `param name ~ guess`


@dataclass(frozen=True)
class Declared:
    """A declared name: its kind (coordinate | field | constant | parameter) and its token."""

    kind: str
    span: Span


@dataclass
class Declarations:
    """The names of one file, in file order (dicts keep the order the messages rely on)."""

    names: dict[str, Declared] = field(default_factory=dict)
    coordinates: list[Coordinate] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)
    constants: dict[str, Constant] = field(default_factory=dict)
    guesses: dict[str, tuple[float, Span]] = field(default_factory=dict)
    truths: dict[str, tuple[float, Span]] = field(default_factory=dict)
    discovered: dict[str, Span] = field(default_factory=dict)  # undeclared parameter -> first use
    geometry: Geometry | None = None  # `domain x, y in SHAPE`: the shape on its coordinates
    shape_names: dict[str, Span] = field(default_factory=dict)  # `as NAME` -> where it is written

    def declare(self, token: lark.Token, kind: str) -> str:
        """Enter a name as `kind`; a reserved or already declared name is refused."""
        name = str(token)
        if name in RESERVED:
            raise PdecError(f"'{name}' is a reserved name and cannot be declared as a {kind}",
                            span_of(token), hint="choose another name")
        if name in self.names:
            before = self.names[name]
            raise PdecError(f"'{name}' is declared twice", span_of(token),
                            hint=f"it was declared as a {before.kind} on line {before.span.line}")
        self.names[name] = Declared(kind, span_of(token))
        return name

    def suggest(self, name: str, kinds: tuple[str, ...]) -> str | None:
        """'did you mean ...?' for the closest declared name of one of `kinds`, if any."""
        pool = [n for n, d in self.names.items() if d.kind in kinds]
        close = difflib.get_close_matches(name, pool, n=1)
        return f"did you mean {close[0]}?" if close else None

    def discover(self, token: lark.Token) -> sp.Symbol:
        """An undeclared name used as a parameter; its first use is where errors point."""
        self.discovered.setdefault(str(token), span_of(token))
        return sp.Symbol(str(token), real=True)

    def coordinate_names(self) -> tuple[str, ...]:
        """The coordinates' names in the domain's order."""
        return tuple(c.name for c in self.coordinates)

    def coordinates_hint(self) -> str:
        """The hint of every message about a name that should be a coordinate."""
        return "coordinates: " + ", ".join(self.coordinate_names())

    def coordinate(self, token: lark.Token) -> Coordinate:
        """The coordinate a token names; anything else is refused at the token."""
        names = self.coordinate_names()
        if str(token) not in names:
            raise PdecError(f"'{token}' is not a coordinate of the domain", span_of(token),
                            hint=self.coordinates_hint())
        return self.coordinates[names.index(str(token))]

    def constant_values(self) -> dict[sp.Symbol, sp.Expr]:
        """Each constant's symbol -> its exact value, for substitution."""
        return {sp.Symbol(c.name, real=True): c.expr for c in self.constants.values()}

    def parameters(self) -> tuple[Parameter, ...]:
        """The unknown parameters: those used undeclared (first use first), then declared ones."""
        order = list(self.discovered)
        order += [n for n in self.guesses if n not in self.discovered]
        for name, (_, span) in self.truths.items():
            if name not in order:
                raise PdecError(f"truth for '{name}', which is not an unknown parameter", span,
                                hint="truth states the true value of a parameter the file infers")
        return tuple(
            Parameter(n, self.guesses.get(n, (DEFAULT_GUESS, None))[0],
                      self.truths[n][0] if n in self.truths else None, n in self.guesses)
            for n in order if n in self.discovered or n in self.guesses
        )
