"""The language layer: `.pde` text -> parse tree -> checked Problem (SymPy) -> lowered JAX residuals."""
