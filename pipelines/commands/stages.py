"""The manual stages (`ingest`, `build`, `report`, and `run DIR` which chains them): run one stage
with a progress line, then say what it wrote."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from pipelines import paths

if TYPE_CHECKING:  # imported late at run time: polars, dbt and papermill cost seconds to import
    from pipelines.build.warehouse import BuildResult
    from pipelines.ingest.snapshot import SnapshotResult
    from pipelines.report.render import RenderedReport


def ingest_step(snapshot_dir: Path, sheet: str | None) -> SnapshotResult:
    """Ingest one snapshot folder and print its accounting per file."""
    from pipelines.console import ingest_summary, progress
    from pipelines.ingest.snapshot import ingest_snapshot

    with progress(f"Ingesting {snapshot_dir}") as step:
        result = ingest_snapshot(snapshot_dir, sheet=sheet, on_step=step)
    ingest_summary(result.files, result.timings)
    typer.echo(f"Staging:    {result.staging_dir}\nQuarantine: {result.quarantine_dir}\n"
               f"Manifest:   {result.manifest_path}")
    return result


def ingest_folder(snapshot_dir: Path | None, sheet: str | None) -> None:
    """`servir-pm ingest`: a folder must be named (nothing generates the sample implicitly)."""
    if snapshot_dir is None:
        from pipelines.errors import ContractError

        raise ContractError("no snapshot folder given",
                            "name the folder to ingest, e.g. `servir-pm ingest data/raw/2025-03-31` "
                            "(`servir-pm sample` generates the synthetic sample; `servir-pm refresh` "
                            "ingests every changed folder of data/raw)", paths.raw_dir())
    ingest_step(snapshot_dir, sheet)


def build_step(snapshot: str | None) -> BuildResult:
    """Build the marts (dbt + export) and say where the files are."""
    from pipelines.build.warehouse import build as run_build
    from pipelines.console import progress

    with progress(f"Building marts for {snapshot or 'every staged snapshot'} (dbt)"):
        result = run_build(snapshot)
    typer.echo(f"dbt {result.dbt_seconds:.1f} s (of which SQL and tests {result.dbt_execution_seconds:.1f} s), "
               f"export {result.export_seconds:.1f} s; {len(result.files)} files in "
               f"{', '.join(str(paths.marts_dir(s)) for s in result.snapshots)}")
    if result.rule_checks_reused:
        typer.echo(f"{result.rule_checks_reused} checks of the rules (seeds) not run again: the same rules passed "
                   f"them in an earlier build (any edit to a seed, a test or the code runs them)")
    return result


def report_step(snapshot: str, lang: str) -> list[RenderedReport]:
    """Render a snapshot's report pages and say where the index is."""
    from pipelines.console import progress
    from pipelines.report.render import render

    with progress(f"Rendering reports for {snapshot} ({lang})") as step:
        pages = render(snapshot, lang, on_step=step)
    index = paths.reports_dir(snapshot) / "index.html"
    typer.echo(f"{len(pages)} report pages; open {index}")
    return pages


def prepare_fresh_checkout() -> None:
    """First `make run` only: the sample and the embedded real snapshots into data/raw."""
    from pipelines.refresh.bootstrap import prepare_fresh_checkout as prepare

    prepare(announce=typer.echo)
