"""The layout DESIGN.md promises, checked from the source: each platform one package on each
side, the sandbox importing nothing from the client, typer only in cli/, rich only in
output/, no import cycle, every module saying in its first line what it holds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from outreach_cli.providers import PROVIDERS
from tests.helpers import REPO

PACKAGE = REPO / "outreach_cli"
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(name: str, path: Path, everywhere: bool = False) -> set[str]:
    """outreach_cli modules `name` imports when it is imported (not under TYPE_CHECKING, not
    inside functions), and the third-party top-level packages it imports; `everywhere`: its
    imports at any level too (inside functions and classes, never under TYPE_CHECKING)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text("utf-8"))
    if everywhere:
        skipped = {id(n) for top in ast.walk(tree) if _is_type_checking(top) for n in ast.walk(top)}
        nodes = [n for n in ast.walk(tree) if id(n) not in skipped]
    else:
        nodes = list(tree.body)
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base) + (f".{node.module}" if node.module else "")
            else:
                module = node.module or ""
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                found.add(candidate if candidate in MODULES else module)
    return found


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}
ALL_IMPORTS = {name: _imports(name, path, everywhere=True) for name, path in MODULES.items()}


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_each_platform_is_one_package_on_each_side(name: str) -> None:
    client = PACKAGE / "providers" / name
    for part in (
        "__init__.py",
        "adapter.py",
        "rules.py",
        "schema.json",
        "leads.py",
        "importing.py",
    ):
        assert (client / part).is_file(), f"providers/{name}/{part} is missing"
    assert (PACKAGE / "sandbox" / name / "__init__.py").is_file()


def test_the_sandbox_imports_nothing_from_the_client_side() -> None:
    offenders = {
        name: sorted(
            d
            for d in deps
            if d.startswith("outreach_cli") and not d.startswith("outreach_cli.sandbox")
        )
        for name, deps in IMPORTS.items()
        if name.startswith("outreach_cli.sandbox")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_typer_only_in_cli_and_rich_only_in_output() -> None:
    typer = {n for n, deps in IMPORTS.items() if any(d.split(".")[0] == "typer" for d in deps)}
    rich = {n for n, deps in IMPORTS.items() if any(d.split(".")[0] == "rich" for d in deps)}
    assert all(n.startswith("outreach_cli.cli") for n in typer), typer
    assert all(n == "outreach_cli.output" or n.startswith("outreach_cli.output.") for n in rich), (
        rich
    )


def _cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    graph = {n: {d for d in deps if d in MODULES and d != n} for n, deps in imports.items()}

    def parent_edge(a: str, b: str) -> bool:  # a package and its own submodule
        return a.startswith(b + ".") or b.startswith(a + ".")

    state: dict[str, int] = {}
    path: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                if not all(parent_edge(a, b) for a, b in zip(cycle, cycle[1:], strict=False)):
                    cycles.append(cycle)
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_import_cycle() -> None:
    assert _cycles(IMPORTS) == []


def test_no_import_cycle_even_through_imports_inside_functions() -> None:
    """A module importing another inside a function to dodge a cycle still has the cycle:
    the two concepts depend on each other. Only TYPE_CHECKING imports are left out."""
    assert _cycles(ALL_IMPORTS) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_is_small_and_says_what_it_holds(name: str) -> None:
    text = MODULES[name].read_text("utf-8")
    doc = ast.get_docstring(ast.parse(text))
    assert doc, f"{name} has no module docstring"
    assert len(doc.splitlines()[0]) <= 100
    assert text.count("\n") <= MAX_LINES, f"{name}: split it by what a reader looks for"
