"""Domains beyond the box: shapes, their unions, intersections and differences, and their boundaries.

NumPy (and SymPy for the normals' closed forms) only; nothing else of pdec. A shape answers
where it is (`Shape.level`: negative inside, zero on the boundary, positive outside) and what
bounds it (`Shape.pieces`: primitive surfaces, each with its outward normal in closed form).
`Geometry` (domain.py) puts a shape on some of a problem's coordinates: sampling inside, on
each boundary piece (only where the piece lies on the domain's boundary), areas and lengths.
"""
