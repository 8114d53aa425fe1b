"""Each heavy stage of a refresh (ingest one snapshot, build, report every affected snapshot) in its own
Python process, so the memory it took (polars frames, DuckDB buffers, dbt's manifest, a notebook
kernel) goes back to the system when it ends instead of staying with the refresh.

The parent passes the stage's arguments as JSON on stdin; the child writes its result, or the
error that stopped it, as JSON to a file the parent names. A PipelineError comes back as the same
kind of error (problem, fix, file, exit code); anything else as StageCrashError naming the exception
and the last lines the child wrote. The child inherits the environment, so a stage started inside
`paths.outputs_redirected` writes under the refresh's work folder.

    python -m pipelines.refresh.stages STAGE RESULT_FILE < arguments.json
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipelines.errors import PipelineError
from pipelines.privacy.redact import redact

STAGES = ("ingest", "build", "report")


class StageCrashError(Exception):
    """A stage's process ended on something other than a PipelineError (a bug, a panic, a kill)."""


def run_stage(stage: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Run `stage` in a child process; return its result or raise what stopped it."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; one of {', '.join(STAGES)}")
    with tempfile.TemporaryDirectory(prefix="servir_stage_") as scratch:
        result_file = Path(scratch) / "result.json"
        done = subprocess.run([sys.executable, "-m", "pipelines.refresh.stages", stage, str(result_file)],
                              input=json.dumps(arguments), capture_output=True, text=True, check=False)
        if not result_file.is_file():
            tail = redact(" | ".join((done.stderr or done.stdout).strip().splitlines()[-5:]))
            raise StageCrashError(f"the {stage} stage's process ended with code {done.returncode} "
                               f"before reporting: {tail or 'no output'}")
        record = json.loads(result_file.read_text(encoding="utf-8"))
    if "error" in record:
        raise _error_from(record["error"])
    return record["result"]


def _error_from(record: dict[str, Any]) -> BaseException:
    if record.get("kind") != "pipeline":
        return StageCrashError(f"{record['type']}: {record['message']}")
    known = {cls.__name__: cls for cls in _subclasses(PipelineError)}
    error = known.get(record["type"], PipelineError)(record["problem"], record["fix"], record.get("file"))
    error.exit_code = int(record["exit_code"])  # the child's kind of failure, whatever class came back
    return error


def _subclasses(cls: type) -> list[type]:
    found = [cls]
    for sub in cls.__subclasses__():
        found += _subclasses(sub)
    return found


# --- the child's side --------------------------------------------------------------------------

def _ingest(arguments: dict[str, Any]) -> dict[str, Any]:
    from pipelines.ingest.snapshot import ingest_snapshot

    result = ingest_snapshot(Path(arguments["raw"]))
    return {table: {"rows_read": sum(f.rows_read for f in result.files if f.table == table),
                    "rows_valid": sum(f.rows_valid for f in result.files if f.table == table),
                    "rows_quarantined": sum(f.rows_quarantined for f in result.files if f.table == table)}
            for table in ("entities", "positions")}


def _build(arguments: dict[str, Any]) -> dict[str, Any]:
    from pipelines import paths
    from pipelines.build.warehouse import build
    from pipelines.review.summary import classification_summary

    built = build(exports=list(arguments["exports"]), incremental=bool(arguments.get("incremental")))
    return {"dbt_tests_passed": built.tests_passed, "rule_checks_reused": built.rule_checks_reused,
            "mart_files": len(built.files),
            "classification": classification_summary(paths.warehouse_path(), arguments["exports"])}


def _report(arguments: dict[str, Any]) -> dict[str, Any]:
    """Every affected snapshot's pages, in one process and one kernel (pipelines.report.render_all)."""
    from pipelines.report.render import render_all

    lang = arguments["lang"]
    rendered = render_all(list(arguments["snapshots"]), lang)
    return {"report_pages": sum(len(pages) for pages in rendered.values())}


CHILD: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"ingest": _ingest, "build": _build,
                                                                  "report": _report}


def main(argv: list[str]) -> int:
    stage, result_file = argv[0], Path(argv[1])
    try:
        record: dict[str, Any] = {"result": CHILD[stage](json.loads(sys.stdin.read()))}
    except PipelineError as error:
        record = {"error": {"kind": "pipeline", "type": type(error).__name__, "problem": error.problem,
                            "fix": error.fix, "file": error.file, "exit_code": error.exit_code}}
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a bug, or a panic in a reader: the parent stops the refresh with it
        record = {"error": {"kind": "crash", "type": type(error).__name__, "message": redact(str(error))}}
    result_file.write_text(json.dumps(record), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
