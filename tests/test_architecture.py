"""The shape of the code: one rule per module, families by code block, lazy registration,
typed contracts, the layers of import-linter's contracts, and no import circle in the core.

These are the rules a contributor can rely on when looking for a rule's logic (its module is
named after it) or adding one (its family, its case file)."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ftlint
from ftlint import Applicability, Rule, load_plugins
from ftlint.engine.core_rules import CORE_RULES
from ftlint.testing import load_cases

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"

#: Each family's package and the block of codes its rules take (the longest prefix wins).
FAMILIES = {
    "FT0": "core",
    "FT1": "file",
    "FT2": "structure",
    "FT30": "formats",
    "FT94": "formats",
    "FT95": "formats",
    "FT31": "chat",
    "FT32": "chat",
    "FT33": "chat",
    "FT34": "chat",
    "FT4": "legacy",
    "FT5": "content",
    "FT6": "dataset",
    "FT7": "tokens",
    "FT8": "privacy",
    "FT9": "targets",
}


def family_of(code: str) -> str:
    prefixes = [p for p in FAMILIES if code.startswith(p)]
    assert prefixes, f"{code} is in no family's block: add it to FAMILIES"
    return FAMILIES[max(prefixes, key=len)]


def builtin_rules() -> list[type[Rule]]:
    """The rules the installed built-in plugins provide, and the core's own."""
    plugins = load_plugins([])
    rules = [r for r in plugins.rules() if r.__module__.startswith("ftlint.")]
    return [*CORE_RULES, *rules]


RULES = builtin_rules()


def module_of(rule: type[Rule]) -> str:
    return rule.name.replace("-", "_")


def _source_files() -> list[Path]:
    return sorted(
        path
        for folder in ("ftlint", "rules", "plugins")
        for path in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def _code_strings(path: Path) -> list[str]:
    """The string constants of a module's code: docstrings are prose and do not count."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_the_rule_list_is_complete():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes)), "two rules share a code"
    assert len(RULES) >= 65  # round 1 built 65


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_a_rule_lives_in_a_module_named_after_it_in_its_family(rule):
    family = family_of(rule.code)
    package = "ftlint.engine.core_rules" if family == "core" else f"ftlint.rules.{family}"
    assert rule.__module__ == f"{package}.{module_of(rule)}"
    doc = rule.__doc__ or ""
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety"):
        assert heading in doc, f"{rule.code}'s docstring lacks {heading!r}"


def test_every_rule_code_and_name_is_written_in_its_own_module_only():
    """A rule's code and name as strings in code (not prose) appear in its module alone:
    nothing elsewhere matches findings or fixes by a rule's name. Readers name the problems
    they meet by the kind the reporting rule declares (``problem_kinds``)."""
    strings = {path: _code_strings(path) for path in _source_files()}
    wanted: dict[str, type[Rule]] = {}
    for rule in RULES:
        wanted[rule.code] = rule
        wanted[rule.name] = rule
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(k) for k in sorted(wanted, key=len)[::-1])
        + r")(?![\w-])"
    )
    places: dict[str, set[str]] = {}
    for path, constants in strings.items():
        relative = path.relative_to(ROOT).with_suffix("").as_posix()
        for constant in constants:
            for match in pattern.finditer(constant):
                places.setdefault(match.group(1), set()).add(relative)
    problems = []
    for key, rule in wanted.items():
        family = family_of(rule.code)
        home = (
            f"ftlint/engine/core_rules/{module_of(rule)}"
            if family == "core"
            else f"rules/{family}/{module_of(rule)}"
        )
        found = places.get(key, set())
        if key in rule.problem_kinds:
            # A reader names the problem it met (``ReadProblem.kind``): the contract between
            # readers and the rule that reports what they met.
            found = {place for place in found if not place.startswith("plugins/")}
        if found != {home}:
            problems.append(f"{key!r} ({rule.code}) is written in {sorted(found)}, not only {home}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("family", sorted(set(FAMILIES.values()) - {"core"}))
def test_a_family_registers_its_rules_lazily(family):
    """The family's ``__init__`` imports no rule module at import time: its ``ftlint_rules``
    hook does, when rules are asked for (sqlfluff's ``get_rules``)."""
    init = ROOT / "rules" / family / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("ftlint.rules"), (family, node.module)
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith("ftlint.rules") for a in node.names), family
    hooks = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "ftlint_rules"]
    assert hooks, f"rules/{family}/__init__.py has no ftlint_rules hook"
    code = (
        f"import sys, ftlint.rules.{family} as family\n"
        f"print(sorted(m for m in sys.modules if m.startswith('ftlint.rules.{family}.')))\n"
        "family.ftlint_rules()\n"
        f"print(len([m for m in sys.modules if m.startswith('ftlint.rules.{family}.')]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "[]", f"importing the {family} family imported {out[0]}"
    assert int(out[1]) > 0


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_contracts_are_typed(rule):
    assert rule.fix_applicability is None or isinstance(rule.fix_applicability, Applicability)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_has_its_case_file(rule):
    """tests/cases/<family>/<rule-name>.yml with a passing and a failing case, and a fixed
    case when the rule has a fix."""
    path = CASES / family_of(rule.code) / f"{rule.name}.yml"
    assert path.is_file(), f"{rule.code} has no case file {path.relative_to(ROOT)}"
    cases = load_cases(path)
    assert {case.rule for case in cases} <= {rule.name, rule.code}
    passing = [c for c in cases if c.kind == "pass"]
    failing = [c for c in cases if c.spec.get("expect")]
    assert passing, f"{path.name} has no passing case (expect: [])"
    assert failing, f"{path.name} has no failing case"
    if rule.fix_applicability is not None:
        fixed = [c for c in cases if c.kind == "fixed"]
        assert fixed, f"{path.name} has no fixed case, and {rule.code} has a fix"


# ---------------------------------------------------------------------------------------------
# Layers


@pytest.fixture(scope="module")
def installed_tree(tmp_path_factory) -> Path:
    """The source laid out as it is installed: rules/ and plugins/ inside the package."""
    tree = tmp_path_factory.mktemp("layout")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "ftlint", tree / "ftlint", ignore=ignore)
    shutil.copytree(ROOT / "rules", tree / "ftlint" / "rules", ignore=ignore)
    shutil.copytree(ROOT / "plugins", tree / "ftlint" / "plugins", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree)}


def test_import_linter_contracts_are_kept(installed_tree):
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--config", "pyproject.toml", "--no-cache"],
        cwd=installed_tree,
        env=_env(installed_tree),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout, result.stdout


def test_the_core_contract_names_every_core_module():
    """A new core module is under the "core imports no rule" contract from its first day."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]
    listed = set(contract["source_modules"])
    core = {
        f"ftlint.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "ftlint").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert core <= listed, f"add {sorted(core - listed)} to the core contract in pyproject.toml"


_CYCLES = r"""
import sys
import grimp

graph = grimp.build_graph("ftlint", exclude_type_checking_imports=True)
core = sorted(
    m for m in graph.modules
    if m != "ftlint" and not m.startswith(("ftlint.rules", "ftlint.plugins"))
)
# The package's own __init__ re-exports the public API and imports everything; imports of
# the package name are not edges between modules.
edges = {
    m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i in core) for m in core
}
index, low, stack, on, cycles, counter = {}, {}, [], set(), [], [0]

def visit(node):
    index[node] = low[node] = counter[0]
    counter[0] += 1
    stack.append(node)
    on.add(node)
    for other in edges[node]:
        if other not in index:
            visit(other)
            low[node] = min(low[node], low[other])
        elif other in on:
            low[node] = min(low[node], index[other])
    if low[node] == index[node]:
        component = []
        while True:
            top = stack.pop()
            on.discard(top)
            component.append(top)
            if top == node:
                break
        if len(component) > 1:
            cycles.append(sorted(component))

sys.setrecursionlimit(10000)
for module in core:
    if module not in index:
        visit(module)
print(len(core))
for cycle in cycles:
    print(" ".join(cycle))
"""


def test_no_import_circle_in_the_core(installed_tree):
    """Between the core's modules (function-level imports included), no circle."""
    result = subprocess.run(
        [sys.executable, "-c", _CYCLES],
        cwd=installed_tree,
        env=_env(installed_tree),
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert int(lines[0]) > 20
    assert lines[1:] == [], "import circles:\n" + "\n".join(lines[1:])


def test_the_public_api_is_what_built_in_plugins_use():
    """Everything a built-in rule or plugin imports from ``ftlint`` itself is in ``__all__``."""
    exported = set(ftlint.__all__)
    missing = []
    for path in _source_files():
        if path.parts[len(ROOT.parts)] not in {"rules", "plugins"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "ftlint":
                missing += [
                    f"{path.relative_to(ROOT)}: {a.name}"
                    for a in node.names
                    if a.name not in exported
                ]
    assert not missing, missing
