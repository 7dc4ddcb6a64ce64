"""No module under startsmart/ imports in a circle, and the speed-dating planner imports only the
standard library and itself.

The import graph is read from the source (AST), not by importing: an edge for every import at
module level (inside ``if``/``try``/``with`` and class bodies too, which run at import time) and
for every import inside a function (deferred, but still a dependency: a cycle through one only
waits for the first call). Imports under ``if TYPE_CHECKING:`` are left out, they never run.
Importing ``a.b.c`` also runs ``a/__init__.py`` and ``a/b/__init__.py``; that implicit edge is
not counted, so a package's ``__init__`` may re-export its modules.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLANNER = "startsmart.speed_dating.planner"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    deferred: bool  # inside a function: runs at the first call, not at import


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` (a folder below ``root``) by its dotted name."""
    modules = {}
    for path in sorted((root / package.replace(".", "/")).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(body: list[ast.stmt], deferred: bool = False):
    """(node, deferred) for every import in ``body``, except under ``if TYPE_CHECKING:``."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, deferred
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _imports(node.orelse, deferred)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _imports(node.body, True)
        else:
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                for child in getattr(node, field, []):
                    if isinstance(child, ast.stmt):
                        yield from _imports([child], deferred)
                    else:  # except handlers and match cases hold statements themselves
                        yield from _imports(child.body, deferred)


def imported_names(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted names an import statement asks for (``from a import b`` gives ``a.b``;
    whether that is a module or a name in ``a`` is decided against the known modules)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = ".".join(package[: len(package) - node.level + 1])
        base = f"{base}.{node.module}" if node.module else base
    else:
        base = node.module or ""
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph(root: Path, package: str) -> tuple[dict[str, Path], list[Edge]]:
    modules = module_names(root, package)
    edges = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node, deferred in _imports(tree.body):
            names = imported_names(module, path, node)
            if isinstance(node, ast.ImportFrom):
                base = names.pop()
                # "from a import b": the module a.b if there is one, else a name in a.
                targets = [name if name in modules else base for name in names]
            else:
                targets = names
            for target in dict.fromkeys(targets):
                if target in modules and target != module:
                    edges.append(Edge(module, target, node.lineno, deferred))
    return modules, edges


def find_cycle(edges: list[Edge]) -> list[Edge] | None:
    """One import cycle as its edges in order, or None if the graph has none."""
    graph: dict[str, list[Edge]] = {}
    for edge in edges:
        graph.setdefault(edge.source, []).append(edge)
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path: list[Edge] = []
        on_path = {start: 0}
        stack = [iter(sorted(graph.get(start, []), key=lambda e: e.target))]
        while stack:
            edge = next(stack[-1], None)
            if edge is None:
                stack.pop()
                finished = path.pop().target if path else start
                on_path.pop(finished)
                done.add(finished)
                continue
            if edge.target in on_path:
                return [*path[on_path[edge.target] :], edge]
            if edge.target in done:
                continue
            path.append(edge)
            on_path[edge.target] = len(path)
            stack.append(iter(sorted(graph.get(edge.target, []), key=lambda e: e.target)))
    return None


def describe(cycle: list[Edge]) -> str:
    steps = [
        f"{e.source} -> {e.target} (line {e.line}{', in a function' if e.deferred else ''})"
        for e in cycle
    ]
    return "import cycle:\n  " + "\n  ".join(steps)


def test_no_module_imports_in_a_circle():
    _modules, edges = import_graph(ROOT, "startsmart")
    assert edges, "no imports found: is the graph read from the right folder?"
    cycle = find_cycle(edges)
    assert cycle is None, describe(cycle)


def test_the_planner_imports_only_the_standard_library_and_itself():
    modules = module_names(ROOT, PLANNER)
    assert len(modules) > 1, f"{PLANNER} is not a package any more"
    outside = []
    for module, path in modules.items():
        # Every import counts here, also under TYPE_CHECKING: the planner needs nothing else.
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    continue  # relative: inside the planner
                names = [node.module or ""]
            else:
                names = [alias.name for alias in node.names]
            for name in names:
                ours = name == PLANNER or name.startswith(PLANNER + ".")
                if not ours and name.split(".")[0] not in sys.stdlib_module_names:
                    outside.append(f"{module} imports {name} (line {node.lineno})")
    assert outside == []


# -- the checker itself ---------------------------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.mark.parametrize(
    "files, expected",
    [
        (  # the old planner <-> planner_quality shape, once through a function-level import
            {
                "pkg/__init__.py": "",
                "pkg/plan.py": "from pkg.quality import quality\n",
                "pkg/quality.py": "def f():\n    from pkg import plan\n",
            },
            ["pkg.plan -> pkg.quality", "pkg.quality -> pkg.plan (line 2, in a function)"],
        ),
        (  # three modules, relative imports, inside try/except
            {
                "pkg/__init__.py": "",
                "pkg/a.py": "from . import b\n",
                "pkg/b.py": "try:\n    from .c import x\nexcept ImportError:\n    pass\n",
                "pkg/c.py": "import pkg.a\n",
            },
            ["pkg.a -> pkg.b", "pkg.b -> pkg.c", "pkg.c -> pkg.a"],
        ),
    ],
)
def test_a_cycle_is_found_and_named(tmp_path, files, expected):
    _write(tmp_path, files)
    _modules, edges = import_graph(tmp_path, "pkg")
    message = describe(find_cycle(edges))
    for step in expected:
        assert step in message


def test_type_checking_imports_and_package_reexports_are_no_cycle(tmp_path):
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.plan import plan\n",
            "pkg/plan.py": "from pkg.shapes import Plan\nfrom pkg.quality import quality\n",
            "pkg/shapes.py": "class Plan: ...\n",
            "pkg/quality.py": (
                "from typing import TYPE_CHECKING\nfrom pkg.shapes import Plan\n"
                "if TYPE_CHECKING:\n    from pkg.plan import plan\n"
            ),
        },
    )
    _modules, edges = import_graph(tmp_path, "pkg")
    assert find_cycle(edges) is None
