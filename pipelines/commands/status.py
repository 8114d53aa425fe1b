"""`servir-pm status` (what is published, from which inputs) and `servir-pm schedule` (how to run
the refresh unattended)."""

from __future__ import annotations

import typer

from pipelines import paths


def show_status(as_json: bool) -> None:
    import json

    from pipelines.console import status_report
    from pipelines.refresh.status import collect

    report = collect()
    if as_json:
        typer.echo(json.dumps(report, indent=1, ensure_ascii=False))
    else:
        status_report(report)


def show_schedule(print_units: bool, at: str, on_failure: str | None) -> None:
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
