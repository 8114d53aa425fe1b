"""Errors that stop a snapshot. Each names the file, the problem and the fix, so the CLI
can print one clear message instead of a traceback."""

from __future__ import annotations

from pathlib import Path

from pipelines.privacy.redact import redact


class PipelineError(Exception):
    """A stop the user can act on. `exit_code` lets schedulers tell kinds of failure apart."""

    exit_code = 2

    def __init__(self, problem: str, fix: str, file: Path | str | None = None) -> None:
        # Redacted once, here: every message, log line and hook variable is built from these.
        self.problem = redact(problem)
        self.fix = redact(fix)
        self.file = str(file) if file is not None else None
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.problem}\n  Fix: {self.fix}"


class UnreadableFileError(PipelineError):
    """The file cannot be read as a table at all (binary, empty, wrong type)."""


class ContractError(PipelineError):
    """The file reads, but does not meet the contract (e.g. a required column is missing)."""


class BuildError(PipelineError):
    """dbt build or the export after it failed."""

    exit_code = 3
