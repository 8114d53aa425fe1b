"""Render the analyst notebooks into leadership reports: execute them with parameters, export HTML
without code (nbconvert), and write an index page (pipelines.report.index).

Notebooks are kept as jupytext percent-format `.py` files (clean diffs); each run converts them in
memory, so the committed sources never hold outputs. All pages run one after the other in ONE
kernel (imports and the kernel's start-up are paid once; the namespace is reset between pages), and
the pages share one copy of plotly.js written beside them (PLOTLY_FILE), so a report folder holds
the library once and still opens offline. `render_all` (what a refresh runs for every snapshot it
affects) shares the pages of all the snapshots out among KERNELS kernels, each started once, with
its own HTML exporter: two kernels are two processes, running at once on two cores.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines import paths
from pipelines.errors import PipelineError
from pipelines.report import kernel, labels
from pipelines.report.index import is_synthetic, title_of, write_index
from pipelines.report.kernel import PLOTLY_ENV  # tells the kernel's pages to link PLOTLY_FILE
from pipelines.swap import copy_in

__all__ = ["RenderedReport", "ReportError", "is_synthetic", "notebook_sources", "render", "render_all"]

NOTEBOOKS_DIR = paths.PROJECT_ROOT / "notebooks"
# nbconvert's lab template without its CDN <script>s (require.js, MathJax, mermaid): pages open offline.
TEMPLATE_DIR = NOTEBOOKS_DIR / "_template"
TEMPLATE_FILE = "offline.html.j2"
PLOTLY_FILE = "plotly.min.js"  # one copy per report folder; pipelines.report.page links it
# What every page imports first (polars, plotly, the frame), loaded by the kernel while this process
# prepares the HTML exporter; the pages then find the modules already imported.
PRELOAD = "import pipelines.report.charts"
KEEP = ("data_docs",)  # folders published beside the pages by other stages: kept when pages are replaced
# Kernels a refresh renders its pages with: one per core, two at most (each holds the marts it reads).
KERNELS = max(1, min(2, os.cpu_count() or 1))


class ReportError(PipelineError):
    exit_code = 4


@dataclass
class RenderedReport:
    notebook: str
    html_path: Path
    seconds: float


def notebook_sources() -> list[Path]:
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py"))


def _exporter(lang: str):  # type: ignore[no-untyped-def]
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(TEMPLATE_DIR)])
    exporter.template_file = TEMPLATE_FILE
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.language_code = lang  # <html lang="es|en">
    return exporter


@dataclass
class _Session:
    """What every page of every snapshot rendered in one language shares: the HTML exporter (its
    templates load once) and the kernel."""
    lang: str
    exporter: Any
    running: kernel.Kernel


@contextmanager
def _session(lang: str) -> Iterator[_Session]:
    with kernel.kernel(paths.PROJECT_ROOT, {PLOTLY_ENV: PLOTLY_FILE}, preload=PRELOAD) as running:
        yield _Session(lang, _exporter(lang), running)


def _execute_all(session: _Session, sources: list[Path], snapshot: str, staged: Path,
                 on_step: Callable[[str], object] | None) -> list[RenderedReport]:
    """Execute every page in the session's kernel and write its HTML into `staged`."""
    rendered: list[RenderedReport] = []
    for source in sources:
        if on_step:
            on_step(source.stem)
        rendered.append(_render_page(session, source, snapshot, staged))
    return rendered


def _render_page(session: _Session, source: Path, snapshot: str, staged: Path) -> RenderedReport:
    """Execute one page for `snapshot` in the session's kernel and write its HTML into `staged`."""
    started = time.perf_counter()
    lang = session.lang
    notebook = kernel.read(source, {"snapshot": snapshot, "lang": lang, "data_dir": str(paths.data_dir())})
    notebook.metadata["title"] = f"{title_of(source, lang)} — {snapshot}"  # the page's <title>
    try:
        kernel.run(session.running, source, notebook)
    except kernel.NotebookFailedError as error:
        raise ReportError(
            f"notebook {source.name} failed: {error.ename}: {error.evalue}",
            "run `servir-pm build` for this snapshot first; if the marts exist, open the notebook "
            "in Jupyter to see the failing cell", source) from None
    body, _ = session.exporter.from_notebook_node(notebook)
    html_path = staged / f"{source.stem}.html"
    html_path.write_text(body, encoding="utf-8")
    return RenderedReport(source.stem, html_path, time.perf_counter() - started)


def _write_plotly(folder: Path) -> None:
    from plotly.offline import get_plotlyjs

    (folder / PLOTLY_FILE).write_text(get_plotlyjs(), encoding="utf-8")


def _publish(staged: Path, target: Path, partial: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if partial and target.exists():
        # Re-rendering some pages: replace just those; the index (listing every page) stays.
        for page in staged.iterdir():
            if page.name != "index.html" or not (target / "index.html").exists():
                shutil.copy2(page, target / page.name)
        return
    # Publish all pages together: readers never see a mix of old and new pages.
    for kept in KEEP:
        if (target / kept).is_dir():
            shutil.copytree(target / kept, staged / kept)
    copy_in(staged, target)


def render(snapshot: str, lang: str = "es", out_dir: Path | None = None,
           only: list[str] | None = None, on_step: Callable[[str], object] | None = None) -> list[RenderedReport]:
    """Render `snapshot`'s pages (`only` these notebooks, if given) into `out_dir` (default
    reports/<snapshot>/) with a kernel of its own."""
    _check_lang(lang)
    sources = _sources(only)
    with _session(lang) as session:
        return _render_snapshot(session, snapshot, sources, out_dir, partial=bool(only), on_step=on_step)


def render_all(snapshots: Sequence[str], lang: str = "es", kernels: int = KERNELS) -> dict[str, list[RenderedReport]]:
    """Render every page of each snapshot into reports/<snapshot>/. The pages are shared out among
    `kernels` kernels, each started once for all the snapshots (its start-up, the pages' imports and
    the exporter's templates paid once, not once per snapshot); each kernel is a process of its own,
    so two run at once on two cores. A snapshot is published once all its pages are rendered."""
    _check_lang(lang)
    sources = _sources(None)
    if not snapshots:
        return {}
    pages = [(snapshot, source) for snapshot in snapshots for source in sources]
    rendered: dict[tuple[str, Path], RenderedReport] = {}
    with tempfile.TemporaryDirectory(prefix="servir-pm-report-") as scratch_name:
        staged = {snapshot: Path(scratch_name) / str(number) for number, snapshot in enumerate(snapshots)}
        for folder in staged.values():
            folder.mkdir()
        todo, failed = list(reversed(pages)), threading.Event()
        lock = threading.Lock()

        def next_page() -> tuple[str, Path] | None:
            with lock:
                return todo.pop() if todo and not failed.is_set() else None

        def work() -> None:
            try:
                with _session(lang) as session:
                    while (page := next_page()) is not None:
                        rendered[page] = _render_page(session, page[1], page[0], staged[page[0]])
            except BaseException:
                failed.set()  # the other kernels stop taking pages
                raise

        workers = max(1, min(kernels, len(pages)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for done in [pool.submit(work) for _ in range(workers)]:
                done.result()
        results = {}
        for snapshot in snapshots:
            target = paths.reports_dir(snapshot)
            mine = [rendered[(snapshot, source)] for source in sources]
            _finish(staged[snapshot], target, snapshot, lang, sources, mine, partial=False)
            results[snapshot] = [RenderedReport(r.notebook, target / r.html_path.name, r.seconds) for r in mine]
    return results


def _check_lang(lang: str) -> None:
    if lang not in labels.LANGS:
        raise ReportError(f"unknown language {lang!r}", "use --lang es or --lang en")


def _sources(only: list[str] | None) -> list[Path]:
    sources = [p for p in notebook_sources() if not only or p.stem in only]
    if not sources:
        raise ReportError("no notebooks to render", f"add notebooks to {NOTEBOOKS_DIR}")
    return sources


def _render_snapshot(session: _Session, snapshot: str, sources: list[Path], out_dir: Path | None,
                     partial: bool, on_step: Callable[[str], object] | None) -> list[RenderedReport]:
    target = out_dir or paths.reports_dir(snapshot)
    with tempfile.TemporaryDirectory(prefix="servir-pm-report-") as scratch_name:
        staged = Path(scratch_name) / "out"
        staged.mkdir()
        rendered = _execute_all(session, sources, snapshot, staged, on_step)
        _finish(staged, target, snapshot, session.lang, sources, rendered, partial)
    return [RenderedReport(r.notebook, target / r.html_path.name, r.seconds) for r in rendered]


def _finish(staged: Path, target: Path, snapshot: str, lang: str, sources: list[Path],
            rendered: list[RenderedReport], partial: bool) -> None:
    """plotly.js and the index beside the staged pages, then publish them as `target`."""
    _write_plotly(staged)
    write_index(staged, snapshot, lang, [(title_of(s, lang), r.html_path.name) for s, r in
                                         zip(sources, rendered, strict=True)],
                reports_root=target.parent, page_folder=target)
    _publish(staged, target, partial=partial)
