"""How the CLI talks to people: summary tables, validation reports, error messages."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipelines.errors import PipelineError

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
    err_console.print(f"[bold red]Stopped:[/bold red] {where}{error.problem}", soft_wrap=True)
    err_console.print(f"[bold]Fix:[/bold] {error.fix}", soft_wrap=True)


def print_unexpected(error: BaseException, step: str) -> None:
    err_console.print(f"[bold red]Unexpected failure while {step}:[/bold red] {type(error).__name__}: {error}")
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
                  report.columns_repeated, report.columns_ignored)
    console.print(f"Rows read {report.rows_read:,} = valid {report.rows_valid:,} + quarantined {quarantined_rows:,}")
    for code, count in report.quarantined_by_reason.items():
        console.print(f"  [yellow]{code}[/yellow]: {count:,} row(s)")
        for example in report.examples.get(code, []):
            console.print(f"      {example}")
    for warning, count in report.warnings.items():
        console.print(f"  [cyan]warning[/cyan] {warning}: {count:,} row(s)")


def columns_table(recognized: dict[str, str], how: dict[str, str], personal: list[str], repeated: list[str],
                  ignored: list[str]) -> None:
    cols = Table(title="Columns recognized")
    cols.add_column("header in file")
    cols.add_column("contract column")
    cols.add_column("how")
    for header, canonical in recognized.items():
        cols.add_row(header, canonical, how[header])
    for header in personal:
        cols.add_row(header, "(personal name)", "dropped, never stored")
    for header in repeated:
        cols.add_row(header, "(already mapped)", "ignored: another header maps to the same column")
    for header in ignored:
        cols.add_row(header, "-", "not in the contract: ignored")
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
            attempt += f"\nstep: {row['last_failed_step']}\n{(row['last_error'] or '').splitlines()[0][:120]}"
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
