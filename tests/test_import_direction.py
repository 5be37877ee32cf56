"""Dependencies point one way (DESIGN.md 6): read every module's imports with `ast` (lazy imports inside
functions included, since they are dependencies too) and fail on a circle between the top-level areas, on
an adapter importing the flows, and on a flow importing a concrete adapter instead of its interface."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AREAS = ("service.flows", "service.engine", "service.store", "service.api", "service.web", "service.jobs",
         "integrations", "service.runtime")
# What a flow may take from integrations: interfaces (Protocols) and the routing configuration (who wants which
# channels: parsed values, no I/O; None = the whole module); service.runtime wires the adapters.
FLOW_MAY_IMPORT = {
    "integrations.channels": {"Channel", "RemoteChannel", "is_remote", "Permanent", "Transient"},
    "integrations.esign": {"Signer"},
    "integrations.knowledge_base": {"KnowledgeBase"},
    "integrations.routing": {None, "Routing", "Target", "Person"},
    "integrations.routing_chat": {None, "CHAT_KINDS", "PER_PERSON"},  # the routing settings' team-chat part
}
ALLOWED_CYCLES: dict[frozenset[str], str] = {}  # {areas: why it must stay}; none today


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _imports(path: Path) -> list[tuple[str, str | None, int]]:
    """(module imported, name taken from it or None, line) for every import in the file."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                target = f"{source}.{alias.name}"
                found.append((target, None, node.lineno) if _is_module(target) else (source, alias.name, node.lineno))
    return found


def _area(module: str) -> str | None:
    """The area a module belongs to; other modules of ours stand alone (service.config, service.queues…)."""
    for area in AREAS:
        if module == area or module.startswith(area + "."):
            return area
    return module if module.split(".")[0] in ("service", "integrations") else None


def _edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted([*ROOT.glob("service/**/*.py"), *ROOT.glob("integrations/**/*.py")]):
        source = _module(path)
        for target, _name, line in _imports(path):
            a, b = _area(source), _area(target)
            if b is not None and a != b:
                edges.setdefault((a, b), []).append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return edges


def _cycles(edges) -> list[list[str]]:
    """Strongly connected components of more than one area (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_no_circle_between_areas():
    edges = _edges()
    problems = []
    for component in _cycles(edges):
        if frozenset(component) in ALLOWED_CYCLES:
            continue
        members = set(component)
        lines = [line for (a, b), where in sorted(edges.items()) if a in members and b in members for line in where]
        problems.append(" <-> ".join(component) + ":\n    " + "\n    ".join(lines))
    assert not problems, "import circles:\n" + "\n".join(problems)


def test_adapters_do_not_import_flows():
    edges = _edges()
    assert not edges.get(("integrations", "service.flows")), edges.get(("integrations", "service.flows"))


def test_flows_import_interfaces_not_adapters():
    wrong = []
    for path in sorted(ROOT.glob("service/flows/**/*.py")):
        for target, name, line in _imports(path):
            if _area(target) == "integrations" and name not in FLOW_MAY_IMPORT.get(target, set()):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}{'.' + name if name else ''}")
    assert not wrong, "flows import concrete adapters (let service.runtime wire them):\n" + "\n".join(wrong)


def test_the_walk_sees_a_circle():
    """The check itself can fail: a made-up circle is found."""
    assert _cycles({("a", "b"): [], ("b", "c"): [], ("c", "a"): [], ("c", "d"): []}) == [["a", "b", "c"]]
