"""`servir-pm`: the command line. Each command declares its arguments and help here and calls one
function of `pipelines/commands/` (or of a stage) through `guard`, which turns expected problems
into one clear message. To add a command: an `@app.command()` function below, same pattern."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipelines import paths
from pipelines.commands import guard as guarding
from pipelines.commands.guard import guard
from pipelines.commands.refresh import refresh_command
from pipelines.commands.review import review_workbook
from pipelines.commands.sample import SAMPLE_SEED, generate
from pipelines.commands.stages import build_step as _build
from pipelines.commands.stages import ingest_folder, prepare_fresh_checkout
from pipelines.commands.stages import ingest_step as _ingest
from pipelines.commands.stages import report_step as _report
from pipelines.commands.status import show_schedule, show_status
from pipelines.commands.validate import validate_file_report
from pipelines.refresh.cycle import DEFAULT_MIN_AGE_SECONDS

app = typer.Typer(help="SERVIR public-manager analytics: ingest, validate, build and report on the "
                       "entity and management-position registries.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)

SnapshotArg = Annotated[Path | None, typer.Argument(
    help="Snapshot folder, e.g. data/raw/2025-03-31.", show_default=False)]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="Excel sheet name (default: the first sheet).")]


@app.callback()
def main(debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on failure.")] = False) -> None:
    guarding.DEBUG["on"] = debug


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="One CSV, XLSX or Parquet file.", exists=False)],
    table: Annotated[str, typer.Option("--table", "-t", help="entities or positions")] = "positions",
    sheet: SheetOpt = None,
    entities: Annotated[Path | None, typer.Option(
        "--entities", help="The snapshot's entities file: lets the title preview apply the rules that depend "
        "on the entity's classification.")] = None,
    titles: Annotated[bool, typer.Option(
        "--titles/--no-titles", help="Positions: preview what the title inference will make of the rows "
        "(runs the inference model in a scratch warehouse, about 15 s).")] = True,
) -> None:
    """Check one file against the contract and print a readable report; builds nothing."""
    from pipelines.ingest.contract import TABLES

    if table not in TABLES:
        raise typer.BadParameter(f"--table must be one of {', '.join(TABLES)}")
    guard("validating", lambda: validate_file_report(file, table, sheet, entities, titles))


@app.command()
def sample(
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default: data/raw/2016-05-31).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, byte-identical files.")] = SAMPLE_SEED,
    scale: Annotated[float, typer.Option("--scale", help="Multiply positions (127 ≈ 1.4 million rows).")] = 1.0,
    snapshot_date: Annotated[str | None, typer.Option(
        "--date", help="Snapshot date written in the files (generates that one snapshot only).")] = None,
) -> None:
    """Generate the synthetic sample: real entities, synthetic positions calibrated to SERVIR 2016.

    With no option: both sample snapshots (2016-05-31 and its evolution, 2016-11-30) in data/raw,
    keeping any already there. With --out, --date, --seed or --scale: that one snapshot. Nothing
    else ever generates the sample, except `make run` on a fresh checkout.
    """
    guard("generating the sample", lambda: generate(out, seed, scale, snapshot_date))


@app.command()
def ingest(snapshot_dir: SnapshotArg = None, sheet: SheetOpt = None) -> None:
    """Ingest one snapshot folder into data/staging/<snapshot>/ (+ quarantine and manifest)."""
    guard("ingesting", lambda: ingest_folder(snapshot_dir, sheet), locked=True)


@app.command()
def build(snapshot: Annotated[str | None, typer.Argument(
        help="Snapshot name, e.g. 2016-05-31 (default: every staged snapshot).", show_default=False)] = None,
) -> None:
    """Classify every position (dbt) and export the marts to data/marts/<snapshot>/."""
    guard("building", lambda: _build(snapshot), locked=True)


@app.command()
def docs() -> None:
    """Write the dbt docs site (reports/docs/dbt/index.html) and each staged snapshot's Data Docs
    (reports/<snapshot>/data_docs/), all opening offline."""
    from pipelines.build.docs import build_docs

    guard("building the docs", lambda: typer.echo(build_docs().summary()), locked=True)


LangOpt = Annotated[str, typer.Option("--lang", help="Report language: es (default) or en.")]


@app.command()
def report(snapshot: Annotated[str, typer.Argument(help="Snapshot name, e.g. 2016-05-31.")] =
           paths.SAMPLE_SNAPSHOT, lang: LangOpt = "es") -> None:
    """Execute the notebooks on a snapshot's marts and write HTML reports to reports/<snapshot>/."""
    guard("rendering reports", lambda: _report(snapshot, lang), locked=True)


MinAgeOpt = Annotated[float, typer.Option(
    "--min-age", help="Leave for the next run any snapshot with a file modified less than this many "
    "seconds ago (still being copied in).")]


@app.command()
def run(snapshot_dir: SnapshotArg = None, sheet: SheetOpt = None, lang: LangOpt = "es",
        min_age: MinAgeOpt = 0.0) -> None:
    """Ingest a snapshot, build its marts and render its reports.

    Without a folder (what `make run` does): on a fresh checkout (nothing published, no snapshot in
    data/raw) generate the synthetic sample's two snapshots and install the embedded real ones, then
    refresh every folder of data/raw as the scheduled job does, but without waiting for files to
    age (--min-age 0: you just put them there). It never re-creates a sample you deleted.
    """
    if snapshot_dir is None:
        guard("preparing data/raw", prepare_fresh_checkout, locked=True)
        refresh_command(force=False, lang=lang, min_age=min_age, on_failure=None)
        return

    def manual() -> None:
        result = _ingest(snapshot_dir, sheet)
        _build(result.snapshot)
        _report(result.snapshot, lang)

    guard("running", manual, locked=True)


OnFailureOpt = Annotated[str | None, typer.Option(
    "--on-failure", help="Shell command run when the refresh fails (not when refused by the lock); it gets "
    "SERVIR_PM_EXIT_CODE, SERVIR_PM_RUN_ID, SERVIR_PM_FAILED_STEP, SERVIR_PM_ERROR in its environment.")]


@app.command()
def refresh(
    force: Annotated[bool, typer.Option("--force", help="Rebuild every snapshot even if nothing changed.")] = False,
    lang: LangOpt = "es",
    min_age: MinAgeOpt = DEFAULT_MIN_AGE_SECONDS,
    on_failure: OnFailureOpt = None,
) -> None:
    """Pick up new, changed and removed snapshots in data/raw, rebuild and publish them atomically.

    A snapshot with a file younger than --min-age (default 120 s), or changed while it was read,
    waits for the next run. A snapshot whose raw folder was removed is withdrawn. A snapshot whose
    file cannot be used is reported (exit 2) and the others are still published.
    Exit codes: 0 published or nothing changed; 2 bad input; 3 build or a dbt test failed;
    4 report rendering failed; 5 another run holds the lock; 1 unexpected.
    """
    refresh_command(force, lang, min_age, on_failure)


@app.command()
def review(
    snapshot: Annotated[str | None, typer.Argument(
        help="Snapshot name, e.g. 2025-01-31 (default: the latest with marts).", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Workbook to write (default: "
                                             "reports/<snapshot>/revision_<snapshot>.xlsx).")] = None,
    apply: Annotated[Path | None, typer.Option("--apply", help="A filled review workbook: save its decisions "
                                               "into seeds/review/position_review_decisions.csv.")] = None,
) -> None:
    """Write the review workbook of titles the inference cannot settle, or apply a filled one."""
    guard("writing the review workbook", lambda: review_workbook(snapshot, out, apply))


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Show, per snapshot, what is published, from which inputs and when, and how the last runs went."""
    guard("reading the status", lambda: show_status(as_json))


@app.command()
def schedule(
    print_units: Annotated[bool, typer.Option("--print", help="Print the cron line and systemd units.")] = False,
    at: Annotated[str, typer.Option("--at", help="Time of day of the daily run, HH:MM.")] = "06:15",
    on_failure: OnFailureOpt = None,
) -> None:
    """Show how to run the refresh unattended: a cron line, or a systemd service + timer (deploy/)."""
    guard("rendering the schedule", lambda: show_schedule(print_units, at, on_failure))


if __name__ == "__main__":
    app()
