"""`make bench`: time and peak memory of every stage, on the default sample and on a
national-payroll-sized file (~1.4 million positions, scale 127; the build also per position), plus
`make run` from clean split by stage, the scheduled refresh (first publish, no-change run, one new
snapshot) and a monthly history at scale 127 (time to add the 1st, 6th and 12th snapshot).
Prints a table; asserts nothing.

    python -m benchmarks.run_all [--scale 127] [--skip-large] [--history-snapshots 12]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _stage(env: dict[str, str], *args: str) -> dict:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "benchmarks.stage", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"stage": args[0], "error": " | ".join(tail), "seconds": round(time.perf_counter() - started, 2)}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _dbt_startup(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "dbt"), "--version"], cwd=ROOT, env=env,
                   capture_output=True, check=False)
    return round(time.perf_counter() - started, 2)


def run_case(name: str, scale: float, workdir: Path, stages: list[str]) -> list[dict]:
    data = workdir / name
    if data.exists():
        shutil.rmtree(data)
    env = {**os.environ, "SERVIR_PM_DATA": str(data), "SERVIR_PM_WAREHOUSE": str(data / "warehouse.duckdb"),
           "SERVIR_PM_STAGING": str(data / "staging"), "SERVIR_PM_REPORTS": str(data / "reports")}
    snapshot = "2016-05-31"
    raw = data / "raw" / snapshot
    rows = [_stage(env, "sample", str(raw), str(scale))]
    for stage in stages:
        rows.append(_stage(env, stage, str(raw) if stage == "ingest" else snapshot))
    for row in rows:
        row["case"] = name
    if "build" in stages:
        rows.append({"case": name, "stage": "dbt start-up (dbt --version)", "seconds": _dbt_startup(env)})
    return rows


def _per_position(rows: list[dict]) -> list[dict]:
    """The build's time and peak memory per position of the case (positions: the sample stage's rows)."""
    positions = next((r["rows"] for r in rows if r.get("stage") == "sample" and r.get("rows")), 0)
    for row in rows:
        if row.get("stage", "").startswith("build") and positions and "error" not in row:
            row["note"] = (f"{row['seconds'] / positions * 1e6:.1f} us and "
                           f"{row['peak_mb'] * 2**20 / positions / 1024:.2f} KiB peak per position; "
                           f"{row.get('rule_checks_reused', 0)} rule checks left out")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=127.0)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--history-snapshots", type=int, default=12,
                        help="monthly snapshots of --scale positions the history case publishes one by one")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench_out")
    args = parser.parse_args()
    from benchmarks import bench_ingest, bench_refresh

    results = run_case("sample (scale 1)", 1.0, args.workdir, ["ingest", "build", "report"])
    if not args.skip_large:
        name = f"large (scale {args.scale:g})"
        # The routine build (the rules' own checks passed by the sample's build of the same code and
        # left out: pipelines/build/rule_checks.py), then the build right after a rule edit.
        large = _per_position(run_case(name, args.scale, args.workdir, ["ingest", "build", "build-rules-changed"]))
        ingest = next(r for r in large if r["stage"] == "ingest")
        results += large + bench_ingest.baseline_rows(args.workdir / name / "raw" / "2016-05-31", ingest, name)
    # make run by stage, the sample's refreshes and (unless --skip-large) the monthly history.
    results += bench_refresh.run(args.workdir, None if args.skip_large else args.scale, args.history_snapshots)
    print(f"{'case':<22} {'stage':<30} {'seconds':>9} {'peak MB':>9} {'rows':>11}  note")
    for r in results:
        note = r.get("error") or r.get("note", "")
        rows = f"{r['rows']:,}" if isinstance(r.get("rows"), int) else ""
        peak = r.get("peak_mb", "")
        print(f"{r['case']:<22} {r['stage']:<30} {r['seconds']:>9} {peak!s:>9} {rows:>11}  {note}")


if __name__ == "__main__":
    main()
