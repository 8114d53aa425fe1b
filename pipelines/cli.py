"""`servir-pm`: the command line. Thin: each command calls one stage module and reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipelines import paths
from pipelines.errors import PipelineError

app = typer.Typer(help="SERVIR public-manager analytics: ingest, validate, build and report on the "
                       "entity and management-position registries.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)

_DEBUG = {"on": False}
SnapshotArg = Annotated[Path | None, typer.Argument(
    help="Snapshot folder, e.g. data/raw/2025-03-31 (default: the embedded sample).", show_default=False)]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="Excel sheet name (default: the first sheet).")]


@app.callback()
def main(debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on failure.")] = False) -> None:
    _DEBUG["on"] = debug


def _guard(step: str, action):  # type: ignore[no-untyped-def]
    """Run a stage: expected problems print one clear message, anything else a short one."""
    from pipelines.console import exit_with, print_unexpected

    try:
        return action()
    except PipelineError as error:
        exit_with(error)
    except Exception as error:
        if _DEBUG["on"]:
            raise
        print_unexpected(error, step)
        raise typer.Exit(1) from None


def _default_snapshot() -> Path:
    """The embedded sample, generated on first use (deterministic, offline, ~1 s)."""
    folder = paths.raw_dir(paths.SAMPLE_SNAPSHOT)
    if not (folder / "positions.csv").exists():
        from pipelines.console import progress
        from pipelines.sample import generate_sample

        with progress(f"Generating the embedded sample in {folder}"):
            generate_sample(folder, snapshot_date=paths.SAMPLE_SNAPSHOT)
    return folder


def _ingest(snapshot_dir: Path, sheet: str | None):  # type: ignore[no-untyped-def]
    from pipelines.console import ingest_summary, progress
    from pipelines.ingest import ingest_snapshot

    with progress(f"Ingesting {snapshot_dir}") as step:
        result = ingest_snapshot(snapshot_dir, sheet=sheet, on_step=step)
    ingest_summary(result.files, result.timings)
    typer.echo(f"Staging:    {result.staging_dir}\nQuarantine: {result.quarantine_dir}\n"
               f"Manifest:   {result.manifest_path}")
    return result


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="One CSV, XLSX or Parquet file.", exists=False)],
    table: Annotated[str, typer.Option("--table", "-t", help="entities or positions")] = "positions",
    sheet: SheetOpt = None,
) -> None:
    """Check one file against the contract and print a readable report; builds nothing."""
    from pipelines.contract import TABLES

    if table not in TABLES:
        raise typer.BadParameter(f"--table must be one of {', '.join(TABLES)}")

    def action() -> None:
        from pipelines.console import columns_table, validation_report
        from pipelines.errors import ContractError
        from pipelines.ingest import validate_file
        from pipelines.normalize import map_headers
        from pipelines.readers import read_table

        try:
            report, quarantined = validate_file(file, table, sheet)
        except ContractError:
            # Show what was recognized before saying what is missing: that is what the analyst fixes.
            mapping = map_headers(read_table(file, table, sheet).frame.columns, table)
            columns_table(mapping.recognized, mapping.how, mapping.dropped_personal, mapping.repeated,
                          mapping.ignored)
            raise
        validation_report(report, quarantined.height)
        if table == "positions":
            typer.echo("Note: entity references are checked only when a whole snapshot is ingested.")

    _guard("validating", action)


@app.command()
def sample(
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default: data/raw/2016-05-31).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, byte-identical files.")] = 20160531,
    scale: Annotated[float, typer.Option("--scale", help="Multiply positions (127 ≈ 1.4 million rows).")] = 1.0,
    snapshot_date: Annotated[str, typer.Option("--date", help="Snapshot date written in the files.")] =
        paths.SAMPLE_SNAPSHOT,
) -> None:
    """Generate the synthetic sample: real entities, synthetic positions calibrated to SERVIR 2016."""

    def action() -> None:
        from pipelines.console import progress
        from pipelines.sample import generate_sample

        target = out or paths.raw_dir(snapshot_date)
        with progress(f"Generating sample (seed {seed}, scale {scale:g}) in {target}"):
            summary = generate_sample(target, seed=seed, scale=scale, snapshot_date=snapshot_date)
        typer.echo(f"Wrote {summary}")

    _guard("generating the sample", action)


@app.command()
def ingest(snapshot_dir: SnapshotArg = None, sheet: SheetOpt = None) -> None:
    """Ingest one snapshot into data/staging/<snapshot>/ (+ quarantine and manifest)."""
    target = snapshot_dir or _default_snapshot()
    _guard("ingesting", lambda: _ingest(target, sheet))


def _build(snapshot: str | None):  # type: ignore[no-untyped-def]
    from pipelines.build import build as run_build
    from pipelines.console import progress

    with progress(f"Building marts for {snapshot or 'every staged snapshot'} (dbt)"):
        result = run_build(snapshot)
    typer.echo(f"dbt {result.dbt_seconds:.1f} s (of which SQL and tests {result.dbt_execution_seconds:.1f} s), "
               f"export {result.export_seconds:.1f} s; {len(result.files)} files in "
               f"{', '.join(str(paths.marts_dir(s)) for s in result.snapshots)}")
    return result


@app.command()
def build(snapshot: Annotated[str | None, typer.Argument(
        help="Snapshot name, e.g. 2016-05-31 (default: every staged snapshot).", show_default=False)] = None,
) -> None:
    """Classify every position (dbt) and export the marts to data/marts/<snapshot>/."""
    _guard("building", lambda: _build(snapshot))


LangOpt = Annotated[str, typer.Option("--lang", help="Report language: es (default) or en.")]


def _report(snapshot: str, lang: str):  # type: ignore[no-untyped-def]
    from pipelines.console import progress
    from pipelines.report import render

    with progress(f"Rendering reports for {snapshot} ({lang})") as step:
        pages = render(snapshot, lang, on_step=step)
    index = paths.reports_dir(snapshot) / "index.html"
    typer.echo(f"{len(pages)} report pages; open {index}")
    return pages


@app.command()
def report(snapshot: Annotated[str, typer.Argument(help="Snapshot name, e.g. 2016-05-31.")] =
           paths.SAMPLE_SNAPSHOT, lang: LangOpt = "es") -> None:
    """Execute the notebooks on a snapshot's marts and write HTML reports to reports/<snapshot>/."""
    _guard("rendering reports", lambda: _report(snapshot, lang))


@app.command()
def run(snapshot_dir: SnapshotArg = None, sheet: SheetOpt = None, lang: LangOpt = "es") -> None:
    """Ingest a snapshot, build its marts and render its reports (default: the embedded sample)."""
    target = snapshot_dir or _default_snapshot()
    result = _guard("ingesting", lambda: _ingest(target, sheet))
    _guard("building", lambda: _build(result.snapshot))
    _guard("rendering reports", lambda: _report(result.snapshot, lang))


if __name__ == "__main__":
    app()
