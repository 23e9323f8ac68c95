"""The layers of the code and the rules that live in one module each.

The layers are import-linter contracts (``pyproject.toml``, ``[tool.importlinter]``):
the suite runs them on the project, and on a copy of it with one throw-away module that
breaks each kind of contract, so a contract that could not fail fails here. The rules
that must live in one module (scope, the aggregate over entries) are found by walking
each module's syntax tree: f-strings, keyword arguments and helper calls included.
"""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path, *contracts: str) -> subprocess.CompletedProcess:
    """``lint-imports`` on the project at ``root`` (its own ``pyproject.toml``)."""
    command = [str(LINT_IMPORTS), "--no-cache", "--no-logo"]
    for contract in contracts:
        command += ["--contract", contract]
    return subprocess.run(
        command,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    """The project's Python packages and contracts, copied (sources only)."""
    root = tmp_path_factory.mktemp("project")
    for package in ("targets", "tracker"):
        shutil.copytree(
            ROOT / package,
            root / package,
            ignore=lambda folder, names: [
                n for n in names if not (n.endswith(".py") or (Path(folder) / n).is_dir())
            ],
        )
    shutil.copy(ROOT / "pyproject.toml", root)
    return root


# A throw-away module (where, what it imports) for each kind of contract, and the
# contract it must break.
VIOLATIONS = {
    "the domain importing a page": ("targets/domain/probe.py", "targets.pages.views", "layers"),
    "a lower layer importing the reports": (
        "targets/pages/probe.py",
        "targets.reports.data",
        "layers",
    ),
    "the API importing the HTML views": (
        "targets/api/probe.py",
        "targets.pages.views",
        "no-html-views-below",
    ),
    "data entry importing the pages": (
        "targets/entry/probe.py",
        "targets.pages",
        "entry-not-pages",
    ),
    "the domain importing a table library": (
        "targets/domain/probe.py",
        "django_tables2",
        "domain-no-ui-libraries",
    ),
    "a layer importing the Django shim of the models": (
        "targets/pages/probe.py",
        "targets.models",
        "layers-not-plumbing",
    ),
}


@pytest.mark.parametrize("case", VIOLATIONS)
def test_a_deliberate_violation_breaks_its_contract(project_copy, case):
    where, imported, contract = VIOLATIONS[case]
    probe = project_copy / where
    probe.write_text(f"import {imported}  # noqa: F401\n")
    try:
        result = lint_imports(project_copy, contract)
    finally:
        probe.unlink()
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    assert probe.with_suffix("").relative_to(project_copy).as_posix().replace("/", ".") in (
        result.stdout
    )


# --- Rules that live in one module --------------------------------------------------


def project_modules() -> dict[str, Path]:
    modules = {}
    for path in (ROOT / "targets").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def docstrings(tree) -> set[int]:
    """The ids of the docstring nodes of ``tree`` (prose, not code)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def strings(tree) -> list[str]:
    """Every string the code writes (docstrings aside): constants, the literal parts of
    f-strings, and the names of keyword arguments (``filter(memberships__user=…)``)."""
    prose = docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in prose:
                found.append(node.value)
        elif isinstance(node, ast.keyword) and node.arg:
            found.append(node.arg)
    return found


def lookups(tree) -> list[str]:
    """The ORM lookups the code writes: keyword arguments (``filter(parent__in=…)``),
    string keys of dict literals and the literal parts of f-strings
    (``Q(**{f"{prefix}parent__in": …})``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg:
            found.append(node.arg)
        elif isinstance(node, ast.Dict):
            found += [k.value for k in node.keys if isinstance(k, ast.Constant)]
            found += [
                part.value
                for key in node.keys
                if isinstance(key, ast.JoinedStr)
                for part in key.values
                if isinstance(part, ast.Constant)
            ]
    return [text for text in found if isinstance(text, str)]


def attributes(tree) -> set[str]:
    """``a.b`` as "a.b" and ".b" for every attribute read; plain names as themselves."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            found.add(f".{node.attr}")
            if isinstance(node.value, ast.Name):
                found.add(f"{node.value.id}.{node.attr}")
        elif isinstance(node, ast.Name):
            found.add(node.id)
    return found


# Writing a scope rule needs one of these: the memberships, the superuser flag, the plan
# administrators group, the unit-and-descendants lookup over a set of units.
SCOPE_ATTRIBUTES = {"Membership.objects", ".memberships", ".is_superuser", "PLAN_ADMINISTRATORS"}
SCOPE_LOOKUPS = ("memberships__", "responsible_unit__in")
# Modules that name these without deciding scope: the group definitions, the demo
# accounts' setup (it creates memberships), and the membership model itself.
NOT_SCOPE = {
    "targets.domain.roles",
    "targets.management.commands.setup_demo",
    "targets.domain.models.memberships",
    # Power over accounts (who may grant which group to whom), not over units and
    # entries: the user admin keeps it beside the forms it shapes.
    "targets.entry.admin.users",
}


def scope_rule_writers() -> dict[str, list[str]]:
    writers = {}
    for name, path in project_modules().items():
        if name in NOT_SCOPE | {"targets.domain.scope"}:
            continue
        tree = ast.parse(path.read_text())
        found = sorted(SCOPE_ATTRIBUTES & attributes(tree))
        found += sorted({s for s in strings(tree) for lookup in SCOPE_LOOKUPS if lookup in s})
        if found:
            writers[name] = found
    return writers


def test_only_the_scope_module_writes_scope_rules():
    assert scope_rule_writers() == {}


def test_the_scope_walk_sees_f_strings_and_keywords(tmp_path):
    tree = ast.parse(
        'q = Q(**{f"{prefix}parent__parent__in": units})\n'
        'led = Q(**{f"{prefix}responsible_unit__in": units})\n'
        "units.filter(memberships__user=user)\n"
        "if user.is_superuser: pass\n"
        'units.select_related("parent__parent")\n'
    )
    found = {s for s in strings(tree) for lookup in SCOPE_LOOKUPS if lookup in s}
    assert found == {"responsible_unit__in", "memberships__user"}
    assert ".is_superuser" in attributes(tree)
    assert [text for text in lookups(tree) if "parent__parent" in text] == ["parent__parent__in"]


def test_the_tree_is_descended_by_one_rule():
    """ "A unit and the units below it" is written once, by the unit model
    (``at_or_below_q`` and its Python twin ``line_ids``); everything else calls it."""
    writers = {
        name
        for name, path in project_modules().items()
        if any("parent__parent" in text for text in lookups(ast.parse(path.read_text())))
    }
    assert writers == {"targets.domain.models.units"}


def sums_entries(tree) -> bool:
    """Whether the code sums entries' figures: ``Sum("numerator")`` and the like, or SQL
    text with ``SUM(`` (an f-string's literal parts included)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Sum"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in ("numerator", "denominator", "value")
        ):
            return True
    return any("SUM(" in text for text in strings(tree))


def test_entries_are_aggregated_only_by_the_rollup():
    """No module but the roll-up sums entries."""
    writers = {
        name
        for name, path in project_modules().items()
        if sums_entries(ast.parse(path.read_text()))
    }
    assert writers == {"targets.domain.rollup"}
