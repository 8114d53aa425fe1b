"""pyproject.toml declares what the code imports and nothing it does not use; test-only packages sit
in the dev extra; every pin is the version requirements.lock installs (issue 15 item 8).

The imports are read from the source files (ast), the declarations from pyproject.toml, the pins from
requirements.lock; only the import name -> distribution map comes from the installed environment.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("pipelines", "notebooks", "benchmarks")  # what `make run` and `make bench` execute
# Declared although never imported, each for a reason pyproject.toml gives next to the list.
USED_WITHOUT_IMPORT = {"dbt-duckdb", "ipykernel", "jupyterlab", "fastexcel", "ruff", "pytest-xdist"}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[=<>!~\[; ]", requirement, maxsplit=1)[0]).lower()


def _pins(requirements: list[str]) -> dict[str, str]:
    return {_name(r): r.split("==", 1)[1].strip() for r in requirements}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _is_local(module: str) -> bool:
    return any((ROOT / folder / module).exists() or (ROOT / folder / f"{module}.py").exists()
               for folder in (".", "tests"))


def _imported_modules(folders: tuple[str, ...]) -> dict[str, set[str]]:
    """Third-party top-level module -> files importing it (stdlib and the project's own left out)."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and not _is_local(top):
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@cache
def _installed() -> dict[str, list[str]]:
    return packages_distributions()


def _distributions(module: str) -> set[str]:
    return {_name(d) for d in _installed().get(module, [])}


def test_every_import_of_the_shipped_code_is_a_declared_dependency() -> None:
    declared = set(_pins(_project()["dependencies"]))
    undeclared = {module: sorted(files) for module, files in _imported_modules(SHIPPED).items()
                  if not _distributions(module) & declared}
    assert undeclared == {}


def test_every_import_of_the_tests_is_declared_in_the_dependencies_or_the_dev_extra() -> None:
    project = _project()
    declared = set(_pins(project["dependencies"])) | set(_pins(project["optional-dependencies"]["dev"]))
    undeclared = {module: sorted(files) for module, files in _imported_modules(("tests",)).items()
                  if not _distributions(module) & declared}
    assert undeclared == {}


def test_nothing_is_declared_that_nothing_uses() -> None:
    project = _project()
    shipped = {d for module in _imported_modules(SHIPPED) for d in _distributions(module)}
    tests = {d for module in _imported_modules(("tests",)) for d in _distributions(module)}
    unused = set(_pins(project["dependencies"])) - shipped - USED_WITHOUT_IMPORT
    assert unused == set()
    # (A package only the tests import is in `unused` above: it belongs in the dev extra.)
    unused_dev = set(_pins(project["optional-dependencies"]["dev"])) - tests - USED_WITHOUT_IMPORT
    assert unused_dev == set()


def test_every_pin_is_the_version_the_lock_installs() -> None:
    project = _project()
    lines = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    lock = _pins([line for line in lines if "==" in line and not line.startswith("#")])
    wanted = _pins(project["dependencies"]) | _pins(project["optional-dependencies"]["dev"])
    assert {name: (version, lock.get(name)) for name, version in wanted.items() if lock.get(name) != version} == {}
