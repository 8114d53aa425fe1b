"""`servir-pm schedule --print`: the cron line and systemd units that run the refresh unattended.

The templates live in deploy/ (placeholders @NAME@) so an operator can read or copy them as
they are; this module only fills in this checkout's paths, the time and the refresh options.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from pipelines import paths
from pipelines.errors import PipelineError

DEPLOY_DIR = paths.PROJECT_ROOT / "deploy"
TEMPLATES = ("crontab.example", "servir-pm-refresh.service", "servir-pm-refresh.timer")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# Files younger than this are probably still being copied into data/raw: the scheduled run waits.
DEFAULT_MIN_AGE_SECONDS = 300


@dataclass(frozen=True)
class Schedule:
    hour: int
    minute: int
    project_dir: Path
    on_failure: str | None = None
    min_age_seconds: int = DEFAULT_MIN_AGE_SECONDS


def parse_time(text: str) -> tuple[int, int]:
    match = _TIME.match(text.strip())
    if not match:
        raise PipelineError(problem=f"--at {text!r} is not a time of day", fix="use HH:MM, e.g. --at 06:15")
    return int(match.group(1)), int(match.group(2))


def refresh_args(schedule: Schedule) -> str:
    args = ["--min-age", str(schedule.min_age_seconds)]
    if schedule.on_failure:
        args += ["--on-failure", schedule.on_failure]
    return " ".join(shlex.quote(a) for a in args)


def render(schedule: Schedule) -> dict[str, str]:
    """Template name -> text with every placeholder filled."""
    args = refresh_args(schedule)
    values = {
        "PROJECT_DIR": str(schedule.project_dir),
        "CRON_MINUTE": str(schedule.minute),
        "CRON_HOUR": str(schedule.hour),
        "ON_CALENDAR": f"*-*-* {schedule.hour:02d}:{schedule.minute:02d}:00",
    }
    rendered = {}
    for name in TEMPLATES:
        text = (DEPLOY_DIR / name).read_text(encoding="utf-8")
        cron = name.startswith("crontab")
        # In a crontab a bare % ends the command; in a unit file % starts a specifier and $ expands
        # a variable when the unit starts (the hook must see its own $SERVIR_PM_* at run time).
        escaped = args.replace("%", "\\%") if cron else args.replace("%", "%%").replace("$", "$$")
        project = shlex.quote(values["PROJECT_DIR"]) if cron else values["PROJECT_DIR"]
        command = shlex.quote(str(schedule.project_dir / ".venv" / "bin" / "servir-pm")).replace("%", "%%")
        for key, value in {**values, "PROJECT_DIR": project, "SERVIR_PM": command, "REFRESH_ARGS": escaped}.items():
            text = text.replace(f"@{key}@", value)
        leftover = re.findall(r"@[A-Z_]+@", text)
        if leftover:
            raise PipelineError(problem=f"template {name} has unfilled placeholders {sorted(set(leftover))}",
                                fix="add them to pipelines/refresh/schedule.py or remove them from the template",
                                file=DEPLOY_DIR / name)
        rendered[name] = text
    return rendered
