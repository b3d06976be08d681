"""The layout shows the architecture: stages import downward only, and nothing imports in a circle.

The stages and their order are declared once, in pyproject.toml's import-linter
contract (docs/architecture.md draws them). Imports inside functions count,
and so do the modules that three packages import by name at run time (the
public API, the commands, the blueprints).
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

import cap_ptce

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(cap_ptce.__file__).resolve().parent


def _dynamic_imports() -> dict[str, set[str]]:
    """The imports made with importlib from a table: module -> modules it imports by name.

    Packages that import their public names on first use keep them in ``_API``
    (name -> module); the command line and the web app name their modules in
    ``COMMAND_MODULES`` and ``_BLUEPRINTS``.
    """
    found: dict[str, set[str]] = {}
    for init in sorted(PACKAGE.rglob("__init__.py")):
        name = ".".join(("cap_ptce", *init.parent.relative_to(PACKAGE).parts))
        package = importlib.import_module(name)
        tables = [
            getattr(package, "_API", {}).values(),
            getattr(package, "COMMAND_MODULES", {}).values(),
            getattr(package, "_BLUEPRINTS", ()),
        ]
        found[name] = {f"{name}.{module}" for table in tables for module in table}
    return found


def _import_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("cap_ptce", cache_dir=None)
    edges = {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    for module, targets in _dynamic_imports().items():
        edges[module] |= targets
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(root: str) -> None:
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_in_a_circle():
    assert _cycles(_import_graph()) == []


def test_the_cycle_check_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _lint_imports(config: Path, cwd: Path) -> subprocess.CompletedProcess:
    """import-linter's command, in its own process (it configures logging for itself)."""
    command = [
        sys.executable,
        "-c",
        "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
        "--config",
        str(config),
        "--no-cache",
    ]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_stages_import_downward_only():
    result = _lint_imports(ROOT / "pyproject.toml", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_lower_stage_importing_a_higher_one_breaks_the_contract(tmp_path):
    """The contract is not vacuous: the same layers refuse ``grid`` importing ``store``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    package = tmp_path / "cap_ptce"
    for layer in {name.strip() for level in layers for name in level.replace(":", "|").split("|")}:
        (package / layer).mkdir(parents=True)
        (package / layer / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "grid" / "__init__.py").write_text("from ..store import x\n", encoding="utf-8")
    contract = "\n".join(f'    "{level}",' for level in layers)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.importlinter]\nroot_package = "cap_ptce"\n[[tool.importlinter.contracts]]\n'
        f'name = "layers"\ntype = "layers"\ncontainers = ["cap_ptce"]\nlayers = [\n{contract}\n]\n',
        encoding="utf-8",
    )
    result = _lint_imports(tmp_path / "pyproject.toml", tmp_path)
    assert result.returncode == 1 and "cap_ptce.grid -> cap_ptce.store" in result.stdout, result.stdout


def test_at_most_six_modules_at_the_top():
    assert len(list(PACKAGE.glob("*.py"))) <= 6, sorted(p.name for p in PACKAGE.glob("*.py"))


@pytest.mark.parametrize("package", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_each_stage_says_what_it_owns_and_what_it_may_import(package):
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8"))) or ""
    doc = " ".join(doc.split())
    assert "Owns" in doc and "May import" in doc, f"cap_ptce.{package}'s docstring"
