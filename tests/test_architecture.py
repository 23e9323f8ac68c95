"""The layers of the code: no import cycle, and the scope rules live in one module.

Read from the source (``ast``), imports inside functions included: a cycle hidden in a
function-level import is still a cycle.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("targets", "tracker", "bench")


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (anywhere in its source)."""
    modules = project_modules()
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            for target in imported:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
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

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_project_modules():
    assert cycles(import_graph()) == []


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_models_and_roles_import_nothing_above_them():
    graph = import_graph()
    below_models = {
        "targets",
        "targets.periods",
        "targets.sqltext",
        "targets.formatting",
        "targets.evidence",
    }
    for name, imported in graph.items():
        if name.startswith("targets.models"):
            above = {m for m in imported if not m.startswith("targets.models")} - below_models
            assert above == set(), name
    assert graph["targets.roles"] == set()
    assert graph["targets.formatting"] == set()
    assert graph["targets.evidence"] == set()


def test_services_and_the_import_do_not_import_each_other():
    graph = import_graph()
    assert "targets.importing.resource" in graph["targets.importing.run"]
    assert not any(m.startswith("targets.importing") for m in graph["targets.services"])


# Writing a scope rule needs one of these: the memberships, the superuser flag, the plan
# administrators group, the unit-and-descendants lookup over a set of units.
SCOPE_RULE = re.compile(
    r"Membership\.objects|memberships__|\.memberships\.(filter|all|values)|is_superuser"
    r"|PLAN_ADMINISTRATORS|_role_units|parent__parent__in|responsible_unit__in"
)
# Modules that name these without deciding scope: the group definitions, the demo
# accounts' setup (it creates memberships), and the membership model itself.
NOT_SCOPE = {
    "targets.roles",
    "targets.management.commands.setup_demo",
    "targets.models.memberships",
    # Power over accounts (who may grant which group to whom), not over units and
    # entries: the user admin keeps it beside the forms it shapes.
    "targets.admin_users",
}


def test_only_the_scope_module_writes_scope_rules():
    writers = {
        name
        for name, path in project_modules().items()
        if name.startswith("targets")
        and name not in NOT_SCOPE | {"targets.scope"}
        and SCOPE_RULE.search(path.read_text())
    }
    assert writers == set()
    assert SCOPE_RULE.search((ROOT / "targets" / "scope.py").read_text())


def test_entries_are_aggregated_only_by_the_rollup():
    """No module but the roll-up (and the entries' own queryset) sums entries."""
    aggregate = re.compile(r"Sum\(\"(numerator|denominator|value)\"\)|SUM\(l?\.?(numerator)")
    writers = {
        name
        for name, path in project_modules().items()
        if name.startswith("targets") and aggregate.search(path.read_text())
    }
    assert writers == {"targets.rollup"}
