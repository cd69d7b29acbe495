"""Readable summaries of a checked problem (what `pdec check` prints) and of its lowering."""

from __future__ import annotations

import sympy as sp

from pdec.language.lowering import lower
from pdec.language.problem import Problem, Residual
from pdec.language.symbols import derivative_name, field_terms, multi_index


def _orders(r: Residual, coords: tuple[str, ...]) -> str:
    parts = []
    for field, alpha in r.derivatives:
        if any(alpha):
            parts.append(field + "_" + "".join(c * k for c, k in zip(coords, alpha)))
        else:
            parts.append(field)
    return ", ".join(parts)


def _math(expr: sp.Expr, latex: bool, coords: tuple[str, ...] = ()) -> str:
    """Fields as the user writes them: u, u_xx (LaTeX: u_{xx})."""
    names = {}
    for term in field_terms(expr):
        field, alpha = multi_index(term, coords)
        sub = "".join(c * k for c, k in zip(coords, alpha))
        names[term] = sp.Symbol(field + (("_{" + sub + "}" if latex else "_" + sub) if sub else ""))
    plain = expr.xreplace(names)
    return sp.latex(plain) if latex else sp.sstr(plain)


def _constant(c) -> str:
    """`c = 1/3 = 0.333...`, or `c = 2` when the value reads the same as its expression."""
    exact, value = sp.sstr(c.expr), f"{c.value:.17g}"
    return f"{c.name} = {exact}" if exact == value else f"{c.name} = {exact} = {value}"


def _geometry(geometry) -> list[str]:
    """The shaped domain: the shape, its area, and each boundary piece with its length."""
    word = ("area", "length") if geometry.dim == 2 else ("volume", "area")
    out = [f"domain: {geometry.describe()} ({word[0]} {geometry.area():.6g}; coordinates above: its bounding box)",
           "boundary pieces:"]
    for i in geometry.boundary():
        whole = geometry.pieces[i].surface.measure
        part = geometry.lengths[i]
        share = "" if abs(part - whole) <= 1e-3 * whole else f" of {whole:.6g}"
        out.append(f"  {geometry.label(i)}: {word[1]} {part:.4g}{share}")
    return out


def listing(problem: Problem, *, latex: bool = False) -> str:
    """The classified problem: coordinates, fields, constants, parameters, statements."""
    coords = problem.coordinate_names
    out = [f"problem {problem.filename}"]
    out.append("coordinates: " + ", ".join(
        f"{c.name} in [{c.lower:g}, {c.upper:g}]" + (" (time)" if c.is_time else "") for c in problem.coordinates))
    if problem.geometry is not None:
        out += _geometry(problem.geometry)
    out.append("fields: " + (", ".join(f"{f.name}({', '.join(f.coordinates)})" for f in problem.fields) or "none"))
    if problem.constants:
        out.append("constants: " + ", ".join(_constant(c) for c in problem.constants))
    if problem.parameters:
        out.append("unknown parameters: " + ", ".join(
            f"{p.name} (guess {p.guess:g}{', declared' if p.declared else ', found'}"
            + (f", truth {p.truth:.17g}" if p.truth is not None else "") + ")" for p in problem.parameters))
    else:
        out.append("unknown parameters: none")
    for kind, items in (("equations", problem.equations), ("conditions", problem.conditions)):
        if items:
            out.append(f"{kind}:")
            for r in items:
                where = "" if kind == "equations" else f"{r.kind} {r.location.label()}: "
                out.append(f"  line {r.line}: {where}{_math(r.lhs, latex, coords)} = {_math(r.rhs, latex, coords)}"
                           f"    [order {r.max_order}; needs {_orders(r, coords)}]")
    for p in problem.periodic:
        out.append(f"periodic {p.coordinate}: values and derivatives up to order {p.order} match")
    for o in problem.observations:
        noise = f", noise {o.noise:g}" if o.noise else ""
        out.append(f"observe {', '.join(o.fields)}: {len(o.points)} points from {o.source}{noise}")
    for f in problem.fits:
        target = _math(f.expr, latex, coords) if f.expr is not None else f"{len(f.points)} points from {f.source}"
        out.append(f"fit {f.field} = {target}")
    for name, e in problem.exact.items():
        out.append(f"exact {name} = {_math(e, latex, coords)}")
    return "\n".join(out)


def lowered_source(problem: Problem) -> str:
    """The generated JAX source of every residual, with the meaning of each argument."""
    low = lower(problem)
    out = []
    for r in low.equations + low.conditions:
        head = f"# line {r.residual.line}: {r.residual.text}"
        args = ", ".join(list(r.coordinates) + [derivative_name(f, a) + f"={f}{list(a)}" for f, a in r.needs]
                         + list(r.parameters))
        out += [head, f"# arguments: {args}", r.source.rstrip(), ""]
    for name, fn in list(low.exact.items()) + list(low.targets.items()):
        out += [f"# closed form for {name}", fn.source.rstrip(), ""]
    return "\n".join(out)
