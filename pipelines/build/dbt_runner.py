"""Run dbt in-process (dbtRunner) against the project, with paths taken from `pipelines.paths`.

Failures become `BuildError` naming the failing node and dbt's message, never a traceback.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from contextlib import chdir, suppress
from pathlib import Path
from typing import Any

from pipelines import paths
from pipelines.errors import BuildError

# Statuses dbt gives a node that stopped the build (RunStatus / TestStatus values).
_FAILED = {"error", "fail", "runtime error"}


def dbt_environment() -> dict[str, str]:
    """Paths for profiles.yml and dbt_project.yml, relative to the data folder dbt runs in.

    dbt re-parses the whole project (5-8 s) whenever an environment variable the project reads
    changes value; a refresh builds in a new work folder every run, so absolute paths would defeat
    partial parsing. Relative to the data folder they are the same for every build
    (`staging`, `warehouse.duckdb`), and `run_dbt` runs dbt from that folder.
    """
    root = paths.data_dir()
    return {
        "SERVIR_PM_STAGING": os.path.relpath(paths.staging_dir(), root),
        "SERVIR_PM_WAREHOUSE": os.path.relpath(paths.warehouse_path(), root),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def run_dbt(
    command: Sequence[str],
    *,
    dbt_vars: Mapping[str, Any] | None = None,
    project_dir: Path | None = None,
    quiet: bool = True,
    manifest_json: bool = True,
) -> Any:
    """Invoke `dbt <command>`; return dbt's result object or raise BuildError.

    manifest_json=False: dbt does not write target/manifest.json (5 MB, written twice per build: after
    parsing and again at the end, ~1-2 s of a build's fixed cost; nothing here reads it, and partial
    parsing keeps its own target/partial_parse.msgpack). target/run_results.json, the per-node
    timings, is still written, from the result dbt returns.
    """
    from dbt.cli.main import dbtRunner  # imported late: dbt's import costs about a second

    project = (project_dir or paths.PROJECT_ROOT).resolve()
    args = [*command, "--project-dir", str(project), "--profiles-dir", str(project), "--no-use-colors",
            "--target-path", str(paths.dbt_target_dir(project)), "--log-path", str(project / "logs")]
    if quiet:
        args.append("--quiet")
    if not manifest_json:
        args.append("--no-write-json")  # also skips run_results.json: written below instead
    if dbt_vars:
        args += ["--vars", json.dumps(dict(dbt_vars), sort_keys=True)]
    paths.warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    paths.data_dir().mkdir(parents=True, exist_ok=True)
    with paths.environment(dbt_environment()), chdir(paths.data_dir()):
        try:
            outcome = dbtRunner().invoke(args)
        finally:
            _release_warehouse()
    if not manifest_json:
        _write_run_results(outcome.result, paths.dbt_target_dir(project))
    name = " ".join(command[:1])
    if outcome.exception is not None:
        raise BuildError(
            problem=f"dbt {name} stopped before running: {str(outcome.exception).strip()}",
            fix="fix the project file named above (YAML, SQL or seed) and build again",
            file=project,
        )
    if not outcome.success:
        raise BuildError(problem=f"dbt {name} failed:\n" + _describe_failures(outcome.result),
                         fix=_fix_hint(outcome.result), file=project)
    return outcome.result


def _write_run_results(result: Any, target: Path) -> None:
    """target/run_results.json as dbt writes it (per-node status and execution_time)."""
    if hasattr(result, "write"):
        target.mkdir(parents=True, exist_ok=True)
        result.write(str(target / "run_results.json"))


def _release_warehouse() -> None:
    """Close the DuckDB database dbt-duckdb keeps open for the life of the process.

    Without this, the export's read-only connection to the same file fails ("different
    configuration than existing connections") and the file stays locked after an in-process build.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter: nothing held
        return
    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if env is not None:
            with suppress(Exception):  # already closed is fine
                env.close()


def _failures(result: Any) -> list[Any]:
    return [r for r in getattr(result, "results", None) or [] if str(r.status).lower() in _FAILED]


def _describe_failures(result: Any) -> str:
    failed = _failures(result)
    if not failed:
        return "  (no failing node reported; see logs/dbt.log)"
    lines = []
    for item in failed:
        node = getattr(item, "node", None)
        where = getattr(node, "unique_id", None) or getattr(node, "name", "?")
        message = " ".join(str(item.message or "").split())
        lines.append(f"  - {where}: {message}")
    return "\n".join(lines)


def _fix_hint(result: Any) -> str:
    failed = _failures(result)
    text = " ".join(str(item.message or "") for item in failed)
    if "No staging snapshot found" in text:
        return "run ingestion first (servir-pm ingest) so data/staging/<snapshot>/ holds the Parquet files"
    if any(getattr(getattr(i, "node", None), "resource_type", "") in ("test", "unit_test") for i in failed):
        return ("a data or unit test failed: check the rows it names "
                "(dbt test --select <test> --store-failures) and the seed or input that produced them")
    return "read dbt's message above; logs/dbt.log has the full SQL"
