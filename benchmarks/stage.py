"""Run one pipeline stage and print its wall time and peak memory as one JSON line.

Used by run_all in a fresh subprocess per stage, so each peak is that stage's own.
    python -m benchmarks.stage sample OUT_DIR SCALE
    python -m benchmarks.stage ingest SNAPSHOT_DIR
    python -m benchmarks.stage build SNAPSHOT
    python -m benchmarks.stage build-rules-changed SNAPSHOT   (the build after an edit to a seed: the
        record of passed rule checks is dropped first, so all 105 data tests run)
    python -m benchmarks.stage report SNAPSHOT
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _run(stage: str, args: list[str]) -> dict:
    if stage == "sample":
        from pipelines.sample import generate_sample

        summary = generate_sample(Path(args[0]), scale=float(args[1]), snapshot_date=Path(args[0]).name)
        return {"rows": summary["rows"]["positions"]}
    if stage == "ingest":
        from pipelines.ingest.snapshot import ingest_snapshot

        result = ingest_snapshot(Path(args[0]))
        return {"rows": sum(f.rows_read for f in result.files if f.table == "positions"),
                "quarantined": sum(f.rows_quarantined for f in result.files)}
    if stage in ("build", "build-rules-changed"):
        from pipelines import paths
        from pipelines.build import rule_checks
        from pipelines.build.warehouse import build

        if stage == "build-rules-changed":
            (paths.dbt_target_dir() / rule_checks.RECORD_FILE).unlink(missing_ok=True)
        return {"rule_checks_reused": build(args[0]).rule_checks_reused}
    if stage == "report":
        from pipelines.report.render import render

        return {"pages": len(render(args[0]))}
    raise SystemExit(f"unknown stage {stage}")


def main() -> None:
    stage, args = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    extra = _run(stage, args)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"stage": stage, "seconds": round(seconds, 2), "peak_mb": round(peak_mb), **extra}))


if __name__ == "__main__":
    main()
