"""SymPy -> Python source for JAX and NumPy, safe for very long sums.

`sympy.lambdify` prints a sum of n terms as `a + b + ...`, which Python compiles as a chain of
n nested additions: past a few thousand terms (a Fourier or polynomial source) the compiler
runs out of stack. The printers here print a long sum as nested parenthesized groups of at most
``GROUP`` terms, so the nesting grows with the logarithm of the number of terms.
"""

from __future__ import annotations

from typing import Callable, Sequence

import sympy as sp
from sympy.printing.numpy import JaxPrinter, NumPyPrinter

GROUP = 200  # terms per parenthesized group


def _groups(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


class _GroupedSums:
    """A printer mixin: long sums printed in nested groups of ``GROUP`` terms."""

    def _print_Add(self, expr, order=None):
        terms = list(expr.args)
        if len(terms) <= GROUP:
            return super()._print_Add(expr, order)
        parts = [self._print(sp.Add(*group, evaluate=False)) for group in _groups(terms, GROUP)]
        while len(parts) > GROUP:
            parts = ["(" + " + ".join(f"({p})" for p in group) + ")" for group in _groups(parts, GROUP)]
        return "(" + " + ".join(f"({p})" for p in parts) + ")"


class _Jax(_GroupedSums, JaxPrinter):
    pass


class _NumPy(_GroupedSums, NumPyPrinter):
    pass


PRINTERS = {"jax": _Jax, "numpy": _NumPy}


def lambdify(args: Sequence[sp.Symbol], expr: sp.Expr, modules: str) -> Callable:
    """`sympy.lambdify` for ``modules`` "jax" or "numpy", with long sums grouped."""
    printer = PRINTERS[modules]({"fully_qualified_modules": False, "inline": True,
                                 "allow_unknown_functions": True, "user_functions": {}})
    return sp.lambdify(args, expr, modules=modules, printer=printer, docstring_limit=0)
