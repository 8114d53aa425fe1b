"""`servir-pm sample`: generate the synthetic sample (both snapshots, or one on request)."""

from __future__ import annotations

from pathlib import Path

import typer

from pipelines import paths

SAMPLE_SEED = 20160531  # the sample's default seed (pipelines.sample.generate_sample)


def generate(out: Path | None, seed: int, scale: float, snapshot_date: str | None) -> None:
    from pipelines.console import progress
    from pipelines.sample import generate_sample

    if out is None and snapshot_date is None and seed == SAMPLE_SEED and scale == 1.0:
        from pipelines.refresh.bootstrap import generate_sample_snapshots

        written = generate_sample_snapshots(paths.raw_dir(), announce=typer.echo)
        typer.echo(f"Sample in {paths.raw_dir()}: " + (", ".join(p.name for p in written) + " written"
                                                       if written else "both snapshots already there"))
        return
    date = snapshot_date or paths.SAMPLE_SNAPSHOT
    target = out or paths.raw_dir(date)
    with progress(f"Generating sample (seed {seed}, scale {scale:g}) in {target}"):
        summary = generate_sample(target, seed=seed, scale=scale, snapshot_date=date)
    typer.echo(f"Wrote {summary}")
