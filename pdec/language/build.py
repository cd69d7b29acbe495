"""Parse tree -> checked Problem: classify every symbol, build SymPy expressions, catch mistakes.

Declarations (domain, unknown, const, param, truth, fit) are read first, in file order; then
equations, conditions, data and exact solutions. Any name that is neither a coordinate, a field,
a constant, a known function nor `pi` is an unknown parameter. Every mistake raises PdecError
at the token where it was made.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass, field
from pathlib import Path

import lark
import numpy as np
import sympy as sp

from pdec.language import options as solver_options
from pdec.errors import PdecError, Span
from pdec.language.parse import parse
from pdec.language.problem import (
    AtPoint, Constant, Coordinate, Face, Field, Fit, Interior, Location, Observation, Parameter,
    Periodic, Problem, Residual,
)
from pdec.language.symbols import FUNCTIONS, RESERVED, derivative_table

DEFAULT_GUESS = 1.0
OBSERVATION_SEED = 1234  # synthetic observations are reproducible: same file, same points


def build(text: str, filename: str = "<text>", base_dir: Path | None = None) -> Problem:
    """Check `.pde` text and return its Problem; raise PdecError (with file, line, column)."""
    try:
        tree = parse(text)
        return _Builder(base_dir or Path.cwd()).run(tree, text, filename)
    except PdecError as err:
        raise err.located(text if text.endswith("\n") else text + "\n", filename) from None


MAX_EXPONENT = 1000


def _number(token: lark.Token) -> sp.Rational:
    """A literal as an exact rational (0.338 stays 338/1000), refused outside float64's range."""
    text = str(token)
    mantissa, _, exp = text.lower().partition("e")
    if exp and abs(int(exp)) > 400:
        raise PdecError(f"the number {text} is out of float64's range", _span(token))
    return sp.Rational(text)


def _span(node: lark.Tree | lark.Token) -> Span:
    if isinstance(node, lark.Token):
        return Span(node.line or 1, node.column or 1)
    if not node.meta.empty:
        return Span(node.meta.line, node.meta.column)
    for child in node.children:
        if isinstance(child, (lark.Tree, lark.Token)):
            return _span(child)
    return Span(1, 1)


@dataclass
class _Declared:
    kind: str  # coordinate | field | constant | parameter
    span: Span


@dataclass
class _Builder:
    """Accumulates one problem while walking the tree; used once, inside `build` only."""

    base_dir: Path
    names: dict[str, _Declared] = field(default_factory=dict)
    coordinates: list[Coordinate] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)
    constants: dict[str, Constant] = field(default_factory=dict)
    guesses: dict[str, tuple[float, Span]] = field(default_factory=dict)
    truths: dict[str, tuple[float, Span]] = field(default_factory=dict)
    discovered: dict[str, Span] = field(default_factory=dict)  # parameter -> first use
    options: dict[str, object] = field(default_factory=dict)
    text: str = ""

    # -- declarations ------------------------------------------------------------------
    def declare(self, token: lark.Token, kind: str) -> str:
        name = str(token)
        if name in RESERVED:
            raise PdecError(f"'{name}' is a reserved name and cannot be declared as a {kind}",
                            _span(token), hint="choose another name")
        if name in self.names:
            before = self.names[name]
            raise PdecError(f"'{name}' is declared twice", _span(token),
                            hint=f"it was declared as a {before.kind} on line {before.span.line}")
        self.names[name] = _Declared(kind, _span(token))
        return name

    def number(self, node, what: str) -> tuple[sp.Expr, float]:
        """A numeric expression: numbers, pi, constants, functions of them."""
        expr = self.expr(node, numeric_only=what)
        value = complex(sp.N(expr.subs(self.constant_values()), 17))
        if value.imag != 0 or not np.isfinite(value.real):
            raise PdecError(f"{what} is not a finite real number ({expr})", _span(node))
        return expr, value.real

    def constant_values(self) -> dict[sp.Symbol, sp.Expr]:
        return {sp.Symbol(c.name, real=True): c.expr for c in self.constants.values()}

    def domain(self, node: lark.Tree) -> None:
        if self.coordinates:
            raise PdecError("a second `domain` statement", _span(node),
                            hint="give every coordinate in one statement: domain x in [a, b], y in [c, d]")
        if len(node.children) > 3:
            raise PdecError("at most three coordinates are supported", _span(node.children[3]))
        for coord in node.children:
            name_tok, lo_node, hi_node = coord.children
            name = self.declare(name_tok, "coordinate")
            lo_expr, lo = self.number(lo_node, "the interval's lower end")
            hi_expr, hi = self.number(hi_node, "the interval's upper end")
            if not lo < hi:
                raise PdecError(f"the interval of {name} is empty: [{lo:g}, {hi:g}]", _span(lo_node),
                                hint="write the smaller end first, e.g. x in [-1, 1]")
            self.coordinates.append(Coordinate(name, lo, hi, lo_expr, hi_expr))

    def require_domain(self, node) -> None:
        if not self.coordinates:
            raise PdecError("this statement needs the `domain` first", _span(node),
                            hint="start the file with e.g. `domain x in [-1, 1]`")

    def field_decl(self, node: lark.Tree) -> Field:
        self.require_domain(node)
        name_tok, *coord_toks = node.children
        coords = []
        for tok in coord_toks:
            if str(tok) not in self.coordinate_names():
                raise PdecError(f"'{tok}' is not a coordinate of the domain", _span(tok),
                                hint="coordinates: " + ", ".join(self.coordinate_names()))
            if str(tok) in coords:
                raise PdecError(f"coordinate '{tok}' is listed twice", _span(tok))
            coords.append(str(tok))
        name = self.declare(name_tok, "field")
        ordered = tuple(c for c in self.coordinate_names() if c in coords)
        self.fields[name] = Field(name, ordered)
        return self.fields[name]

    def coordinate_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.coordinates)

    # -- expressions ---------------------------------------------------------------------
    def expr(self, node, *, numeric_only: str | None = None, allow_fields: bool = True,
             allow_parameters: bool = True) -> sp.Expr:
        """Tree -> SymPy. `numeric_only` names the thing being read when only numbers may appear."""
        rec = lambda n: self.expr(n, numeric_only=numeric_only, allow_fields=allow_fields,
                                  allow_parameters=allow_parameters)
        if isinstance(node, lark.Token):
            return _number(node)
        kind = node.data
        if kind == "number":
            return _number(node.children[0])
        if kind == "add":
            return rec(node.children[0]) + rec(node.children[1])
        if kind == "sub":
            return rec(node.children[0]) - rec(node.children[1])
        if kind == "mul":
            return rec(node.children[0]) * rec(node.children[1])
        if kind == "div":
            return rec(node.children[0]) / rec(node.children[1])
        if kind == "neg":
            return -rec(node.children[0])
        if kind == "pow":
            base, exponent = rec(node.children[0]), rec(node.children[1])
            if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
                raise PdecError(f"the exponent {exponent} is too large", _span(node.children[1]),
                                hint=f"exponents up to {MAX_EXPONENT} are accepted")
            return base ** exponent
        if kind == "name":
            return self.name(node.children[0], numeric_only, allow_fields, allow_parameters)
        if kind == "call":
            return self.call(node, rec, numeric_only, allow_fields)
        raise AssertionError(f"unknown tree node {kind}")

    def name(self, tok: lark.Token, numeric_only, allow_fields, allow_parameters) -> sp.Expr:
        name = str(tok)
        if name == "pi":
            return sp.pi
        if name in FUNCTIONS or name in ("diff", "lap"):
            raise PdecError(f"'{name}' is a function: write {name}(...)", _span(tok))
        declared = self.names.get(name)
        if declared is not None and declared.kind == "constant":
            return sp.Symbol(name, real=True)
        if numeric_only:
            what = declared.kind if declared else "unknown name"
            raise PdecError(f"{numeric_only} may use only numbers, pi and earlier constants; "
                            f"'{name}' is a {what}" if declared else
                            f"{numeric_only} may use only numbers, pi and earlier constants; "
                            f"'{name}' is not a constant declared before", _span(tok),
                            hint=self.suggest(name, ("constant",)))
        if declared is not None and declared.kind == "coordinate":
            return sp.Symbol(name, real=True)
        if declared is not None and declared.kind == "field":
            if not allow_fields:
                raise PdecError(f"field '{name}' cannot appear here", _span(tok),
                                hint="only coordinates, constants and parameters may")
            return self.fields[name].applied()
        if declared is not None and declared.kind == "parameter":
            return self.parameter(tok, allow_parameters)
        if "_" in name:
            derivative = self.subscript(tok, allow_fields)
            if derivative is not None:
                return derivative
        return self.parameter(tok, allow_parameters)

    def parameter(self, tok: lark.Token, allow: bool) -> sp.Symbol:
        name = str(tok)
        if not allow:
            raise PdecError(f"'{name}' is not known here", _span(tok),
                            hint=self.suggest(name, ("coordinate", "constant")) or
                            "only coordinates and constants may appear here")
        self.discovered.setdefault(name, _span(tok))
        return sp.Symbol(name, real=True)

    def subscript(self, tok: lark.Token, allow_fields: bool) -> sp.Expr | None:
        """`u_xy` -> d2u/dxdy when u is a field; None when the name is just a name."""
        name = str(tok)
        prefix, suffix = name.split("_", 1)
        coords = self.split_coordinates(suffix)
        if prefix in self.fields:
            if coords is None:
                raise PdecError(f"'{suffix}' in '{name}' does not spell coordinates to differentiate by",
                                Span(tok.line, tok.column + len(prefix) + 1),
                                hint="coordinates: " + ", ".join(self.coordinate_names()))
            if not allow_fields:
                raise PdecError(f"field '{prefix}' cannot appear here", _span(tok))
            return self.differentiate(self.fields[prefix].applied(), coords, tok)
        if coords is not None and (prefix in self.names or prefix not in self.discovered):
            kind = self.names[prefix].kind if prefix in self.names else "not declared"
            raise PdecError(f"'{name}' reads as a derivative of '{prefix}', which is not a field "
                            f"({kind})", _span(tok),
                            hint=(f"fields: {', '.join(self.fields)}" if self.fields else "no field is declared")
                            + f"; to use '{name}' as a parameter, declare `param {name}`")
        return None

    def split_coordinates(self, suffix: str) -> list[str] | None:
        """Split `xxy` into coordinate names; None unless exactly one split exists."""
        names = self.coordinate_names()

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

    def differentiate(self, expr: sp.Expr, coords: list[str], where) -> sp.Expr:
        if not expr.atoms(sp.core.function.AppliedUndef):
            raise PdecError("a derivative of something that is not a field", _span(where),
                            hint="derivatives apply to fields (declared with `unknown`)")
        for c in coords:
            for f in expr.atoms(sp.core.function.AppliedUndef):
                if c not in self.fields[f.func.__name__].coordinates and len(expr.atoms(sp.core.function.AppliedUndef)) == 1:
                    raise PdecError(f"field '{f.func.__name__}' does not depend on {c}", _span(where),
                                    hint=f"it was declared as {f.func.__name__}({', '.join(self.fields[f.func.__name__].coordinates)})")
            expr = sp.diff(expr, sp.Symbol(c, real=True))
        return expr

    def call(self, node: lark.Tree, rec, numeric_only, allow_fields) -> sp.Expr:
        name_tok, *args = node.children
        name = str(name_tok)
        if name in FUNCTIONS:
            if len(args) != 1:
                raise PdecError(f"{name} takes one argument, not {len(args)}", _span(name_tok))
            return FUNCTIONS[name](rec(args[0]))
        if name in ("diff", "lap") and numeric_only:
            raise PdecError(f"{numeric_only} cannot hold derivatives", _span(name_tok))
        if name == "diff":
            return self.diff_call(name_tok, args, rec)
        if name == "lap":
            if len(args) != 1:
                raise PdecError(f"lap takes one argument, not {len(args)}", _span(name_tok))
            target = rec(args[0])
            space = [c for c in self.coordinate_names() if c != "t"]
            if not space:
                raise PdecError("lap needs a space coordinate (t is time)", _span(name_tok))
            return sum((self.differentiate(target, [c, c], args[0]) for c in space), sp.Integer(0))
        if name in self.fields:
            f = self.fields[name]
            given = [str(a.children[0]) if isinstance(a, lark.Tree) and a.data == "name" else None for a in args]
            if given != list(f.coordinates):
                raise PdecError(f"field '{name}' is used with other coordinates than declared",
                                _span(args[0] if args else name_tok),
                                hint=f"it was declared as {name}({', '.join(f.coordinates)}); "
                                     "for a value at a point use a `point` condition")
            return rec(lark.Tree("name", [name_tok]))
        known = list(FUNCTIONS) + ["diff", "lap"] + list(self.fields)
        close = difflib.get_close_matches(name, known, n=1)
        raise PdecError(f"unknown function '{name}'", _span(name_tok),
                        hint=f"did you mean {close[0]}?" if close else "functions: " + ", ".join(known))

    def diff_call(self, name_tok, args, rec) -> sp.Expr:
        if len(args) < 2:
            raise PdecError("diff needs a field and at least one coordinate: diff(u, x)", _span(name_tok))
        target = rec(args[0])
        coords: list[str] = []
        for arg in args[1:]:
            if isinstance(arg, lark.Tree) and arg.data == "number":
                count = sp.Rational(str(arg.children[0]))
                if not coords or not count.is_integer or count < 1:
                    raise PdecError("a derivative order is a whole number >= 1 after a coordinate",
                                    _span(arg), hint="e.g. diff(u, x, 2)")
                coords += [coords[-1]] * (int(count) - 1)
            elif isinstance(arg, lark.Tree) and arg.data == "name" and str(arg.children[0]) in self.coordinate_names():
                coords.append(str(arg.children[0]))
            else:
                raise PdecError("a derivative by something that is not a coordinate", _span(arg),
                                hint="coordinates: " + ", ".join(self.coordinate_names()))
        return self.differentiate(target, coords, args[0])

    def suggest(self, name: str, kinds: tuple[str, ...]) -> str | None:
        pool = [n for n, d in self.names.items() if d.kind in kinds]
        close = difflib.get_close_matches(name, pool, n=1)
        return f"did you mean {close[0]}?" if close else None

    # -- statements ----------------------------------------------------------------------
    def run(self, tree: lark.Tree, text: str, filename: str) -> Problem:
        self.text = text
        statements = list(tree.children)
        later = []
        fit_decls: list[tuple[lark.Tree, Field]] = []
        for st in statements:
            kind = st.data
            if kind == "domain":
                self.domain(st)
            elif kind == "unknown":
                for f in st.children:
                    self.field_decl(f)
            elif kind == "const":
                self.const(st)
            elif kind == "param":
                self.param(st)
            elif kind == "truth":
                name_tok, value = st.children
                if str(name_tok) in self.truths:
                    raise PdecError(f"a second truth for '{name_tok}'", _span(name_tok))
                self.truths[str(name_tok)] = (self.number(value, "a true value")[1], _span(name_tok))
            elif kind == "fit_expr":
                fit_decls.append((st, self.field_decl(st.children[0])))
            elif kind == "solver":
                for option in st.children:
                    self.option(option)
            elif kind == "fit_file":
                self.require_domain(st)
                name = self.declare(st.children[0], "field")
                self.fields[name] = Field(name, self.coordinate_names())
                fit_decls.append((st, self.fields[name]))
            else:
                later.append(st)
        if not self.coordinates:
            raise PdecError("the file has no `domain` statement", Span(1, 1),
                            hint="start with e.g. `domain x in [-1, 1]`")

        equations, conditions, periodic, observations, exact = [], [], [], [], {}
        for st in later:
            kind = st.data
            if kind == "equation":
                equations.append(self.residual("equation", Interior(), st.children[0], st.children[1], st))
            elif kind in ("boundary", "initial", "point"):
                conditions += self.condition(st)
            elif kind == "periodic":
                periodic.append(st)
            elif kind in ("observe_file", "observe_points"):
                observations.append(st)
            elif kind == "exact":
                name_tok, value = st.children
                if str(name_tok) not in self.fields:
                    raise PdecError(f"'{name_tok}' is not a field", _span(name_tok),
                                    hint="exact solutions are given for fields declared with `unknown`")
                if str(name_tok) in exact:
                    raise PdecError(f"a second exact solution for '{name_tok}'", _span(name_tok))
                exact[str(name_tok)] = (self.expr(value, allow_fields=False), st)

        fits = tuple(self.fit(st, f) for st, f in fit_decls)
        if fits and (equations or conditions or periodic or observations):
            st = (equations and equations[0]) or None
            raise PdecError("a file is either a regression (`fit`) or an equation problem, not both",
                            Span(st.line, 1) if st else _span(later[0]))
        if not fits:
            if not self.fields:
                raise PdecError("the file declares no unknown field", Span(1, 1),
                                hint="add e.g. `unknown u(x)`, or use `fit u(x) = ...` for regression")
            if not equations:
                raise PdecError("the file has no `equation`", Span(1, 1),
                                hint="add e.g. `equation u_xx = f(x)`")

        parameters = self.parameters()
        exact_exprs = {name: self.exact(expr, st, parameters) for name, (expr, st) in exact.items()}
        periodic_t = tuple(self.periodic(st, equations) for st in periodic)
        obs = tuple(self.observation(st, exact_exprs) for st in observations)
        if parameters and not obs:
            first = min(parameters, key=lambda p: (self.discovered.get(p.name, Span(10**9, 0)).line))
            where = self.discovered.get(first.name) or self.guesses[first.name][1]
            raise PdecError(f"unknown parameter '{first.name}' has no observations to pin it", where,
                            hint=f"add `observe u from \"data.csv\"` or `observe u at 200 points`, or "
                                 f"declare it `const {first.name} = ...` if it is known")
        return Problem(
            coordinates=tuple(self.coordinates), fields=tuple(self.fields.values()),
            constants=tuple(self.constants.values()), parameters=parameters,
            equations=tuple(equations), conditions=tuple(conditions), periodic=periodic_t,
            observations=obs, fits=fits, exact=exact_exprs, options=dict(self.options), source=text,
            filename=filename,
        )

    def option(self, node: lark.Tree) -> None:
        """One `name = value` of a `solver` line, checked by `pdec.options`."""
        name_node, value_node = node.children
        name = "points" if name_node.data == "points_option" else str(name_node.children[0])
        where = _span(name_node)
        if name in self.options:
            raise PdecError(f"solver option '{name}' is given twice", where)
        if isinstance(value_node, lark.Tree) and value_node.data == "name" and \
                str(value_node.children[0]) in ("on", "off", "auto"):
            value: object = str(value_node.children[0])
        else:
            value = self.number(value_node, f"solver option '{name}'")[1]
        self.options[name] = solver_options.check(
            name, value, lambda message, hint=None: PdecError(message, where, hint=hint))

    def const(self, st: lark.Tree) -> None:
        name_tok, value = st.children
        name = str(name_tok)
        for tok in value.scan_values(lambda v: isinstance(v, lark.Token) and v.type == "NAME"):
            if str(tok) == name:
                raise PdecError(f"constant '{name}' refers to itself", _span(tok),
                                hint="a constant is defined from numbers and earlier constants")
            if str(tok) in self.fields:
                raise PdecError(f"constant '{name}' refers to the field '{tok}'", _span(tok),
                                hint="a constant is defined from numbers and earlier constants")
        expr, _ = self.number(value, f"constant '{name}'")
        self.declare(name_tok, "constant")
        self.constants[name] = Constant(name, sp.nsimplify(expr.subs(self.constant_values())))

    def param(self, st: lark.Tree) -> None:
        name_tok, *guess = st.children
        name = self.declare(name_tok, "parameter")
        value = self.number(guess[0], "a starting guess")[1] if guess else DEFAULT_GUESS
        self.guesses[name] = (value, _span(name_tok))

    def parameters(self) -> tuple[Parameter, ...]:
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

    def residual(self, kind: str, location: Location, lhs_node, rhs_node, st) -> Residual:
        lhs, rhs = self.expr(lhs_node), self.expr(rhs_node)
        expr = lhs - rhs
        line = _span(st).line
        return Residual(kind, expr, location, derivative_table(expr, self.coordinate_names()),
                        self.text.splitlines()[line - 1].split("#")[0].strip(), line, lhs, rhs)

    def face_value(self, name_tok, value_node, *, on_face: bool) -> tuple[str, float]:
        name = str(name_tok)
        if name not in self.coordinate_names():
            raise PdecError(f"'{name}' is not a coordinate of the domain", _span(name_tok),
                            hint="coordinates: " + ", ".join(self.coordinate_names()))
        _, value = self.number(value_node, "a location")
        coord = self.coordinates[self.coordinate_names().index(name)]
        tol = 1e-12 * max(1.0, abs(coord.lower), abs(coord.upper))
        if on_face:
            for end in (coord.lower, coord.upper):
                if abs(value - end) <= tol:
                    return name, end
            inside = coord.lower < value < coord.upper
            raise PdecError(f"{name} = {value:g} is not a face of the box: {name} is in "
                            f"[{coord.lower:g}, {coord.upper:g}]", _span(value_node),
                            hint="a condition inside the domain is a `point` condition" if inside
                            else f"use {name} = {coord.lower:g} or {name} = {coord.upper:g}")
        if not coord.lower - tol <= value <= coord.upper + tol:
            raise PdecError(f"{name} = {value:g} is outside the box: {name} is in "
                            f"[{coord.lower:g}, {coord.upper:g}]", _span(value_node))
        return name, min(max(value, coord.lower), coord.upper)

    def condition(self, st: lark.Tree) -> list[Residual]:
        kind = st.data
        *where, lhs, rhs = st.children
        if kind == "boundary":
            if isinstance(where[0], lark.Token) and where[0].type == "ALL":
                faces = [Face(c.name, v) for c in self.coordinates if not c.is_time for v in (c.lower, c.upper)]
                if not faces:
                    raise PdecError("`boundary all` needs a space coordinate", _span(where[0]))
            else:
                faces = [Face(*self.face_value(*where[0].children, on_face=True))]
            return [self.residual(kind, f, lhs, rhs, st) for f in faces]
        if kind == "initial":
            name_tok, value = where
            if "t" not in self.coordinate_names():
                raise PdecError("`initial` needs a time coordinate named t in the domain", _span(name_tok),
                                hint="declare e.g. `domain x in [0, 1], t in [0, 1]`, or use `boundary`")
            if str(name_tok) != "t":
                raise PdecError(f"`initial` refers to time t, not '{name_tok}'", _span(name_tok),
                                hint=f"use `boundary {name_tok} = ...` for a space face")
            return [self.residual(kind, Face(*self.face_value(name_tok, value, on_face=True)), lhs, rhs, st)]
        values = [self.face_value(*f.children, on_face=False) for f in where]
        given = [n for n, _ in values]
        if len(set(given)) != len(given):
            raise PdecError("a coordinate is given twice", _span(st))
        missing = [c for c in self.coordinate_names() if c not in given]
        if missing:
            raise PdecError(f"a point needs every coordinate; missing {', '.join(missing)}", _span(st),
                            hint="a condition on a whole face is a `boundary` condition")
        ordered = tuple(sorted(values, key=lambda v: self.coordinate_names().index(v[0])))
        return [self.residual(kind, AtPoint(ordered), lhs, rhs, st)]

    def periodic(self, st: lark.Tree, equations: list[Residual]) -> Periodic:
        tok = st.children[0]
        if str(tok) not in self.coordinate_names():
            raise PdecError(f"'{tok}' is not a coordinate of the domain", _span(tok),
                            hint="coordinates: " + ", ".join(self.coordinate_names()))
        axis = self.coordinate_names().index(str(tok))
        order = max((a[axis] for eq in equations for _, a in eq.derivatives), default=1)
        return Periodic(str(tok), max(order - 1, 0), _span(st).line)

    def exact(self, expr: sp.Expr, st: lark.Tree, parameters: tuple[Parameter, ...]) -> sp.Expr:
        known = {sp.Symbol(p.name, real=True): p.truth for p in parameters if p.truth is not None}
        unknown = [s for s in expr.free_symbols if s.name in self.discovered and s not in known]
        if unknown:
            raise PdecError(f"the exact solution uses the unknown parameter '{unknown[0]}'", _span(st),
                            hint=f"state its true value with `truth {unknown[0]} = ...`")
        return expr.subs(known)

    def fit(self, st: lark.Tree, f: Field) -> Fit:
        line = _span(st).line
        if st.data == "fit_expr":
            expr = self.expr(st.children[1], allow_fields=False, allow_parameters=False)
            missing = [s.name for s in expr.free_symbols
                       if s.name in self.coordinate_names() and s.name not in f.coordinates]
            if missing:
                raise PdecError(f"the target uses {missing[0]}, but {f.name} is declared over "
                                f"{', '.join(f.coordinates)}", _span(st.children[1]))
            return Fit(f.name, expr=expr, source="expression", line=line)
        points, values = self.read_csv(st.children[1], (f.name,))
        return Fit(f.name, points=points, values=values[:, 0], source=str(st.children[1])[1:-1], line=line)

    def observation(self, st: lark.Tree, exact: dict[str, sp.Expr]) -> Observation:
        toks = [c for c in st.children if isinstance(c, lark.Token) and c.type == "NAME"]
        names = []
        for tok in toks:
            if str(tok) not in self.fields:
                raise PdecError(f"'{tok}' is not a field", _span(tok),
                                hint="fields: " + ", ".join(self.fields) if self.fields else None)
            names.append(str(tok))
        line = _span(st).line
        if st.data == "observe_file":
            path_tok = st.children[-1]
            points, values = self.read_csv(path_tok, tuple(names))
            return Observation(tuple(names), points, values, str(path_tok)[1:-1], 0.0, line)
        count_tok = next(c for c in st.children if isinstance(c, lark.Token) and c.type == "INT")
        count = int(count_tok)
        if count < 1:
            raise PdecError("the number of points must be at least 1", _span(count_tok))
        noise = 0.0
        if isinstance(st.children[-1], lark.Tree):
            noise = self.number(st.children[-1], "the noise level")[1]
            if noise < 0:
                raise PdecError("the noise level must be >= 0", _span(st.children[-1]))
        for n, tok in zip(names, toks):
            if n not in exact:
                raise PdecError(f"`observe {n} at {count} points` samples the exact solution, but "
                                f"the file has no `exact {n} = ...`", _span(tok),
                                hint=f"add `exact {n} = ...`, or observe {n} from a CSV file")
        rng = np.random.default_rng(OBSERVATION_SEED + line)
        lo, hi = np.array([c.lower for c in self.coordinates]), np.array([c.upper for c in self.coordinates])
        points = lo + (hi - lo) * rng.random((count, len(lo)))
        values = np.stack([self.evaluate(exact[n], points) for n in names], axis=1)
        if noise:
            values = values + noise * rng.standard_normal(values.shape)
        return Observation(tuple(names), points, values, "the exact solution", noise, line)

    def evaluate(self, expr: sp.Expr, points: np.ndarray) -> np.ndarray:
        """A closed form in coordinates and constants, at points (N, d), with NumPy."""
        symbols = [sp.Symbol(c, real=True) for c in self.coordinate_names()]
        fn = sp.lambdify(symbols, expr.subs(self.constant_values()), modules="numpy")
        return np.broadcast_to(np.asarray(fn(*points.T), dtype=np.float64), (len(points),)).copy()

    def read_csv(self, path_tok: lark.Token, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """A CSV with a header naming the coordinates and the fields -> (points, values)."""
        rel = str(path_tok)[1:-1]
        path = self.base_dir / rel
        if not path.is_file():
            raise PdecError(f"data file '{rel}' not found", _span(path_tok),
                            hint=f"the path is relative to the .pde file's folder ({self.base_dir})")
        try:
            with path.open(newline="") as fh:
                rows = [r for r in csv.reader(fh) if r and not r[0].lstrip().startswith("#")]
        except (OSError, UnicodeDecodeError) as exc:
            raise PdecError(f"cannot read '{rel}': {exc}", _span(path_tok)) from None
        if not rows:
            raise PdecError(f"'{rel}' is empty", _span(path_tok), hint="the first row names the columns")
        header = [h.strip() for h in rows[0]]
        need = list(self.coordinate_names()) + list(names)
        missing = [n for n in need if n not in header]
        if missing:
            raise PdecError(f"'{rel}' has no column '{missing[0]}' (its columns: {', '.join(header)})",
                            _span(path_tok), hint="the header must name " + ", ".join(need))
        if len(rows) < 2:
            raise PdecError(f"'{rel}' has a header but no data rows", _span(path_tok))
        idx = [header.index(n) for n in need]
        data = np.empty((len(rows) - 1, len(need)))
        for i, row in enumerate(rows[1:], start=2):
            try:
                data[i - 2] = [float(row[j]) for j in idx]
            except (ValueError, IndexError):
                raise PdecError(f"'{rel}' row {i} is not a row of numbers for {', '.join(need)}",
                                _span(path_tok)) from None
        if not np.all(np.isfinite(data)):
            raise PdecError(f"'{rel}' holds a NaN or infinite value", _span(path_tok))
        d = len(self.coordinates)
        lo, hi = np.array([c.lower for c in self.coordinates]), np.array([c.upper for c in self.coordinates])
        outside = np.any((data[:, :d] < lo - 1e-12) | (data[:, :d] > hi + 1e-12), axis=1)
        if np.any(outside):
            raise PdecError(f"'{rel}' row {int(np.argmax(outside)) + 2} lies outside the domain",
                            _span(path_tok))
        return data[:, :d].copy(), data[:, d:].copy()
