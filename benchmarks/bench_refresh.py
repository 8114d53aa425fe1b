"""Refresh timings: first publish of the two-snapshot sample, a no-change run (the scheduled job's
usual case, which must stay under 2 s), and a run where one new snapshot arrives.

Each run is the real CLI in its own process; peak memory is that process tree's largest RSS.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipelines.sample import evolve_snapshot, generate_sample

_WRAPPER = ("import json, resource, subprocess, sys, time\n"
            "t = time.perf_counter(); p = subprocess.run(sys.argv[1:], capture_output=True)\n"
            "print(json.dumps({'seconds': round(time.perf_counter() - t, 2), 'code': p.returncode,\n"
            "  'peak_mb': round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}))")


def _refresh(env: dict[str, str]) -> dict:
    cli = str(Path(sys.executable).with_name("servir-pm"))
    # --min-age 0: the benchmark's snapshots are generated a moment before each run.
    out = subprocess.run([sys.executable, "-c", _WRAPPER, cli, "refresh", "--min-age", "0"], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def run(workdir: Path) -> list[dict]:
    data = workdir / "refresh"
    shutil.rmtree(data, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVIR_PM_")}
    env.update({"SERVIR_PM_DATA": str(data), "SERVIR_PM_REPORTS": str(data / "reports")})
    first, second, third = "2016-05-31", "2016-11-30", "2017-05-31"
    generate_sample(data / "raw" / first, snapshot_date=first)
    evolve_snapshot(data / "raw" / first, data / "raw" / second, snapshot_date=second)
    rows = [{"stage": "refresh: first publish (2 snapshots)", **_refresh(env)}]
    for i in range(3):
        rows.append({"stage": f"refresh: nothing changed ({i + 1})", **_refresh(env)})
    evolve_snapshot(data / "raw" / second, data / "raw" / third, snapshot_date=third, seed=20170531)
    rows.append({"stage": "refresh: one new snapshot", **_refresh(env)})
    for row in rows:
        row["case"] = "sample refresh"
        if row.pop("code") != 0:
            row["error"] = "non-zero exit"
    return rows
