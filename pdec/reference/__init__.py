"""Reference solutions of benchmark problems that have no closed form, for scoring solves."""

from pdec.reference.burgers import burgers

__all__ = ["burgers"]
