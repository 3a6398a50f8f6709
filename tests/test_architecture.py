"""The shape of the code: no module imports in a circle, and the roadmap never needs the tracker.

The import graph is read from the source with ``ast``, so an import hidden inside a function
counts as much as one at the top of a module: it is the same dependency, only deferred.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "roadmap", "tracker")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The dotted names ``node`` imports, with relative imports resolved."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = module.split(".")
        anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
        base = ".".join([*anchor, base] if base else anchor)
    return [base, *(f"{base}.{alias.name}" if base else alias.name for alias in node.names)]


def imports_of(module: str, source: str, known: set[str], *, is_package: bool) -> set[str]:
    """The modules of ``known`` that ``module`` imports, anywhere in ``source``."""
    found = {
        name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in _imported(node, module, is_package)
        if name in known
    }
    found.discard(module)
    return found


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Map each module to the modules of ``modules`` it imports."""
    return {
        module: imports_of(
            module, path.read_text(), set(modules), is_package=path.name == "__init__.py"
        )
        for module, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_imports_inside_functions_and_relative_ones():
    sources = {
        "a": "def f():\n    import b\n",
        "b": "from a import c\n",
        "a.c": "from . import d\n",
        "a.d": "from .. import b\n",
    }
    graph = {
        module: imports_of(module, source, set(sources), is_package=False)
        for module, source in sources.items()
    }
    assert graph == {"a": {"b"}, "b": {"a", "a.c"}, "a.c": {"a", "a.d"}, "a.d": {"b"}}
    assert cycles(graph) == [["a", "a.c", "a.d", "b"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_in_a_circle():
    found = cycles(import_graph(_modules()))
    assert not found, "Import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_the_roadmap_never_imports_the_tracker():
    graph = import_graph(_modules())
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module.split(".")[0] == "roadmap"
        for target in targets
        if target.split(".")[0] == "tracker"
    )
    assert not wrong, wrong
