"""`servir-pm review`: write the review workbook of unsettled titles, or apply a filled one."""

from __future__ import annotations

from pathlib import Path

import typer

from pipelines import paths


def review_workbook(snapshot: str | None, out: Path | None, apply: Path | None) -> None:
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
