"""How the CLI talks to people: summary tables, validation reports, error messages."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipelines.errors import PipelineError
from pipelines.privacy.redact import redact

# Logs of scheduled runs are read in files, not terminals: give them room instead of 80 columns.
_WIDTH = None if sys.stdout.isatty() else 140
console = Console(stderr=False, highlight=False, width=_WIDTH)
err_console = Console(stderr=True, highlight=False, width=_WIDTH)


@contextmanager
def progress(title: str) -> Iterator[Callable[[str], None]]:
    """A spinner whose text follows the current step; quiet when output is not a terminal."""
    started = time.perf_counter()
    if not console.is_terminal:
        def plain(msg: str) -> None:
            console.print(f"  … {msg}")
        console.print(title)
        yield plain
    else:
        with console.status(title) as status:
            yield lambda msg: status.update(f"{title}: {msg}")
    console.print(f"[green]✓[/green] {title} ({time.perf_counter() - started:.1f} s)")


def print_error(error: PipelineError) -> None:
    where = f"{error.file}: " if error.file else ""
    err_console.print(f"[bold red]Stopped:[/bold red] {escape(where + error.problem)}", soft_wrap=True)
    err_console.print(f"[bold]Fix:[/bold] {escape(error.fix)}", soft_wrap=True)


def print_unexpected(error: BaseException, step: str) -> None:
    # An exception from a library may quote a row of the file: never print it unredacted.
    detail = redact(str(error)).splitlines()[0][:300] if str(error).strip() else ""
    err_console.print(f"[bold red]Unexpected failure while {step}:[/bold red] {type(error).__name__}: "
                      f"{escape(detail)}")
    err_console.print("Run again with --debug for the full traceback, and report it with the manifest of the run.")


def ingest_summary(files: list, timings: dict[str, float]) -> None:
    table = Table(title="Ingestion summary", show_lines=False)
    for name in ("file", "table", "rows read", "valid", "quarantined", "by reason"):
        table.add_column(name, justify="right" if name in ("rows read", "valid", "quarantined") else "left")
    for f in files:
        reasons = "\n".join(f"{k} {v}" for k, v in f.quarantined_by_reason.items()) or "-"
        table.add_row(Path(f.file).name, f.table, f"{f.rows_read:,}", f"{f.rows_valid:,}",
                      f"{f.rows_quarantined:,}", reasons)
    console.print(table)
    console.print("Time per stage: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))


def validation_report(report, quarantined_rows: int) -> None:  # report: ingest.FileReport
    console.print(f"[bold]{report.file}[/bold] checked as [bold]{report.table}[/bold]")
    fmt = report.file_format + (f", encoding {report.encoding}" if report.encoding else "") + (
        f", delimiter {report.delimiter!r}" if report.delimiter else "") + (
        f", sheet {report.sheet}" if report.sheet else "") + f", header on row {report.header_row}"
    console.print(f"Read as {fmt}")
    columns_table(report.columns_recognized, report.columns_recognized_how, report.columns_dropped_personal,
                  report.columns_repeated, report.columns_ignored, report.header_suggestions)
    console.print(f"Rows read {report.rows_read:,} = valid {report.rows_valid:,} + quarantined {quarantined_rows:,}")
    for code, count in report.quarantined_by_reason.items():
        console.print(f"  [yellow]{code}[/yellow]: {count:,} row(s)")
        for example in report.examples.get(code, []):
            console.print(f"      {escape(redact(example))}")
    for warning, count in report.warnings.items():
        console.print(f"  [cyan]warning[/cyan] {escape(redact(warning))}: {count:,} row(s)")
        for example in report.examples.get(f"warning:{warning.split(':')[0]}", []):
            console.print(f"      {escape(redact(str(example)))}")
    for note in getattr(report, "notes", []):
        console.print(f"  [cyan]note[/cyan] {escape(redact(note))}")


def inference_preview_report(preview) -> None:  # preview: inference_preview.InferencePreview
    """How many rows the classification will be able to use, and from what (issue 11 item 5)."""
    rows = max(preview.rows, 1)

    def share(n: int) -> str:
        return f"{n:,} ({n / rows:.0%})"

    console.print("[bold]What the classification will make of these rows[/bold]")
    console.print(f"  level and body type given in the file: {share(preview.from_columns)}")
    console.print(f"  read from the title with confidence:    {share(preview.confident)}"
                  f"  (of which {preview.public_officers:,} public officers, "
                  f"{preview.not_management:,} not management positions)")
    console.print(f"  [yellow]to review[/yellow] (servir-pm review after the run): {share(preview.to_review)}")
    if not preview.with_entities:
        console.print("  Without --entities, rules that depend on the entity's classification could not apply.")
    if preview.top_to_review:
        console.print("  Most frequent titles to review:")
        for title, count in preview.top_to_review:
            console.print(f"    {count:>6,}  {title}")


def columns_table(recognized: dict[str, str], how: dict[str, str], personal: list[str], repeated: list[str],
                  ignored: list[str], suggestions: dict[str, str] | None = None) -> None:
    cols = Table(title="Columns recognized")
    cols.add_column("header in file")
    cols.add_column("contract column")
    cols.add_column("how")
    def shown(header: str) -> str:
        return escape(redact(header))

    for header, canonical in recognized.items():
        cols.add_row(shown(header), canonical, how[header])
    for header in personal:
        cols.add_row(shown(header), "(personal name)", "dropped, never stored")
    for header in repeated:
        cols.add_row(shown(header), "(already mapped)", "ignored: another header maps to the same column")
    if len(recognized) >= 2:
        for header in ignored:
            close = (suggestions or {}).get(header)
            cols.add_row(shown(header), "-", "not in the contract: ignored"
                         + (f" (close to {escape(close)}: a typo?)" if close else ""))
    elif ignored:
        # Almost nothing recognized: the first line is probably data (names, IDs), not a header.
        cols.add_row(f"({len(ignored)} more)", "-", "not shown: this line does not look like a header")
    console.print(cols)


def exit_with(error: PipelineError) -> None:
    print_error(error)
    sys.exit(error.exit_code)


def status_report(report: dict) -> None:
    """`servir-pm status`: one row per snapshot, then the last run and any run in progress."""
    table = Table(title="Snapshots")
    for name in ("snapshot", "series", "published", "inputs (SHA-256)", "positions", "raw folder now",
                 "last attempt"):
        table.add_column(name)
    for row in report["snapshots"]:
        series = f"{row.get('series') or '-'}\n{row.get('origin') or ''}".strip()
        inputs = "\n".join(f"{f} {h}" for f, h in row["inputs"].items()) or "-"
        valid, quarantined = row["positions_valid"], row["positions_quarantined"]
        positions = f"{valid:,} valid\n{quarantined:,} quarantined" if valid is not None else "-"
        attempt = row["last_attempt"] or "-"
        if row["last_attempt_at"]:
            attempt += f"\n{row['last_attempt_at']}"
        if row["last_failed_step"]:
            attempt += f"\nstep: {row['last_failed_step']}\n{redact((row['last_error'] or '').splitlines()[0][:120])}"
        published = row["published_at"] or ("withdrawn " + (row.get("withdrawn_at") or "")
                                             if row.get("state") == "withdrawn" else "not published")
        table.add_row(row["snapshot"], series, published, inputs, positions, row["raw_now"], attempt)
    console.print(table)
    for label, last in (("Last run", report["last_run"]), ("Last rebuild", report["last_build"])):
        if not last or (label == "Last rebuild" and last is report["last_run"]):
            continue
        line = f"{label} {last.get('run_id')}: {last.get('outcome')}"
        if last.get("finished_at"):
            line += f", finished {last['finished_at']}"
        if last.get("seconds") is not None:
            line += f" ({last['seconds']} s)"
        if last.get("build"):  # incremental or full, and why (pipelines.refresh.kind)
            line += f", {last['build']['kind']} build: {last['build']['reason']}"
        if last.get("failed_step"):
            line += f", failed at {last['failed_step']}: {last.get('error', '')}"
        console.print(line, soft_wrap=True)
    if not report["last_run"]:
        console.print("No run recorded yet: `servir-pm refresh` (or `make run`) starts one.")
    if report["running"]:
        running = report["running"]
        console.print(f"Running now: {running.get('command')} (pid {running.get('pid')}, since {running.get('since')})"
                      + (f", step {running['step']}" if running.get("step") else ""))
    console.print(f"Run log: {report['runs_log']}")
