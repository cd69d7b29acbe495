"""The language's fixed vocabulary and the link between SymPy derivatives and multi-indices."""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

FUNCTIONS = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log,
    "sqrt": sp.sqrt, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "abs": sp.Abs,
    "atan": sp.atan, "asin": sp.asin, "acos": sp.acos, "atan2": sp.atan2,
}
ARITY = {"atan2": 2}  # the number of arguments where it is not one: atan2(y, x)
RESERVED = frozenset(FUNCTIONS) | {"pi", "diff", "lap"}


def multi_index(term: sp.Expr, coordinates: tuple[str, ...]) -> tuple[str, tuple[int, ...]]:
    """u(x, t) -> ("u", (0, 0)); Derivative(u, (x, 2)) -> ("u", (2, 0))."""
    if isinstance(term, sp.Derivative):
        orders = [0] * len(coordinates)
        for sym, count in term.variable_count:
            orders[coordinates.index(sym.name)] += int(count)
        return term.expr.func.__name__, tuple(orders)
    return term.func.__name__, (0,) * len(coordinates)


def field_terms(expr: sp.Expr) -> list[sp.Expr]:
    """The derivatives and field values in `expr`, derivatives first (outermost)."""
    derivs = sorted(expr.atoms(sp.Derivative), key=sp.default_sort_key)
    rest = expr.subs({d: sp.Dummy() for d in derivs})
    return derivs + sorted(rest.atoms(AppliedUndef), key=sp.default_sort_key)


def derivative_table(expr: sp.Expr, coordinates: tuple[str, ...]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Every (field, multi-index) that `expr` needs, in a stable order."""
    return tuple(sorted({multi_index(t, coordinates) for t in field_terms(expr)}))


def derivative_name(field: str, alpha: tuple[int, ...]) -> str:
    """The plain symbol that stands for a field's derivative in lowered code: u, u_d2_0, ..."""
    return field if not any(alpha) else f"{field}_d{'_'.join(map(str, alpha))}"
