"""Ingest of a scale-N sample against the raw-read limit, in one run on the same file.

Three child processes read the same positions file: `servir-pm` ingest of the snapshot, polars
`scan_csv -> sink_parquet` and DuckDB `read_csv -> COPY ... (FORMAT parquet)`. Each child's wall
time (interpreter start and imports included) and peak RSS (`ru_maxrss` of that child, from
`os.wait4`) are printed, with the ingest's ratio to each baseline. Asserts nothing.

    python -m benchmarks.bench_ingest [--scale 127] [--repeat 1] [--workdir bench_out/ingest]

The sample is generated once per scale (benchmarks.stage sample) and reused while its folder exists.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = "2016-05-31"
BASELINES = ("polars", "duckdb")


def _baseline(kind: str, csv_path: Path, out: Path) -> None:
    """The raw-read limit: CSV in, Parquet out, nothing checked."""
    if kind == "polars":
        import polars as pl

        pl.scan_csv(csv_path).sink_parquet(out)
    else:
        import duckdb

        path = str(csv_path).replace("'", "''")
        duckdb.sql(f"COPY (SELECT * FROM read_csv('{path}')) TO '{out}' (FORMAT parquet)")


def _child(args: list[str], env: dict[str, str]) -> dict:
    """Run `python -m ...args` and return its wall seconds, peak MB and last JSON line (if any)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        lines = out.read().strip().splitlines()
        result: dict = {"seconds": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024)}
        if proc.returncode:
            result["error"] = " | ".join((err.read().strip().splitlines() or ["failed"])[-2:])
        elif lines and lines[-1].startswith("{"):
            result.update({k: v for k, v in json.loads(lines[-1]).items() if k not in ("seconds", "peak_mb")})
        return result


def _env(data: Path) -> dict[str, str]:
    return {**os.environ, "SERVIR_PM_DATA": str(data), "SERVIR_PM_WAREHOUSE": str(data / "warehouse.duckdb")}


def ensure_sample(scale: float, workdir: Path) -> Path:
    """data/raw/<snapshot> of a scale-`scale` sample under `workdir` (generated once)."""
    data = workdir / f"scale_{scale:g}"
    raw = data / "raw" / SNAPSHOT
    if not (raw / "positions.csv").exists():
        shutil.rmtree(data, ignore_errors=True)
        made = _child(["benchmarks.stage", "sample", str(raw), str(scale)], _env(data))
        if "error" in made:
            raise SystemExit(f"sample generation failed: {made['error']}")
    return raw


def baseline_rows(raw: Path, ingest: dict, case: str) -> list[dict]:
    """Rows for run_all: each baseline on `raw`'s positions file, and the ingest's ratio to it."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in BASELINES:
            row = _child(["benchmarks.bench_ingest", "--one", kind, str(raw / "positions.csv"),
                          str(Path(tmp) / f"{kind}.parquet")], dict(os.environ))
            ratio = ingest.get("seconds", 0) / row["seconds"] if row.get("seconds") else None
            rows.append({"case": case, "stage": f"ingest baseline: {kind}", **row,
                         "note": row.get("error") or (f"ingest is {ratio:.1f}x this" if ratio else "")})
    return rows


def run(scale: float, workdir: Path, repeat: int) -> list[dict]:
    raw = ensure_sample(scale, workdir)
    size_mb = (raw / "positions.csv").stat().st_size / 2**20
    runs: dict[str, list[dict]] = {"ingest": [], **{k: [] for k in BASELINES}}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):  # interleaved, so a busy moment of the machine hits all three alike
            runs["ingest"].append(_child(["benchmarks.stage", "ingest", str(raw)], _env(raw.parent.parent)))
            for kind in BASELINES:
                runs[kind].append(_child(["benchmarks.bench_ingest", "--one", kind, str(raw / "positions.csv"),
                                          str(Path(tmp) / f"{kind}.parquet")], dict(os.environ)))
    out = []
    for name, results in runs.items():
        failed = [r["error"] for r in results if "error" in r]
        out.append({"what": name, "file_mb": round(size_mb), "error": failed[0] if failed else None,
                    "seconds": statistics.median(r["seconds"] for r in results),
                    "peak_mb": statistics.median(r["peak_mb"] for r in results),
                    "rows": results[0].get("rows"), "all_seconds": [r["seconds"] for r in results]})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=127.0)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; medians are printed")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench_out" / "ingest")
    parser.add_argument("--one", nargs=3, metavar=("KIND", "CSV", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _baseline(args.one[0], Path(args.one[1]), Path(args.one[2]))
        return
    results = run(args.scale, args.workdir, args.repeat)
    ingest = results[0]
    print(f"scale {args.scale:g}: {ingest['rows'] or 0:,} positions, {ingest['file_mb']} MB CSV, "
          f"median of {args.repeat} run(s)")
    print(f"{'what':<8} {'seconds':>8} {'peak MB':>8} {'ingest / this (time)':>21} {'(memory)':>9}  runs")
    for r in results:
        time_ratio = ingest["seconds"] / r["seconds"] if r["seconds"] else float("nan")
        memory_ratio = ingest["peak_mb"] / r["peak_mb"] if r["peak_mb"] else float("nan")
        print(f"{r['what']:<8} {r['seconds']:>8.2f} {r['peak_mb']:>8.0f} {time_ratio:>20.2f}x {memory_ratio:>8.2f}x  "
              f"{r['all_seconds']}{'  ERROR: ' + r['error'] if r['error'] else ''}")


if __name__ == "__main__":
    main()
