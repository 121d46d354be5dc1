"""The backend's shape, read from its source with `ast` (no imports, no database; runs once).

- No import inside a function or method: a dependency hidden there is how an import cycle hides
  (issue 10). Heavy optional modules are loaded by module structure instead (backend.facecheck.dlib_models).
- No cycle between backend packages (a package is the first folder under backend/, e.g. `applications`,
  `facecheck`). `core` may be imported by anyone and imports nothing outside core. The top-level modules
  (backend/main.py, models.py, wiring.py, demo.py, prestart.py, app.py) and migrations/ are the
  composition root: they may import any package, and a package module may import them only if it is a
  command-line entry point (it has `if __name__ == "__main__":`).
- No source file over 500 lines.
"""

import ast
from collections import defaultdict
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2] / "backend"
ACTIONS = BACKEND.parent / "actions"
ROOT_PACKAGES = {"migrations"}
MAX_LINES = 500

# Package edges that may close a cycle, each with why (none today: keep it that way).
KNOWN_CYCLE_EDGES: dict[tuple[str, str], str] = {}
# Files over MAX_LINES, with why (remove when split).
KNOWN_LONG_FILES: dict[str, str] = {}


def _sources(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _package(path: Path) -> str:
    parts = path.relative_to(BACKEND).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def _is_root(name: str) -> bool:
    return name in ROOT_PACKAGES or (BACKEND / f"{name}.py").is_file()


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level or not node.module:
        return []
    if node.module == "backend":
        return [f"backend.{a.name}" for a in node.names]
    return [node.module]


def _is_entry_point(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.If) and "__main__" in ast.unparse(n.test) for n in tree.body)


def imports_inside_functions(roots: list[Path]) -> list[str]:
    found = []
    for path in (p for root in roots for p in _sources(root)):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                found += [f"{path.relative_to(BACKEND.parent)}:{n.lineno}: {ast.unparse(n)}"
                          for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom)]
    return sorted(set(found))


def package_graph() -> tuple[dict[str, set[str]], list[str]]:
    """Edges between backend packages, and the imports that break the composition-root rules."""
    edges: dict[str, set[str]] = defaultdict(set)
    wrong = []
    for path in _sources(BACKEND):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        source = _package(path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported(node):
                if not name.startswith("backend.") or (target := name.split(".")[1]) == source:
                    continue
                where = f"{path.relative_to(BACKEND.parent)}:{node.lineno} imports {name}"
                if source == "core":
                    wrong.append(f"{where} (core imports nothing outside core)")
                elif _is_root(target) and not _is_root(source) and not _is_entry_point(tree):
                    wrong.append(f"{where} (only entry points import the composition root)")
                elif not _is_root(source) and not _is_root(target) and target != "core":
                    edges[source].add(target)
    return edges, wrong


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if v not in index:
            visit(v)
    return found


def test_no_import_inside_a_function() -> None:
    assert imports_inside_functions([BACKEND, ACTIONS]) == []


def test_packages_import_each_other_without_cycles() -> None:
    edges, wrong = package_graph()
    assert wrong == []
    stale = [e for e in KNOWN_CYCLE_EDGES if e[1] not in edges.get(e[0], set())]
    assert stale == [], "these edges are gone: remove them from KNOWN_CYCLE_EDGES"
    remaining = {a: {b for b in bs if (a, b) not in KNOWN_CYCLE_EDGES} for a, bs in edges.items()}
    assert cycles(remaining) == []


def test_the_face_check_knows_nothing_of_what_it_is_used_for() -> None:
    edges, _ = package_graph()
    assert not edges["facecheck"] & {"authorizations", "certification", "economic_check"}
    assert "economic_check" not in edges["authorizations"]


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_file_over_500_lines() -> None:
    long = {str(p.relative_to(BACKEND.parent)) for root in (BACKEND, ACTIONS) for p in _sources(root)
            if len(p.read_text(encoding="utf-8").splitlines()) > MAX_LINES}
    assert long - set(KNOWN_LONG_FILES) == set()
    assert set(KNOWN_LONG_FILES) - long == set(), "split: remove it from KNOWN_LONG_FILES"
