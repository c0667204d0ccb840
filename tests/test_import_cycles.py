"""Imports between coordination's modules go one way: no module reaches itself again.

Every import counts, also one inside a function: a lazy import hides a cycle from Python, not
from the reader, and the next change to either module trips over it.
"""

import ast
from pathlib import Path

import coordination

PACKAGE = Path(coordination.__file__).parent


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(module: str, is_package: bool, node: ast.AST) -> list[str]:
    """The names an import statement reaches, as dotted paths (not yet matched to modules)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: from . import x, from ..y import z
        base = module.split(".")
        if not is_package:
            base.pop()
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    # `from a import b` reaches module a.b when b is a module, else module a
    return [f"{prefix}.{alias.name}" for alias in node.names] + [prefix]


def import_graph(files: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, anywhere in its file."""
    graph = {}
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = _imported(module, is_package, node)
            if isinstance(node, ast.ImportFrom):
                # `from a import b`: module a.b if it is one, else a itself
                submodules = [name for name in names[:-1] if name in files]
                names = (
                    submodules if len(submodules) == len(names) - 1 else [*submodules, names[-1]]
                )
            for name in names:
                while name and name not in files:
                    name = name.rpartition(".")[0]
                if name and name != module:
                    targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One path round each cycle (per strongly connected group of modules)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in order:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], order[target])
        if low[node] == order[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(_path_round(graph, group))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return found


def _path_round(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A readable cycle inside a group: a → b → … → a (shortest from its first module)."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & group):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    return sorted(group)


def test_no_import_cycle_among_coordination_modules():
    found = cycles(import_graph(module_files()))
    assert not found, "import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in found)


def test_a_lazy_import_inside_a_function_counts(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "tasks.py").write_text("def worker():\n    from pkg.mail import sweep\n")
    (package / "mail.py").write_text("from . import tasks\n\ndef sweep():\n    pass\n")
    found = cycles(import_graph(module_files(package)))
    assert found == [["pkg.mail", "pkg.tasks", "pkg.mail"]]
