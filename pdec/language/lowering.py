"""SymPy residuals -> JAX functions of (coordinates, derivative values, parameter values).

A lowered residual never differentiates anything itself: it is handed the values of the field
derivatives it needs (computed by `pdec.derivatives` for any callable field, or cached for
frozen solver stages) and combines them pointwise. Constants are substituted exactly before
printing, so the generated code holds only numbers.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable, Mapping

import jax.numpy as jnp
import sympy as sp

from pdec.language.printing import lambdify
from pdec.language.problem import MultiIndex, Problem, Residual
from pdec.language.symbols import derivative_name, field_terms, multi_index

Array = jnp.ndarray


@dataclass(frozen=True)
class LoweredResidual:
    """r(points, derivatives, parameters) -> (N,), the residual `lhs - rhs` at each point.

    `derivatives` maps each (field, multi-index) in `needs` to its values at the points;
    `parameters` maps each name in `parameters` to a scalar.
    """

    residual: Residual
    coordinates: tuple[str, ...]
    needs: tuple[tuple[str, MultiIndex], ...]
    parameters: tuple[str, ...]
    fn: Callable[..., Array]
    source: str
    affine: bool = False  # affine in the derivative values and the parameters together

    def __call__(self, points: Array, derivatives: Mapping[tuple[str, MultiIndex], Array],
                 parameters: Mapping[str, Array] | None = None) -> Array:
        parameters = parameters or {}
        args = [points[:, i] for i in range(len(self.coordinates))]
        args += [derivatives[key] for key in self.needs]
        args += [parameters[name] for name in self.parameters]
        return jnp.broadcast_to(self.fn(*args), points.shape[:1])


def substitute_constants(expr: sp.Expr, problem: Problem) -> sp.Expr:
    return expr.subs({sp.Symbol(c.name, real=True): c.expr for c in problem.constants})


def lower_residual(residual: Residual, problem: Problem) -> LoweredResidual:
    """Lower one equation or condition of `problem`."""
    coords = problem.coordinate_names
    expr = substitute_constants(residual.expr, problem)
    replacements = {}
    for term in field_terms(expr):
        field, alpha = multi_index(term, coords)
        replacements[term] = sp.Symbol(derivative_name(field, alpha), real=True)
    plain = expr.xreplace(replacements)
    needs = residual.derivatives
    params = tuple(p for p in problem.parameter_names if sp.Symbol(p, real=True) in plain.free_symbols)
    args = [sp.Symbol(c, real=True) for c in coords]
    args += [sp.Symbol(derivative_name(f, a), real=True) for f, a in needs]
    args += [sp.Symbol(p, real=True) for p in params]
    fn = lambdify(args, plain, "jax")
    unknowns = args[len(coords):]
    return LoweredResidual(residual, coords, needs, params, fn, inspect.getsource(fn), is_affine(plain, unknowns))


def is_affine(expr: sp.Expr, unknowns: list[sp.Symbol]) -> bool:
    """Whether ``expr`` is affine in ``unknowns`` together: every first derivative is free of them
    (a linear equation with known coefficients; ``k*u_xx`` with k unknown is not)."""
    wanted = set(unknowns)
    return all(not (sp.diff(expr, s).free_symbols & wanted) for s in unknowns)


def lower_closed_form(expr: sp.Expr, problem: Problem) -> Callable[[Array], Array]:
    """A closed form in the coordinates (an exact solution, a fit target) -> f(points (N, d)) -> (N,)."""
    symbols = [sp.Symbol(c, real=True) for c in problem.coordinate_names]
    fn = lambdify(symbols, substitute_constants(expr, problem), "jax")

    def closed_form(points: Array) -> Array:
        points = jnp.asarray(points, dtype=jnp.float64)
        return jnp.broadcast_to(fn(*(points[:, i] for i in range(points.shape[1]))), points.shape[:1])

    closed_form.source = inspect.getsource(fn)  # type: ignore[attr-defined]
    return closed_form


@dataclass(frozen=True)
class Lowered:
    """Every residual of a problem as a JAX function, plus the closed forms it states."""

    equations: tuple[LoweredResidual, ...]
    conditions: tuple[LoweredResidual, ...]
    exact: Mapping[str, Callable[[Array], Array]]
    targets: Mapping[str, Callable[[Array], Array]]


def lower(problem: Problem) -> Lowered:
    """Lower a checked problem: equations, conditions, exact solutions and fit targets."""
    return Lowered(
        equations=tuple(lower_residual(r, problem) for r in problem.equations),
        conditions=tuple(lower_residual(r, problem) for r in problem.conditions),
        exact={name: lower_closed_form(e, problem) for name, e in problem.exact.items()},
        targets={f.field: lower_closed_form(f.expr, problem) for f in problem.fits if f.expr is not None},
    )
