"""Run one command's work: expected problems print one clear message, anything else a short one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

from pipelines.errors import PipelineError

T = TypeVar("T")
DEBUG = {"on": False}  # `servir-pm --debug`: show full tracebacks on failure


def guard(step: str, action: Callable[[], T], locked: bool = False) -> T:
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
        if DEBUG["on"]:
            raise
        print_unexpected(error, step)
        raise typer.Exit(1) from None
