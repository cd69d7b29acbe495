"""The package's shape: imports point one way along the pipeline, functions and classes stay small."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pdec"
RESULT = {"pdec.solution", "pdec.records", "pdec.store"}
MAX_FUNCTION, MAX_CLASS = 80, 250


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(p for p in rel.parts if p != "__init__")
        yield name, ast.parse(path.read_text())


def imports(tree) -> set[str]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pdec"):
            out |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("pdec")}
    return out


def layer(name: str) -> str:
    for prefix in ("pdec.language", "pdec.solver", "pdec.cli", "pdec.reference", "pdec.geometry"):
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    for top in RESULT | {"pdec.errors", "pdec.settings"}:
        if name == top or name.startswith(top + "."):
            return "result" if top in RESULT else top
    return name


EVALUATORS = ("pdec.solver.network", "pdec.solver.chebyshev", "pdec.solver.singular")  # what a saved stage is evaluated by
ALLOWED = {
    "pdec.geometry": {"pdec.geometry"},  # shapes stand alone (NumPy, SymPy, SciPy's Sobol points)
    "pdec.language": {"pdec.language", "pdec.geometry", "pdec.errors"},
    "pdec.solver": {"pdec.language", "pdec.geometry", "pdec.solver", "result", "pdec.errors", "pdec.settings"},
    "result": {"result", "pdec.geometry", "pdec.errors", "pdec.solver.network", "pdec.solver.chebyshev", "pdec.solver.singular",
               "pdec.__version__"},
    "pdec.reference": {"pdec.reference"},  # reference solutions stand alone (NumPy only)
}


@pytest.mark.parametrize("name, tree", list(modules()), ids=lambda v: v if isinstance(v, str) else "")
def test_imports_point_one_way(name, tree):
    allowed = ALLOWED.get(layer(name))
    if allowed is None:
        return  # pdec/__init__, settings, errors, __main__ and the tool may import any layer
    for target in imports(tree):
        if target in EVALUATORS or any(target.startswith(e + ".") for e in EVALUATORS):
            continue
        assert layer(target) in allowed or target in allowed, f"{name} imports {target}"


def test_no_function_or_class_is_long():
    long = []
    for name, tree in modules():
        for node in ast.walk(tree):
            limit = MAX_CLASS if isinstance(node, ast.ClassDef) else MAX_FUNCTION
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.end_lineno - node.lineno + 1 > limit:
                long.append(f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert not long, long
