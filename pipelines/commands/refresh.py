"""`servir-pm refresh` (and `run` without a folder): refresh every changed folder of data/raw,
say what was rebuilt, withdrawn or left waiting, and run the operator's --on-failure command."""

from __future__ import annotations

import typer

from pipelines import paths
from pipelines.commands.guard import guard


def refresh_command(force: bool, lang: str, min_age: float, on_failure: str | None) -> None:
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
        guard("refreshing", action)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
        if on_failure and code not in (0, 5):
            run_failure_hook(on_failure, code)
        raise
    except typer.Exit as stop:
        if on_failure and stop.exit_code not in (0, 5):
            run_failure_hook(on_failure, stop.exit_code)
        raise


def run_failure_hook(command: str, exit_code: int) -> None:
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
