"""Benchmark the embedded sample generator: seconds and peak memory at scale 1 and `--scale`.

    python -m benchmarks.bench_sample [--scale 127] [--out DIR]

Each run is a separate process so peak memory (ru_maxrss) belongs to that run alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _run_one(scale: float, out: Path) -> dict:
    from pipelines.sample import generate_sample

    start = time.perf_counter()
    summary = generate_sample(out, scale=scale)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    size_mb = sum(f.stat().st_size for f in out.iterdir()) / 2**20
    return {"scale": scale, "seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1),
            "positions": summary["rows"]["positions"], "chunks": summary["chunks"],
            "disk_mb": round(size_mb, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=127.0)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: a temp dir)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_run_one(args.scale, args.out)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for scale in (1.0, args.scale):
            out = (args.out or Path(tmp)) / f"scale_{scale:g}"
            cmd = [sys.executable, "-m", "benchmarks.bench_sample", "--one",
                   "--scale", str(scale), "--out", str(out)]
            result = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            print(f"scale {result['scale']:>6g}: {result['positions']:>9,} positions "
                  f"in {result['seconds']:>7.2f} s, peak {result['peak_mb']:>7.1f} MB, "
                  f"{result['chunks']} chunk(s), {result['disk_mb']} MB on disk")


if __name__ == "__main__":
    main()
