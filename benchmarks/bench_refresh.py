"""Refresh timings, each run the real CLI in its own process, measured as a process tree (wall time
and peak resident memory of the refresh and every stage process it starts: benchmarks.measure):

- `make run` from clean (the sample's two snapshots and the embedded real one), split by the
  refresh's steps (ingest, build, report, publish: the run log's `step_seconds`);
- the sample: a no-change run (the scheduled job's usual case, which must stay under 2 s) and a run
  where one new snapshot arrives;
- history: monthly snapshots of `--scale` positions published one refresh at a time; the time to
  add the 1st, 6th and 12th snapshot (the issue's goal: the 12th costs at most 1.5x the 1st) and
  the published warehouse's size after each. dbt's run_results.json of every addition is kept
  beside the data (`history_scale_<scale>_run_results/add_<n>.json`): per-node execution_time
  shows what grows with the history kept.

    python -m benchmarks.bench_refresh [--history-scale 127] [--history-snapshots 12]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from benchmarks.measure import run_measured
from pipelines import paths
from pipelines.sample import evolve_snapshot, generate_sample

CLI = str(Path(sys.executable).with_name("servir-pm"))
ROOT = Path(__file__).resolve().parent.parent
REPORTED_HISTORY = (1, 6, 12)  # which additions the history case prints


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVIR_PM_")}
    env.update({"SERVIR_PM_DATA": str(data), "SERVIR_PM_REPORTS": str(data / "reports")})
    return env


def _cli(data: Path, *args: str) -> dict:
    measured = run_measured([CLI, *args], _env(data), cwd=ROOT)
    row = {"seconds": measured["seconds"], "peak_mb": measured["peak_mb"]}
    if measured["code"] != 0:
        row["error"] = f"exit {measured['code']}: " + " | ".join(measured["stderr"].strip().splitlines()[-2:])
    return row


def _last_run(data: Path) -> dict:
    lines = (data / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(lines[-1])


def _last_steps(data: Path) -> dict[str, float]:
    return _last_run(data).get("step_seconds", {})


def _by_stage(steps: dict[str, float]) -> dict[str, float]:
    """`ingest 2016-05-31` and `ingest 2016-11-30` add up as `ingest`."""
    totals: dict[str, float] = {}
    for step, seconds in steps.items():
        if step == "start":  # before the first step: nothing ran
            continue
        stage = step.split(" ")[0]
        totals[stage] = round(totals.get(stage, 0.0) + seconds, 2)
    return totals


def make_run(workdir: Path) -> list[dict]:
    """`servir-pm run --min-age 0` (what `make run` calls) on an empty data folder, by stage. `make
    clean` also empties dbt's target folder: the record of passed rule checks goes too, so the run
    checks the rules as a run after `make clean` does (pipelines/build/rule_checks.py)."""
    from pipelines.build import rule_checks

    data = workdir / "make_run"
    shutil.rmtree(data, ignore_errors=True)
    (ROOT / "target" / rule_checks.RECORD_FILE).unlink(missing_ok=True)
    rows = [{"stage": "make run from clean (total)", **_cli(data, "run", "--min-age", "0")}]
    if "error" not in rows[0]:
        rows += [{"stage": f"  of which {stage}", "seconds": seconds}
                 for stage, seconds in _by_stage(_last_steps(data)).items()]
    return [{"case": "make run", **row} for row in rows]


def sample(workdir: Path) -> list[dict]:
    data = workdir / "refresh"
    shutil.rmtree(data, ignore_errors=True)
    first, second, third = "2016-05-31", "2016-11-30", "2017-05-31"
    generate_sample(data / "raw" / first, snapshot_date=first)
    evolve_snapshot(data / "raw" / first, data / "raw" / second, snapshot_date=second)
    rows = [{"stage": "refresh: first publish (2 snapshots)", **_cli(data, "refresh", "--min-age", "0")}]
    for i in range(3):
        rows.append({"stage": f"refresh: nothing changed ({i + 1})", **_cli(data, "refresh", "--min-age", "0")})
    evolve_snapshot(data / "raw" / second, data / "raw" / third, snapshot_date=third, seed=20170531)
    rows.append({"stage": "refresh: one new snapshot", **_cli(data, "refresh", "--min-age", "0")})
    return [{"case": "sample refresh", **row} for row in rows]


def _month_end(index: int) -> str:
    """2016-01-31, 2016-02-29, ...: the last day of the index-th month of 2016 onwards."""
    import datetime as dt

    year, month = 2016 + index // 12, index % 12 + 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).isoformat()


def history(workdir: Path, scale: float, snapshots: int) -> list[dict]:
    """Publish `snapshots` monthly snapshots one refresh at a time; report adding the 1st, 6th, 12th."""
    data = workdir / f"history_scale_{scale:g}"
    results = workdir / f"history_scale_{scale:g}_run_results"
    for folder in (data, results):
        shutil.rmtree(folder, ignore_errors=True)
    results.mkdir(parents=True)
    rows = []
    for index in range(snapshots):
        name = _month_end(index)
        if index == 0:
            generate_sample(data / "raw" / name, scale=scale, snapshot_date=name)
        else:
            previous = data / "raw" / _month_end(index - 1)
            evolve_snapshot(previous, data / "raw" / name, snapshot_date=name, seed=20160000 + index)
        row = _cli(data, "refresh", "--min-age", "0")
        run_results = paths.dbt_target_dir() / "run_results.json"  # the refresh's dbt build writes it here
        if run_results.is_file():
            shutil.copyfile(run_results, results / f"add_{index + 1:02d}.json")
        if (data / "warehouse.duckdb").is_file():  # DuckDB never shrinks its file: does it keep growing?
            row["warehouse_mb"] = round((data / "warehouse.duckdb").stat().st_size / 2**20)
        if "error" not in row:
            run = _last_run(data)
            kind = (run.get("build") or {}).get("kind", "full")  # incremental once one is published
            row["note"] = f"{kind} build; " + ", ".join(
                f"{stage} {sec:g} s" for stage, sec in _by_stage(run.get("step_seconds", {})).items())
        if index + 1 in REPORTED_HISTORY or index + 1 == snapshots or "error" in row:
            rows.append({"case": f"history (scale {scale:g})", "stage": f"refresh: add snapshot {index + 1}",
                         **row})
        if "error" in row:
            break
    return rows


def run(workdir: Path, history_scale: float | None = None, history_snapshots: int = 12) -> list[dict]:
    rows = make_run(workdir) + sample(workdir)
    if history_scale:
        rows += history(workdir, history_scale, history_snapshots)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history-scale", type=float, default=127.0)
    parser.add_argument("--history-snapshots", type=int, default=12)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench_out")
    args = parser.parse_args()
    for row in run(args.workdir, args.history_scale, args.history_snapshots):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
