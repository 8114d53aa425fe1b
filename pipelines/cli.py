"""`servir-pm`: the command line. Thin: each command calls one stage module and reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipelines import paths
from pipelines.errors import PipelineError
from pipelines.refresh.cycle import DEFAULT_MIN_AGE_SECONDS

app = typer.Typer(help="SERVIR public-manager analytics: ingest, validate, build and report on the "
                       "entity and management-position registries.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)

_DEBUG = {"on": False}
SAMPLE_SEED = 20160531  # the sample's default seed (pipelines.sample.generate_sample)
SnapshotArg = Annotated[Path | None, typer.Argument(
    help="Snapshot folder, e.g. data/raw/2025-03-31.", show_default=False)]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="Excel sheet name (default: the first sheet).")]


@app.callback()
def main(debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on failure.")] = False) -> None:
    _DEBUG["on"] = debug


def _guard(step: str, action, locked: bool = False):  # type: ignore[no-untyped-def]
    """Run a stage: expected problems print one clear message, anything else a short one.

    locked: hold the pipeline lock (stages that write outputs), so a manual build never races a
    scheduled refresh.
    """
    from pipelines.console import exit_with, print_unexpected

    try:
        if locked:
            from pipelines.refresh.lock import exclusive

            with exclusive(step):
                return action()
        return action()
    except PipelineError as error:
        exit_with(error)
    except (SystemExit, KeyboardInterrupt, GeneratorExit):
        raise
    except BaseException as error:  # a Rust panic in a reader (pyo3 PanicException) is a BaseException
        if _DEBUG["on"]:
            raise
        print_unexpected(error, step)
        raise typer.Exit(1) from None


def _ingest(snapshot_dir: Path, sheet: str | None):  # type: ignore[no-untyped-def]
    from pipelines.console import ingest_summary, progress
    from pipelines.ingest.snapshot import ingest_snapshot

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

    def action() -> None:
        from pipelines.console import columns_table, validation_report
        from pipelines.errors import ContractError
        from pipelines.ingest.normalize import map_headers
        from pipelines.ingest.readers import read_table
        from pipelines.ingest.snapshot import validate_file

        try:
            report, quarantined = validate_file(file, table, sheet)
        except ContractError:
            # Show what was recognized before saying what is missing: that is what the analyst fixes.
            mapping = map_headers(read_table(file, table, sheet).frame.columns, table)
            columns_table(mapping.recognized, mapping.how, mapping.dropped_personal, mapping.repeated,
                          mapping.ignored, mapping.suggestions)
            raise
        validation_report(report, quarantined.height)
        if table == "positions":
            typer.echo("Note: entity references are checked only when a whole snapshot is ingested.")
            if titles and report.rows_valid:
                from pipelines.console import inference_preview_report
                from pipelines.review.preview import preview

                inference_preview_report(preview(file, sheet, entities))

    _guard("validating", action)


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

    def action() -> None:
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

    _guard("generating the sample", action)


@app.command()
def ingest(snapshot_dir: SnapshotArg = None, sheet: SheetOpt = None) -> None:
    """Ingest one snapshot folder into data/staging/<snapshot>/ (+ quarantine and manifest)."""

    def action() -> None:
        if snapshot_dir is None:
            from pipelines.errors import ContractError

            raise ContractError("no snapshot folder given",
                                "name the folder to ingest, e.g. `servir-pm ingest data/raw/2025-03-31` "
                                "(`servir-pm sample` generates the synthetic sample; `servir-pm refresh` "
                                "ingests every changed folder of data/raw)", paths.raw_dir())
        _ingest(snapshot_dir, sheet)

    _guard("ingesting", action, locked=True)


def _build(snapshot: str | None):  # type: ignore[no-untyped-def]
    from pipelines.build.warehouse import build as run_build
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
    _guard("building", lambda: _build(snapshot), locked=True)


@app.command()
def docs() -> None:
    """Write the dbt docs site (reports/docs/dbt/index.html) and each staged snapshot's Data Docs
    (reports/<snapshot>/data_docs/), all opening offline."""
    from pipelines.build.docs import build_docs

    _guard("building the docs", lambda: typer.echo(build_docs().summary()), locked=True)


LangOpt = Annotated[str, typer.Option("--lang", help="Report language: es (default) or en.")]


def _report(snapshot: str, lang: str):  # type: ignore[no-untyped-def]
    from pipelines.console import progress
    from pipelines.report.render import render

    with progress(f"Rendering reports for {snapshot} ({lang})") as step:
        pages = render(snapshot, lang, on_step=step)
    index = paths.reports_dir(snapshot) / "index.html"
    typer.echo(f"{len(pages)} report pages; open {index}")
    return pages


@app.command()
def report(snapshot: Annotated[str, typer.Argument(help="Snapshot name, e.g. 2016-05-31.")] =
           paths.SAMPLE_SNAPSHOT, lang: LangOpt = "es") -> None:
    """Execute the notebooks on a snapshot's marts and write HTML reports to reports/<snapshot>/."""
    _guard("rendering reports", lambda: _report(snapshot, lang), locked=True)


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
        _guard("preparing data/raw", _prepare_fresh_checkout, locked=True)
        _refresh_command(force=False, lang=lang, min_age=min_age, on_failure=None)
        return

    def manual() -> None:
        result = _ingest(snapshot_dir, sheet)
        _build(result.snapshot)
        _report(result.snapshot, lang)

    _guard("running", manual, locked=True)


def _prepare_fresh_checkout() -> None:
    """First `make run` only: the sample and the embedded real snapshots into data/raw."""
    from pipelines.refresh.bootstrap import prepare_fresh_checkout

    prepare_fresh_checkout(announce=typer.echo)


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
    _refresh_command(force, lang, min_age, on_failure)


def _refresh_command(force: bool, lang: str, min_age: float, on_failure: str | None) -> None:
    from pipelines.console import progress

    def action() -> None:
        from pipelines.ingest.discovery import hidden_folders
        from pipelines.refresh.cycle import refresh as run_refresh

        for folder in hidden_folders(paths.raw_dir()):
            typer.echo(f"Skipped {folder}: folders whose name starts with a dot are never ingested "
                       "(rename it without the dot to ingest it)")
        with progress("Refreshing from data/raw") as step:
            result = run_refresh(force=force, lang=lang, min_age_seconds=min_age, on_step=step)
        for name, why in result.plan.waiting.items():
            typer.echo(f"Waiting: {name}: {why}")
        if result.outcome == "no_change":
            typer.echo(f"Nothing changed since the last publish ({len(result.plan.snapshots)} snapshot(s) "
                       f"checked in {result.seconds:.2f} s).")
            return
        for name, why in result.plan.changed.items():
            typer.echo(f"Rebuilt {name}: {why}")
        for name, why in result.plan.withdrawn.items():
            typer.echo(f"Withdrawn {name}: {why} (its staging, marts, reports and warehouse rows removed)")
        typer.echo(f"Published {', '.join(result.plan.affected) or 'no snapshot'} in {result.seconds:.1f} s "
                   f"(run {result.run_id}); reports in {paths.reports_dir()}")
        from pipelines.review.summary import describe

        for name, counts in result.counts.get("classification", {}).items():
            typer.echo(describe(name, counts))
        for failure in result.failures[1:]:
            from pipelines.console import print_error

            print_error(failure.error)
        if result.failures:
            typer.echo(f"Not published: {', '.join(f.snapshot for f in result.failures)} (see below); "
                       "the other snapshots were.", err=True)
            raise result.failures[0].error  # exit code 2 and the --on-failure hook, as any failure

    try:
        _guard("refreshing", action)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
        if on_failure and code not in (0, 5):
            _run_failure_hook(on_failure, code)
        raise
    except typer.Exit as stop:
        if on_failure and stop.exit_code not in (0, 5):
            _run_failure_hook(on_failure, stop.exit_code)
        raise


def _run_failure_hook(command: str, exit_code: int) -> None:
    """Run the operator's alert command with what failed in its environment; its own failure is reported."""
    import os
    import subprocess

    from pipelines.privacy.redact import redact
    from pipelines.privacy.salt import KEY_ENV, LEGACY_KEY_ENV
    from pipelines.refresh import runlog

    last = next((r for r in reversed(runlog.runs()) if r.get("outcome") in ("failed", "partial")), {})
    env = {**os.environ, "SERVIR_PM_EXIT_CODE": str(exit_code), "SERVIR_PM_RUN_ID": str(last.get("run_id", "")),
           "SERVIR_PM_FAILED_STEP": str(last.get("failed_step", "")),
           "SERVIR_PM_ERROR": redact(str(last.get("error", "")).splitlines()[0]) if last.get("error") else "",
           "SERVIR_PM_RUNS_LOG": str(paths.runs_log_path())}
    for secret in (KEY_ENV, LEGACY_KEY_ENV):
        env.pop(secret, None)  # an alert command has no use for the pseudonym key
    try:
        done = subprocess.run(command, shell=True, env=env, timeout=300, check=False)  # the operator's own command line
        if done.returncode != 0:
            typer.echo(f"--on-failure command exited with {done.returncode}", err=True)
    except (OSError, subprocess.TimeoutExpired) as error:
        typer.echo(f"--on-failure command could not run: {error}", err=True)


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

    def action() -> None:
        from pipelines.build import marts
        from pipelines.errors import ContractError
        from pipelines.review.workbook import DECISIONS_PATH, apply_workbook, write_workbook

        if apply is not None:
            done = apply_workbook(apply)
            typer.echo(f"{done.added} new and {done.replaced} changed title decision(s) saved in {DECISIONS_PATH} "
                       f"({done.total} in all), {done.entities_decided} entity decision(s); they apply from the "
                       "next `servir-pm refresh` or `build`.")
            return
        chosen = snapshot or (marts.snapshots() or [None])[-1]
        if chosen is None:
            raise ContractError("no marts yet", "run `make run` or `servir-pm refresh` first", paths.marts_dir())
        target = out or paths.reports_dir(chosen) / f"revision_{chosen}.xlsx"
        path, keys, positions = write_workbook(target, chosen)
        typer.echo(f"{keys} title(s) to review, covering {positions} position(s): {path}")

    _guard("writing the review workbook", action)


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Show, per snapshot, what is published, from which inputs and when, and how the last runs went."""

    def action() -> None:
        import json

        from pipelines.console import status_report
        from pipelines.refresh.status import collect

        report = collect()
        if as_json:
            typer.echo(json.dumps(report, indent=1, ensure_ascii=False))
        else:
            status_report(report)

    _guard("reading the status", action)


@app.command()
def schedule(
    print_units: Annotated[bool, typer.Option("--print", help="Print the cron line and systemd units.")] = False,
    at: Annotated[str, typer.Option("--at", help="Time of day of the daily run, HH:MM.")] = "06:15",
    on_failure: OnFailureOpt = None,
) -> None:
    """Show how to run the refresh unattended: a cron line, or a systemd service + timer (deploy/)."""

    def action() -> None:
        from pipelines.refresh.schedule import Schedule, parse_time, render

        hour, minute = parse_time(at)
        texts = render(Schedule(hour, minute, paths.PROJECT_ROOT, on_failure))
        if not print_units:
            typer.echo("Templates are in deploy/; `servir-pm schedule --print` fills them in for this checkout.")
            return
        for name, text in texts.items():
            typer.echo(f"# ===== {name} =====\n{text}")
        typer.echo("# Install: crontab -e and paste the cron line; or copy the two units to "
                   "/etc/systemd/system/ and run: systemctl enable --now servir-pm-refresh.timer")

    _guard("rendering the schedule", action)


if __name__ == "__main__":
    app()
