"""Expression trees -> SymPy, one method per grammar rule, in the manner of Lark's Interpreter.

What an expression may use (only numbers? fields? parameters?) depends on the statement it
stands in; that is one `Context` value, fixed for the whole walk of one expression, instead of
flags handed down the recursion. Names are classified by the declaration table; a name that is
nothing declared is an unknown parameter (recorded in the table), or a derivative like `u_xx`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import lark
import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from pdec.errors import PdecError, Span
from pdec.language.declarations import Declarations
from pdec.language.parse import span_of
from pdec.language.symbols import ARITY, FUNCTIONS

MAX_EXPONENT = 1000
OPERATORS = ("diff", "lap")


@dataclass(frozen=True)
class Context:
    """Where an expression stands: what it may use.

    `numeric_only` names the thing being read (e.g. "the noise level") when only numbers, pi
    and earlier constants may appear; `fields` and `parameters` say whether those may.
    """

    numeric_only: str | None = None
    fields: bool = True
    parameters: bool = True
    normal: tuple[sp.Expr, ...] | None = None  # the outward normal where `u_n` may stand (boundaries)
    normal_where: str = ""  # the statement kind, for the message where it may not


def literal(token: lark.Token) -> sp.Rational:
    """A literal as an exact rational (0.338 stays 338/1000), refused outside float64's range."""
    text = str(token)
    _, _, exp = text.lower().partition("e")
    if exp and abs(int(exp)) > 400:
        raise PdecError(f"the number {text} is out of float64's range", span_of(token))
    return sp.Rational(text)


def translate(node: lark.Tree | lark.Token, table: Declarations, context: Context = Context()) -> sp.Expr:
    """An expression tree as SymPy, checked against the table in `context`."""
    return Translator(table, context).visit(node)


def numeric(node: lark.Tree, table: Declarations, what: str) -> tuple[sp.Expr, float]:
    """A numeric expression (numbers, pi, constants, functions of them) and its float value."""
    expr = translate(node, table, Context(numeric_only=what))
    value = complex(sp.N(expr.subs(table.constant_values()), 17))
    if value.imag != 0 or not np.isfinite(value.real):
        raise PdecError(f"{what} is not a finite real number ({expr})", span_of(node))
    return expr, value.real


class Translator(lark.visitors.Interpreter):
    """Walks one expression top-down; `visit` dispatches on the rule name."""

    def __init__(self, table: Declarations, context: Context) -> None:
        self.table = table
        self.context = context

    def visit(self, node: lark.Tree | lark.Token) -> sp.Expr:
        """The node's rule method (a bare token is a number literal)."""
        if isinstance(node, lark.Token):
            return literal(node)
        return getattr(self, node.data)(node)

    def __default__(self, tree: lark.Tree) -> sp.Expr:
        raise AssertionError(f"unknown tree node {tree.data}")

    # -- arithmetic ----------------------------------------------------------------------
    def number(self, tree: lark.Tree) -> sp.Expr:
        return literal(tree.children[0])

    def add(self, tree: lark.Tree) -> sp.Expr:
        return self.chain(tree, ("add", "sub"), sp.Add, lambda e: -e)

    sub = add

    def mul(self, tree: lark.Tree) -> sp.Expr:
        return self.chain(tree, ("mul", "div"), sp.Mul, lambda e: 1 / e)

    div = mul

    def chain(self, tree: lark.Tree, rules: tuple[str, str], join, invert) -> sp.Expr:
        """A left-deep chain of + and - (or * and /) as one flat SymPy sum (product).

        The grammar nests `a + b + c` to the left, one level per operator; walking that spine
        in a loop, not by recursion, keeps sums of 100,000 terms within Python's stack. The
        operands are translated left to right, so the first mistake is the one reported."""
        operands = []
        node = tree
        while isinstance(node, lark.Tree) and node.data in rules:
            operands.append((node.data, node.children[1]))
            node = node.children[0]
        parts = [self.visit(node)]
        for rule, operand in reversed(operands):
            value = self.visit(operand)
            parts.append(value if rule == rules[0] else invert(value))
        return join(*parts)

    def neg(self, tree: lark.Tree) -> sp.Expr:
        return -self.visit(tree.children[0])

    def pow(self, tree: lark.Tree) -> sp.Expr:
        base, exponent = self.visit(tree.children[0]), self.visit(tree.children[1])
        if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
            raise PdecError(f"the exponent {exponent} is too large", span_of(tree.children[1]),
                            hint=f"exponents up to {MAX_EXPONENT} are accepted")
        return base ** exponent

    # -- names ---------------------------------------------------------------------------
    def name(self, tree: lark.Tree) -> sp.Expr:
        return self.word(tree.children[0])

    def word(self, tok: lark.Token) -> sp.Expr:
        """A name: pi, a constant, a coordinate, a field, a derivative u_x, or a parameter."""
        name = str(tok)
        if name == "pi":
            return sp.pi
        if name in FUNCTIONS or name in OPERATORS:
            raise PdecError(f"'{name}' is a function: write {name}(...)", span_of(tok))
        declared = self.table.names.get(name)
        kind = declared.kind if declared is not None else None
        if kind == "constant":
            return sp.Symbol(name, real=True)
        if self.context.numeric_only:
            why = f"'{name}' is a {kind}" if declared else f"'{name}' is not a constant declared before"
            raise PdecError(f"{self.context.numeric_only} may use only numbers, pi and earlier "
                            f"constants; {why}", span_of(tok), hint=self.table.suggest(name, ("constant",)))
        if kind == "coordinate":
            return sp.Symbol(name, real=True)
        if kind == "field":
            if not self.context.fields:
                raise PdecError(f"field '{name}' cannot appear here", span_of(tok),
                                hint="only coordinates, constants and parameters may")
            return self.table.fields[name].applied()
        if kind != "parameter" and "_" in name:
            derivative = self.subscript(tok)
            if derivative is not None:
                return derivative
        return self.parameter(tok)

    def parameter(self, tok: lark.Token) -> sp.Symbol:
        """An unknown parameter, where the context allows one."""
        name = str(tok)
        if not self.context.parameters:
            raise PdecError(f"'{name}' is not known here", span_of(tok),
                            hint=self.table.suggest(name, ("coordinate", "constant")) or
                            "only coordinates and constants may appear here")
        return self.table.discover(tok)

    def subscript(self, tok: lark.Token) -> sp.Expr | None:
        """`u_xy` -> d2u/dxdy when u is a field; None when the name is just a name."""
        name = str(tok)
        prefix, suffix = name.split("_", 1)
        coords = self.split_coordinates(suffix)
        table = self.table
        if prefix in table.fields and suffix == "n" and coords is None:
            return self.normal_derivative(table.fields[prefix].applied(), tok)
        if prefix in table.fields:
            if coords is None:
                raise PdecError(f"'{suffix}' in '{name}' does not spell coordinates to differentiate by",
                                Span(tok.line, tok.column + len(prefix) + 1), hint=table.coordinates_hint())
            if not self.context.fields:
                raise PdecError(f"field '{prefix}' cannot appear here", span_of(tok))
            return self.differentiate(table.fields[prefix].applied(), coords, tok)
        if coords is not None and (prefix in table.names or prefix not in table.discovered):
            kind = table.names[prefix].kind if prefix in table.names else "not declared"
            raise PdecError(f"'{name}' reads as a derivative of '{prefix}', which is not a field "
                            f"({kind})", span_of(tok),
                            hint=(f"fields: {', '.join(table.fields)}" if table.fields else "no field is declared")
                            + f"; to use '{name}' as a parameter, declare `param {name}`")
        return None

    def normal_derivative(self, field: sp.Expr, tok: lark.Token) -> sp.Expr:
        """`u_n`: the derivative along the outward unit normal, sum of n_c u_c."""
        if self.context.normal is None:
            where = f"in {'an' if self.context.normal_where in ('equation', 'initial') else 'a'} " \
                    f"{self.context.normal_where or 'expression of this kind'}"
            raise PdecError(f"'{tok}' (the derivative along the outward normal) cannot stand {where}",
                            span_of(tok), hint="u_n is defined on the boundary: use it in a `boundary` condition")
        parts = [n * self.differentiate(field, [c], tok)
                 for c, n in zip(self.table.coordinate_names(), self.context.normal) if n != 0]
        return sp.Add(*parts)

    def split_coordinates(self, suffix: str) -> list[str] | None:
        """Split `xxy` into coordinate names; None unless exactly one split exists."""
        names = self.table.coordinate_names()

        def splits(rest: str) -> list[list[str]]:
            if not rest:
                return [[]]
            out = []
            for n in names:
                if rest.startswith(n):
                    out += [[n] + tail for tail in splits(rest[len(n):])]
            return out

        found = splits(suffix) if suffix else []
        return found[0] if len(found) == 1 else None

    def differentiate(self, expr: sp.Expr, coords: list[str], where: lark.Tree | lark.Token) -> sp.Expr:
        """d/d coords of an expression of fields; refused for a field that lacks a coordinate."""
        if not expr.atoms(AppliedUndef):
            raise PdecError("a derivative of something that is not a field", span_of(where),
                            hint="derivatives apply to fields (declared with `unknown`)")
        for c in coords:
            applied = expr.atoms(AppliedUndef)
            for f in applied:
                declared = self.table.fields[f.func.__name__].coordinates
                if c not in declared and len(applied) == 1:
                    raise PdecError(f"field '{f.func.__name__}' does not depend on {c}", span_of(where),
                                    hint=f"it was declared as {f.func.__name__}({', '.join(declared)})")
            expr = sp.diff(expr, sp.Symbol(c, real=True))
        return expr

    # -- calls ---------------------------------------------------------------------------
    def call(self, tree: lark.Tree) -> sp.Expr:
        """f(...): a known function, diff, lap, or a field with its own coordinates, u(x, t)."""
        name_tok, *args = tree.children
        name = str(name_tok)
        if name in FUNCTIONS:
            arity = ARITY.get(name, 1)
            if len(args) != arity:
                raise PdecError(f"{name} takes {'one argument' if arity == 1 else f'{arity} arguments'}, "
                                f"not {len(args)}", span_of(name_tok))
            return FUNCTIONS[name](*(self.visit(a) for a in args))
        if name in OPERATORS and self.context.numeric_only:
            raise PdecError(f"{self.context.numeric_only} cannot hold derivatives", span_of(name_tok))
        if name == "diff":
            return self.diff(name_tok, args)
        if name == "lap":
            return self.lap(name_tok, args)
        if name in self.table.fields:
            return self.field_call(name_tok, args)
        known = list(FUNCTIONS) + list(OPERATORS) + list(self.table.fields)
        close = difflib.get_close_matches(name, known, n=1)
        raise PdecError(f"unknown function '{name}'", span_of(name_tok),
                        hint=f"did you mean {close[0]}?" if close else "functions: " + ", ".join(known))

    def diff(self, name_tok: lark.Token, args: list[lark.Tree]) -> sp.Expr:
        """diff(u, x, y), diff(u, x, 2): coordinates, each optionally followed by an order."""
        if len(args) < 2:
            raise PdecError("diff needs a field and at least one coordinate: diff(u, x)", span_of(name_tok))
        target = self.visit(args[0])
        coords: list[str] = []
        for arg in args[1:]:
            if isinstance(arg, lark.Tree) and arg.data == "number":
                count = sp.Rational(str(arg.children[0]))
                if not coords or not count.is_integer or count < 1:
                    raise PdecError("a derivative order is a whole number >= 1 after a coordinate",
                                    span_of(arg), hint="e.g. diff(u, x, 2)")
                coords += [coords[-1]] * (int(count) - 1)
            elif isinstance(arg, lark.Tree) and arg.data == "name" and \
                    str(arg.children[0]) in self.table.coordinate_names():
                coords.append(str(arg.children[0]))
            else:
                raise PdecError("a derivative by something that is not a coordinate", span_of(arg),
                                hint=self.table.coordinates_hint())
        return self.differentiate(target, coords, args[0])

    def lap(self, name_tok: lark.Token, args: list[lark.Tree]) -> sp.Expr:
        """lap(u): the sum of second derivatives along every space coordinate (not t)."""
        if len(args) != 1:
            raise PdecError(f"lap takes one argument, not {len(args)}", span_of(name_tok))
        target = self.visit(args[0])
        space = [c for c in self.table.coordinate_names() if c != "t"]
        if not space:
            raise PdecError("lap needs a space coordinate (t is time)", span_of(name_tok))
        return sum((self.differentiate(target, [c, c], args[0]) for c in space), sp.Integer(0))

    def field_call(self, name_tok: lark.Token, args: list[lark.Tree]) -> sp.Expr:
        """u(x, t) written out: the same as u, if the coordinates are exactly the declared ones."""
        f = self.table.fields[str(name_tok)]
        given = [str(a.children[0]) if isinstance(a, lark.Tree) and a.data == "name" else None for a in args]
        if given != list(f.coordinates):
            raise PdecError(f"field '{f.name}' is used with other coordinates than declared",
                            span_of(args[0] if args else name_tok),
                            hint=f"it was declared as {f.name}({', '.join(f.coordinates)}); "
                                 "for a value at a point use a `point` condition")
        return self.word(name_tok)
