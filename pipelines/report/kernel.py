"""Execute notebooks one after the other in ONE Jupyter kernel (imports and the kernel's start-up
are paid once, not once per page); the kernel's namespace is reset before each notebook, so no
variable leaks from one page into the next. The notebooks also share one client connection: a new
client waits about 0.2 s for the kernel's broadcast channel (jupyter_client's wait_for_ready) before
it runs anything.

`read` + `run` are what `pipelines.report.render` runs with a snapshot's parameters, and what the tests run
with no parameters at all (each notebook's defaults, as it opens in Jupyter).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KERNEL = "python3"  # registered inside the venv by `make install` (ipykernel --sys-prefix)
RESET = "%reset -f"  # run before every notebook
STARTUP_TIMEOUT = 60  # seconds for a new kernel to answer (nbclient's default)
PLOTLY_ENV = "SERVIR_PM_PLOTLYJS"  # set by pipelines.report.render: the pages link this plotly.js file


class NotebookFailedError(Exception):
    def __init__(self, source: Path, ename: str, evalue: str) -> None:
        super().__init__(f"{source.name}: {ename}: {evalue}")
        self.source, self.ename, self.evalue = source, ename, evalue


def read(source: Path, parameters: Mapping[str, Any] | None = None) -> Any:
    """The jupytext notebook `source`, with `parameters` set in a cell right after its cell tagged
    `parameters` when given (papermill's convention: the defaults stay visible above)."""
    import jupytext
    import nbformat

    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    if parameters is not None:
        tagged = [i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", [])]
        if not tagged:
            raise ValueError(f"{source.name} has no cell tagged 'parameters'")
        assignments = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
        cell = nbformat.v4.new_code_cell(f"# Parameters\n{assignments}\n")
        cell.metadata["tags"] = ["injected-parameters"]
        notebook.cells.insert(tagged[0] + 1, cell)
    return notebook


@dataclass
class Kernel:
    """A started kernel (`manager`) and the one client connected to it that runs every notebook."""
    manager: Any
    client: Any
    ready: bool = False  # the kernel answered (waited for by the first `run`)


@contextmanager
def kernel(cwd: Path, env: Mapping[str, str] | None = None, preload: str | None = None) -> Iterator[Kernel]:
    """A started kernel and its client (working directory `cwd`, environment = this process's + `env`).
    `preload`: code the kernel runs, silently, as soon as it is up (the pages' imports), while this
    process goes on; the kernel starts in the background and the first `run` waits for it."""
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name=KERNEL)
    # The kernel's warning that its local TCP sockets are unencrypted would otherwise fill every
    # scheduled run's log; real kernel errors still show.
    manager.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"], cwd=str(cwd),
                         env={**os.environ, **(env or {})})
    client = None
    try:
        client = manager.client()
        client.start_channels()
        client.allow_stdin = False  # as nbclient sets it: a page never asks for input
        if preload:
            client.execute(preload, silent=True, store_history=False)  # queued until the kernel is up
        yield Kernel(manager, client)
    finally:
        if client is not None:
            client.stop_channels()
        manager.shutdown_kernel(now=True)


def run(running: Kernel, source: Path, notebook: Any) -> Any:
    """Execute `notebook` (read from `source`) in the `running` kernel, after a namespace reset.
    Raises NotebookFailedError with the failing cell's error."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    if not running.ready:
        running.client.wait_for_ready(timeout=STARTUP_TIMEOUT)
        running.ready = True
    notebook.cells.insert(0, nbformat.v4.new_code_cell(RESET))
    client = NotebookClient(notebook, km=running.manager, kernel_name=KERNEL, timeout=600)
    client.kc = running.client  # given a client, nbclient neither connects a new one nor closes it
    try:
        client.execute()
    except CellExecutionError as error:
        raise NotebookFailedError(source, error.ename, error.evalue) from None
    finally:
        notebook.cells.pop(0)
    return notebook
