"""`servir-pm schedule --print`: the cron line and systemd units are filled in for this checkout."""

from __future__ import annotations

import shlex
from pathlib import Path

from typer.testing import CliRunner

from pipelines import paths
from pipelines.cli import app
from pipelines.refresh.schedule import Schedule, render

runner = CliRunner()


def _sections(output: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    name = None
    for line in output.splitlines():
        if line.startswith("# ===== "):
            name = line.strip("# =")
            parts[name] = ""
        elif name:
            parts[name] += line + "\n"
    return parts


def test_print_fills_in_time_paths_and_failure_command() -> None:
    hook = "mail -s 'servir-pm failed' ops@example.org < /dev/null"
    result = runner.invoke(app, ["schedule", "--print", "--at", "07:30", "--on-failure", hook])
    assert result.exit_code == 0, result.output
    parts = _sections(result.output)
    assert set(parts) == {"crontab.example", "servir-pm-refresh.service", "servir-pm-refresh.timer"}
    cron = [line for line in parts["crontab.example"].splitlines() if line and not line.startswith("#")]
    assert len(cron) == 1
    fields = cron[0].split(maxsplit=5)
    assert fields[:5] == ["30", "7", "*", "*", "*"]
    command = shlex.split(fields[5].split(" >> ")[0])
    assert command[:2] == ["cd", str(paths.PROJECT_ROOT)]
    assert command[command.index("--on-failure") + 1] == hook  # survives the shell's quoting intact
    service = parts["servir-pm-refresh.service"]
    assert f"ExecStart={paths.PROJECT_ROOT}/.venv/bin/servir-pm refresh --min-age 300 --on-failure" in service
    assert "SuccessExitStatus=5" in service  # refused by the lock is not a failure
    assert "OnCalendar=*-*-* 07:30:00" in parts["servir-pm-refresh.timer"]
    assert "@" not in "".join(line for line in result.output.splitlines() if not line.startswith("#")).replace(
        "ops@example.org", "")


def test_percent_in_the_failure_command_is_escaped_for_cron_and_systemd() -> None:
    result = runner.invoke(app, ["schedule", "--print", "--on-failure", "date +%F"])
    parts = _sections(result.output)
    assert "+\\%F" in parts["crontab.example"]
    assert "+%%F" in parts["servir-pm-refresh.service"]


def test_dollar_and_spaces_survive_systemd() -> None:
    texts = render(Schedule(6, 15, Path("/opt/servir pm"), on_failure="notify $SERVIR_PM_EXIT_CODE"))
    service = texts["servir-pm-refresh.service"]
    assert "ExecStart='/opt/servir pm/.venv/bin/servir-pm' refresh" in service
    assert "$$SERVIR_PM_EXIT_CODE" in service  # systemd passes $SERVIR_PM_EXIT_CODE to the shell
    assert "cd '/opt/servir pm' &&" in texts["crontab.example"]


def test_a_bad_time_is_a_clear_stop() -> None:
    result = runner.invoke(app, ["schedule", "--print", "--at", "25:00"])
    assert result.exit_code == 2
    assert "HH:MM" in result.output
