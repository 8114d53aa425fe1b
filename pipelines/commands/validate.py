"""`servir-pm validate`: check one file against the contract and print a readable report."""

from __future__ import annotations

from pathlib import Path

import typer


def validate_file_report(file: Path, table: str, sheet: str | None, entities: Path | None, titles: bool) -> None:
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
