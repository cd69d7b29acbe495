"""Parse tree -> checked Problem: every statement checked where it stands, in two passes.

Declarations (domain, unknown, const, param, truth, fit, solver) are read first, in file order,
so that an equation may use a name declared further down; then equations, conditions, data and
exact solutions. Any name that is neither a coordinate, a field, a constant, a known
function nor `pi` is an unknown parameter. Every mistake raises PdecError at the token where
it was made. Both passes dispatch on the rule name, one method per statement rule.
"""

from __future__ import annotations

from pathlib import Path

import lark
import sympy as sp

from pdec.errors import PdecError, Span
from pdec.language import options as solver_options
from pdec.language.data import read_csv, sample, unquote
from pdec.language.declarations import DEFAULT_GUESS, Declarations
from pdec.language.expressions import Context, numeric, translate
from pdec.language.finite import check_statement
from pdec.language.options import SolverOptions
from pdec.language.parse import span_of
from pdec.language.problem import (
    AtPoint, Constant, Coordinate, Face, Field, Fit, Interior, Location, Observation, Parameter,
    Periodic, Problem, Residual,
)
from pdec.language.shapes import region_geometry
from pdec.language.symbols import derivative_table
from pdec.language import boundaries

MAX_COORDINATES = 6  # a box of more would need more sample points than this machine's memory holds
MIN_FIT_ROWS = 10  # a fit from data trains on 90% of its rows and measures on the rest
CONSTANT_HINT = "a constant is defined from numbers and earlier constants"


class Declarer:
    """First pass: the statements that declare names, checked in file order."""

    DECLARING = ("domain", "unknown", "const", "param", "truth", "fit_expr", "fit_file", "solver")

    def __init__(self, table: Declarations) -> None:
        self.table = table
        self.options: dict[str, object] = {}
        self.fits: list[tuple[lark.Tree, Field]] = []  # checked at the end, once all is declared

    def walk(self, statements: list[lark.Tree]) -> list[lark.Tree]:
        """Check the declaring statements; return the others, in file order."""
        rest = []
        for st in statements:
            if st.data in self.DECLARING:
                getattr(self, st.data)(st)
            else:
                rest.append(st)
        return rest

    def domain(self, st: lark.Tree) -> None:
        table = self.table
        if table.coordinates:
            raise PdecError("a second `domain` statement", span_of(st),
                            hint="give every coordinate in one statement: domain x in [a, b], y in [c, d]")
        count = 0
        for part in st.children:
            count += len(part.children) - 1 if part.data == "region" else 1
            if count > MAX_COORDINATES:
                raise PdecError(f"at most {MAX_COORDINATES} coordinates are supported", span_of(part),
                                hint="a problem in more coordinates would need more points than fit in memory")
            (self.region if part.data == "region" else self.interval)(part)

    def interval(self, coord: lark.Tree) -> None:
        """`x in [a, b]`."""
        table = self.table
        name_tok, lo_node, hi_node = coord.children
        name = table.declare(name_tok, "coordinate")
        lo_expr, lo = numeric(lo_node, table, "the interval's lower end")
        hi_expr, hi = numeric(hi_node, table, "the interval's upper end")
        if not lo < hi:
            raise PdecError(f"the interval of {name} is empty: [{lo:g}, {hi:g}]", span_of(lo_node),
                            hint="write the smaller end first, e.g. x in [-1, 1]")
        table.coordinates.append(Coordinate(name, lo, hi, lo_expr, hi_expr))

    def region(self, part: lark.Tree) -> None:
        """`x, y in SHAPE`: the shape's coordinates span its bounding box."""
        table = self.table
        if table.geometry is not None:
            raise PdecError("a second shape in the domain", span_of(part),
                            hint="combine shapes with |, & and - into one")
        *name_toks, _ = part.children
        for tok in name_toks:
            if str(tok) == "t":
                raise PdecError("time t cannot be a coordinate of a shape", span_of(tok),
                                hint="write time after the shape: domain x, y in disk((0, 0), 1), t in [0, 1]")
        first = len(table.coordinates)
        geometry, names = region_geometry(table, part, tuple(range(first, first + len(name_toks))))
        lo, hi = geometry.shape.bounds()
        for tok, a, b in zip(name_toks, lo, hi):
            name = table.declare(tok, "coordinate")
            table.coordinates.append(Coordinate(name, float(a), float(b), sp.Float(float(a)), sp.Float(float(b))))
        table.geometry = geometry
        table.shape_names.update({n: span_of(t) for n, t in names.items()})

    def require_domain(self, node: lark.Tree) -> None:
        if not self.table.coordinates:
            raise PdecError("this statement needs the `domain` first", span_of(node),
                            hint="start the file with e.g. `domain x in [-1, 1]`")

    def unknown(self, st: lark.Tree) -> None:
        for f in st.children:
            self.field(f)

    def field(self, node: lark.Tree) -> Field:
        """`u(x, t)`: a field over some coordinates, kept in the domain's order."""
        self.require_domain(node)
        name_tok, *coord_toks = node.children
        coords: list[str] = []
        for tok in coord_toks:
            self.table.coordinate(tok)
            if str(tok) in coords:
                raise PdecError(f"coordinate '{tok}' is listed twice", span_of(tok))
            coords.append(str(tok))
        name = self.table.declare(name_tok, "field")
        ordered = tuple(c for c in self.table.coordinate_names() if c in coords)
        self.table.fields[name] = Field(name, ordered)
        return self.table.fields[name]

    def const(self, st: lark.Tree) -> None:
        name_tok, value = st.children
        name = str(name_tok)
        for tok in value.scan_values(lambda v: isinstance(v, lark.Token) and v.type == "NAME"):
            if str(tok) == name:
                raise PdecError(f"constant '{name}' refers to itself", span_of(tok), hint=CONSTANT_HINT)
            if str(tok) in self.table.fields:
                raise PdecError(f"constant '{name}' refers to the field '{tok}'", span_of(tok),
                                hint=CONSTANT_HINT)
        expr, _ = numeric(value, self.table, f"constant '{name}'")
        self.table.declare(name_tok, "constant")
        self.table.constants[name] = Constant(name, sp.nsimplify(expr.subs(self.table.constant_values())))

    def param(self, st: lark.Tree) -> None:
        name_tok, *guess = st.children
        name = self.table.declare(name_tok, "parameter")
        value = numeric(guess[0], self.table, "a starting guess")[1] if guess else DEFAULT_GUESS
        self.table.guesses[name] = (value, span_of(name_tok))

    def truth(self, st: lark.Tree) -> None:
        name_tok, value = st.children
        if str(name_tok) in self.table.truths:
            raise PdecError(f"a second truth for '{name_tok}'", span_of(name_tok))
        self.table.truths[str(name_tok)] = (numeric(value, self.table, "a true value")[1], span_of(name_tok))

    def fit_expr(self, st: lark.Tree) -> None:
        self.fits.append((st, self.field(st.children[0])))

    def fit_file(self, st: lark.Tree) -> None:
        self.require_domain(st)
        name = self.table.declare(st.children[0], "field")
        self.table.fields[name] = Field(name, self.table.coordinate_names())
        self.fits.append((st, self.table.fields[name]))

    def solver(self, st: lark.Tree) -> None:
        for option in st.children:
            self.option(option)

    def option(self, node: lark.Tree) -> None:
        """One `name = value` of a `solver` line, checked by `pdec.language.options`."""
        name_node, value_node = node.children
        name = "points" if name_node.data == "points_option" else str(name_node.children[0])
        where = span_of(name_node)
        if name in self.options:
            raise PdecError(f"solver option '{name}' is given twice", where)
        spec = solver_options.SPECS.get(name)
        if isinstance(value_node, lark.Tree) and value_node.data == "name" and \
                (str(value_node.children[0]) in solver_options.WORDS or (spec and spec.kind == "choice")):
            value: object = str(value_node.children[0])
        else:
            value = numeric(value_node, self.table, f"solver option '{name}'")[1]
        self.options[name] = solver_options.check(
            name, value, lambda message, hint=None: PdecError(message, where, hint=hint))


class Checker:
    """Second pass: equations and conditions become residuals; the rest waits for the end."""

    def __init__(self, table: Declarations, text: str) -> None:
        self.table = table
        self.lines = text.splitlines()
        self.equations: list[Residual] = []
        self.conditions: list[Residual] = []
        self.periodic_lines: list[lark.Tree] = []  # need every equation's order
        self.observe_lines: list[lark.Tree] = []  # need the exact solutions
        self.exact_solutions: dict[str, tuple[sp.Expr, lark.Tree]] = {}  # need every parameter
        self.reference_lines: list[lark.Tree] = []  # read at the end, beside the exact solutions
        self.rest_line: lark.Tree | None = None  # `boundary rest`: needs every other boundary line

    def walk(self, statements: list[lark.Tree]) -> None:
        for st in statements:
            getattr(self, st.data)(st)

    def equation(self, st: lark.Tree) -> None:
        self.equations.append(self.residual("equation", Interior(), st.children[0], st.children[1], st))

    def boundary(self, st: lark.Tree) -> None:
        where, lhs, rhs = st.children
        if isinstance(where, lark.Token) and where.type == "ALL":
            locations = boundaries.every(self.table, where)
        elif isinstance(where, lark.Token):
            if str(where) == "rest":
                if self.rest_line is not None:
                    raise PdecError("a second `boundary rest`", span_of(where))
                self.rest_line = st
                return
            locations = boundaries.named(self.table, where)
        else:
            locations = self.face_locations(*where.children)
        self.conditions += [self.residual(st.data, f, lhs, rhs, st) for f in locations]

    def face_locations(self, name_tok: lark.Token, value_node: lark.Tree) -> list[Location]:
        """`boundary x = a`: a face of the box, or the straight pieces of a shape on that line."""
        geometry = self.table.geometry
        if geometry is not None and str(name_tok) in geometry.names:
            return boundaries.on_plane(self.table, name_tok, numeric(value_node, self.table, "a location")[1],
                                       value_node)
        return [Face(*self.face_value(name_tok, value_node, on_face=True))]

    def finish(self) -> None:
        """What needs every other line: `boundary rest`."""
        if self.rest_line is None:
            return
        st = self.rest_line
        covered = {r.location for r in self.conditions if r.kind == "boundary"}
        self.conditions += [self.residual(st.data, f, st.children[1], st.children[2], st)
                            for f in boundaries.rest(self.table, covered, st.children[0])]

    def initial(self, st: lark.Tree) -> None:
        name_tok, value, lhs, rhs = st.children
        if "t" not in self.table.coordinate_names():
            raise PdecError("`initial` needs a time coordinate named t in the domain", span_of(name_tok),
                            hint="declare e.g. `domain x in [0, 1], t in [0, 1]`, or use `boundary`")
        if str(name_tok) != "t":
            raise PdecError(f"`initial` refers to time t, not '{name_tok}'", span_of(name_tok),
                            hint=f"use `boundary {name_tok} = ...` for a space face")
        face = Face(*self.face_value(name_tok, value, on_face=True))
        self.conditions.append(self.residual(st.data, face, lhs, rhs, st))

    def point(self, st: lark.Tree) -> None:
        *where, lhs, rhs = st.children
        values = [self.face_value(*f.children, on_face=False) for f in where]
        given = [n for n, _ in values]
        if len(set(given)) != len(given):
            raise PdecError("a coordinate is given twice", span_of(st))
        names = self.table.coordinate_names()
        missing = [c for c in names if c not in given]
        if missing:
            raise PdecError(f"a point needs every coordinate; missing {', '.join(missing)}", span_of(st),
                            hint="a condition on a whole face is a `boundary` condition")
        ordered = tuple(sorted(values, key=lambda v: names.index(v[0])))
        geometry = self.table.geometry
        if geometry is not None and not geometry.contains([[v for _, v in ordered]], 1e-12)[0]:
            raise PdecError("the point lies outside the domain", span_of(st),
                            hint=f"the domain is {geometry.describe()}")
        self.conditions.append(self.residual(st.data, AtPoint(ordered), lhs, rhs, st))

    def periodic(self, st: lark.Tree) -> None:
        self.periodic_lines.append(st)

    def observe_file(self, st: lark.Tree) -> None:
        self.observe_lines.append(st)

    observe_points = observe_file

    def reference(self, st: lark.Tree) -> None:
        self.reference_lines.append(st)

    def exact(self, st: lark.Tree) -> None:
        name_tok, value = st.children
        if str(name_tok) not in self.table.fields:
            raise PdecError(f"'{name_tok}' is not a field", span_of(name_tok),
                            hint="exact solutions are given for fields declared with `unknown`")
        if str(name_tok) in self.exact_solutions:
            raise PdecError(f"a second exact solution for '{name_tok}'", span_of(name_tok))
        expr = translate(value, self.table, Context(fields=False))
        check_statement(self.table, expr, value, "the exact solution")
        self.exact_solutions[str(name_tok)] = (expr, st)

    def residual(self, kind: str, location: Location, lhs_node: lark.Tree, rhs_node: lark.Tree,
                 st: lark.Tree) -> Residual:
        """`lhs = rhs` at `location`, with the derivatives it needs and its source line."""
        normal = boundaries.normal(self.table, location) if kind == "boundary" else None
        context = Context(normal=normal, normal_where=kind)
        lhs, rhs = translate(lhs_node, self.table, context), translate(rhs_node, self.table, context)
        check_statement(self.table, lhs, lhs_node, "the left side", location)
        check_statement(self.table, rhs, rhs_node, "the right side", location)
        expr = lhs - rhs
        line = span_of(st).line
        return Residual(kind, expr, location, derivative_table(expr, self.table.coordinate_names()),
                        self.lines[line - 1].split("#")[0].strip(), line, lhs, rhs)

    def face_value(self, name_tok: lark.Token, value_node: lark.Tree, *, on_face: bool) -> tuple[str, float]:
        """`x = value`: on a face of the box (on_face), or anywhere in it; snapped to the box."""
        coord = self.table.coordinate(name_tok)
        name = coord.name
        _, value = numeric(value_node, self.table, "a location")
        tol = 1e-12 * max(1.0, abs(coord.lower), abs(coord.upper))
        if on_face:
            for end in (coord.lower, coord.upper):
                if abs(value - end) <= tol:
                    return name, end
            inside = coord.lower < value < coord.upper
            raise PdecError(f"{name} = {value:g} is not a face of the box: {name} is in "
                            f"[{coord.lower:g}, {coord.upper:g}]", span_of(value_node),
                            hint="a condition inside the domain is a `point` condition" if inside
                            else f"use {name} = {coord.lower:g} or {name} = {coord.upper:g}")
        if not coord.lower - tol <= value <= coord.upper + tol:
            raise PdecError(f"{name} = {value:g} is outside the box: {name} is in "
                            f"[{coord.lower:g}, {coord.upper:g}]", span_of(value_node))
        return name, min(max(value, coord.lower), coord.upper)


# -- the end: what needs the whole file ------------------------------------------------------
def fit_target(table: Declarations, st: lark.Tree, f: Field, base_dir: Path) -> Fit:
    """A `fit` target: a closed form in the field's coordinates, or a CSV file."""
    line = span_of(st).line
    if st.data == "fit_expr":
        expr = translate(st.children[1], table, Context(fields=False, parameters=False))
        missing = [s.name for s in expr.free_symbols
                   if s.name in table.coordinate_names() and s.name not in f.coordinates]
        if missing:
            raise PdecError(f"the target uses {missing[0]}, but {f.name} is declared over "
                            f"{', '.join(f.coordinates)}", span_of(st.children[1]))
        check_statement(table, expr, st.children[1], "the fit target")
        return Fit(f.name, expr=expr, source="expression", line=line)
    points, values = read_csv(st.children[1], (f.name,), table.coordinates, base_dir)
    if len(values) < MIN_FIT_ROWS:
        raise PdecError(f"a fit from data needs at least {MIN_FIT_ROWS} rows; {unquote(st.children[1])} has "
                        f"{len(values)}", span_of(st.children[1]),
                        hint="a tenth of the rows (at least one) is held out to measure the error")
    return Fit(f.name, points=points, values=values[:, 0], source=unquote(st.children[1]), line=line)


def exact_solution(table: Declarations, expr: sp.Expr, st: lark.Tree, parameters: tuple[Parameter, ...]) -> sp.Expr:
    """An exact solution with the parameters' true values put in; each must have one."""
    known = {sp.Symbol(p.name, real=True): p.truth for p in parameters if p.truth is not None}
    unknown = [s for s in expr.free_symbols if s.name in table.discovered and s not in known]
    if unknown:
        raise PdecError(f"the exact solution uses the unknown parameter '{unknown[0]}'", span_of(st),
                        hint=f"state its true value with `truth {unknown[0]} = ...`")
    return expr.subs(known)


def periodicity(table: Declarations, st: lark.Tree, equations: list[Residual]) -> Periodic:
    """`periodic x`: derivatives along x match up to one below the equations' highest order."""
    tok = st.children[0]
    table.coordinate(tok)
    if table.geometry is not None and str(tok) in table.geometry.names:
        raise PdecError(f"'{tok}' is a coordinate of the shape; periodic coordinates are intervals", span_of(tok))
    axis = table.coordinate_names().index(str(tok))
    order = max((a[axis] for eq in equations for _, a in eq.derivatives), default=1)
    return Periodic(str(tok), max(order - 1, 0), span_of(st).line)


def observation(table: Declarations, st: lark.Tree, exact_solutions: dict[str, sp.Expr],
                base_dir: Path) -> Observation:
    """`observe u from "file.csv" [noise s]` (s: the data's noise level, stated), or `observe u at N
    points [noise s]` of the exact solution (s: the noise added)."""
    toks = [c for c in st.children if isinstance(c, lark.Token) and c.type == "NAME"]
    for tok in toks:
        if str(tok) not in table.fields:
            raise PdecError(f"'{tok}' is not a field", span_of(tok),
                            hint="fields: " + ", ".join(table.fields) if table.fields else None)
    names = tuple(str(tok) for tok in toks)
    line = span_of(st).line
    noise = 0.0
    if isinstance(st.children[-1], lark.Tree):
        noise = numeric(st.children[-1], table, "the noise level")[1]
        if noise < 0:
            raise PdecError("the noise level must be >= 0", span_of(st.children[-1]))
    if st.data == "observe_file":
        path_tok = next(c for c in st.children if isinstance(c, lark.Token) and c.type == "STRING")
        points, values = read_csv(path_tok, names, table.coordinates, base_dir, table.geometry)
        return Observation(names, points, values, unquote(path_tok), noise, line)
    count_tok = next(c for c in st.children if isinstance(c, lark.Token) and c.type == "INT")
    count = int(count_tok)
    if count < 1:
        raise PdecError("the number of points must be at least 1", span_of(count_tok))
    for n, tok in zip(names, toks):
        if n not in exact_solutions:
            raise PdecError(f"`observe {n} at {count} points` samples the exact solution, but "
                            f"the file has no `exact {n} = ...`", span_of(tok),
                            hint=f"add `exact {n} = ...`, or observe {n} from a CSV file")
    points, values = sample([exact_solutions[n] for n in names], count, noise, line, table.coordinates,
                            table.constant_values(), table.geometry)
    return Observation(names, points, values, "the exact solution", noise, line)


def reference(table: Declarations, st: lark.Tree, exact_solutions: dict[str, sp.Expr], base_dir: Path) -> Observation:
    """`reference u from "file.csv"`: values (a finer solver's) to score the fields against
    where no closed form is known."""
    *toks, path_tok = st.children
    for tok in toks:
        if str(tok) not in table.fields:
            raise PdecError(f"'{tok}' is not a field", span_of(tok),
                            hint="fields: " + ", ".join(table.fields) if table.fields else None)
        if str(tok) in exact_solutions:
            raise PdecError(f"'{tok}' has an exact solution already", span_of(tok),
                            hint="a reference scores a field that has no `exact` closed form")
    names = tuple(str(t) for t in toks)
    points, values = read_csv(path_tok, names, table.coordinates, base_dir, table.geometry)
    return Observation(names, points, values, unquote(path_tok), 0.0, span_of(st).line)


def check_kind(fits: tuple[Fit, ...], checker: Checker, rest: list[lark.Tree], table: Declarations) -> None:
    """A file is a regression (fits only) or an equation problem (fields and equations)."""
    if fits and (checker.equations or checker.conditions or checker.periodic_lines or checker.observe_lines):
        first = checker.equations[0] if checker.equations else None
        raise PdecError("a file is either a regression (`fit`) or an equation problem, not both",
                        Span(first.line, 1) if first else span_of(rest[0]))
    if fits and table.geometry is not None:
        raise PdecError("a fit is made on a box: write the domain as intervals", Span(fits[0].line, 1),
                        hint="shaped domains are for equation problems")
    if not fits:
        if not table.fields:
            raise PdecError("the file declares no unknown field", Span(1, 1),
                            hint="add e.g. `unknown u(x)`, or use `fit u(x) = ...` for regression")
        if not checker.equations:
            raise PdecError("the file has no `equation`", Span(1, 1),
                            hint="add e.g. `equation u_xx = f(x)`")


def check_pinned(table: Declarations, parameters: tuple[Parameter, ...],
                 observations: tuple[Observation, ...]) -> None:
    """Unknown parameters need data; the error points at the first one's first use."""
    if parameters and not observations:
        first = min(parameters, key=lambda p: (table.discovered.get(p.name, Span(10**9, 0)).line))
        where = table.discovered.get(first.name) or table.guesses[first.name][1]
        raise PdecError(f"unknown parameter '{first.name}' has no observations to pin it", where,
                        hint=f"add `observe u from \"data.csv\"` or `observe u at 200 points`, or "
                             f"declare it `const {first.name} = ...` if it is known")


def check_tree(tree: lark.Tree, text: str, filename: str, base_dir: Path) -> Problem:
    """The whole walk: declarations, statements, then what needs the whole file."""
    table = Declarations()
    declarer = Declarer(table)
    rest = declarer.walk(list(tree.children))
    if not table.coordinates:
        raise PdecError("the file has no `domain` statement", Span(1, 1),
                        hint="start with e.g. `domain x in [-1, 1]`")
    checker = Checker(table, text)
    checker.walk(rest)
    checker.finish()
    fits = tuple(fit_target(table, st, f, base_dir) for st, f in declarer.fits)
    check_kind(fits, checker, rest, table)
    parameters = table.parameters()
    exact_exprs = {name: exact_solution(table, expr, st, parameters)
                   for name, (expr, st) in checker.exact_solutions.items()}
    periodic_t = tuple(periodicity(table, st, checker.equations) for st in checker.periodic_lines)
    observations = tuple(observation(table, st, exact_exprs, base_dir) for st in checker.observe_lines)
    references = tuple(reference(table, st, exact_exprs, base_dir) for st in checker.reference_lines)
    check_pinned(table, parameters, observations)
    return Problem(
        coordinates=tuple(table.coordinates), fields=tuple(table.fields.values()),
        constants=tuple(table.constants.values()), parameters=parameters,
        equations=tuple(checker.equations), conditions=tuple(checker.conditions), periodic=periodic_t,
        observations=observations, fits=fits, exact=exact_exprs, references=references, geometry=table.geometry,
        options=SolverOptions(**declarer.options),
        source=text, filename=filename,
    )
