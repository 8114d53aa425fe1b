"""Render the analyst notebooks into leadership reports: execute with parameters (papermill),
export HTML without code (nbconvert), and write an index page.

Notebooks are kept as jupytext percent-format `.py` files (clean diffs); each run converts them to
.ipynb in a scratch folder, so the committed sources never hold outputs.
"""

from __future__ import annotations

import html
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines import paths
from pipelines.errors import PipelineError

NOTEBOOKS_DIR = paths.PROJECT_ROOT / "notebooks"
# nbconvert's lab template without its CDN <script>s (require.js, MathJax, mermaid): pages open offline.
TEMPLATE_DIR = NOTEBOOKS_DIR / "_template"
TEMPLATE_FILE = "offline.html.j2"
KERNEL = "python3"  # registered inside the venv by `make install` (ipykernel --sys-prefix)

INDEX_TEXT = {
    "es": {"title": "Informes del grupo de directivos públicos", "snapshot": "Corte", "generated": "Generado",
           "reports": "Informes", "sample": "Muestra sintética: entidades reales, puestos y remuneraciones "
           "sintéticos calibrados con cifras publicadas por SERVIR (2016). No usar como dato oficial.",
           "sources": "Fuentes", "seconds": "segundos"},
    "en": {"title": "Public managers group reports", "snapshot": "Snapshot", "generated": "Generated",
           "reports": "Reports", "sample": "Synthetic sample: real entities, synthetic positions and pay "
           "calibrated to SERVIR's published 2016 figures. Not official data.",
           "sources": "Sources", "seconds": "seconds"},
}


class ReportError(PipelineError):
    exit_code = 4


@dataclass
class RenderedReport:
    notebook: str
    html_path: Path
    seconds: float


def notebook_sources() -> list[Path]:
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py"))


def _title_of(notebook_py: Path, lang: str) -> str:
    """First markdown heading in the notebook for the language (`# %% [markdown]` cells start '# # ')."""
    marker = f"[{lang}]"
    for line in notebook_py.read_text(encoding="utf-8").splitlines():
        if line.startswith("# TITLE") and marker in line:
            return line.split(marker, 1)[1].strip()
    return notebook_py.stem.replace("_", " ")


def render(snapshot: str, lang: str = "es", out_dir: Path | None = None,
           only: list[str] | None = None, on_step=None) -> list[RenderedReport]:  # type: ignore[no-untyped-def]
    import jupytext
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    if lang not in INDEX_TEXT:
        raise ReportError(f"unknown language {lang!r}", "use --lang es or --lang en")
    target = out_dir or paths.reports_dir(snapshot)
    sources = [p for p in notebook_sources() if not only or p.stem in only]
    if not sources:
        raise ReportError("no notebooks to render", f"add notebooks to {NOTEBOOKS_DIR}")
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(TEMPLATE_DIR)])
    exporter.template_file = TEMPLATE_FILE
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.language_code = lang  # <html lang="es|en">
    rendered: list[RenderedReport] = []
    with tempfile.TemporaryDirectory(prefix="servir-pm-report-") as scratch_name:
        scratch = Path(scratch_name)
        staged = scratch / "out"
        staged.mkdir()
        for source in sources:
            if on_step:
                on_step(source.stem)
            started = time.perf_counter()
            notebook = jupytext.read(source)
            notebook.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
            notebook.metadata["title"] = f"{_title_of(source, lang)} — {snapshot}"  # the page's <title>
            unexecuted = scratch / f"{source.stem}.ipynb"
            executed = scratch / f"{source.stem}.executed.ipynb"
            nbformat.write(notebook, unexecuted)
            try:
                papermill.execute_notebook(
                    str(unexecuted), str(executed), kernel_name=KERNEL, progress_bar=False, log_output=False,
                    cwd=str(paths.PROJECT_ROOT),
                    parameters={"snapshot": snapshot, "lang": lang, "data_dir": str(paths.data_dir())},
                    # The kernel's warning that its local TCP sockets are unencrypted would otherwise
                    # fill every scheduled run's log; real kernel errors still show.
                    extra_arguments=["--IPKernelApp.log_level=ERROR"],
                )
            except papermill.PapermillExecutionError as error:
                raise ReportError(
                    f"notebook {source.name} failed in cell {error.exec_count}: {error.ename}: {error.evalue}",
                    "run `servir-pm build` for this snapshot first; if the marts exist, open the notebook "
                    "in Jupyter to see the failing cell", source) from None
            body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
            html_path = staged / f"{source.stem}.html"
            html_path.write_text(body, encoding="utf-8")
            rendered.append(RenderedReport(source.stem, target / html_path.name, time.perf_counter() - started))
        _write_index(staged, snapshot, lang, sources, rendered)
        target.parent.mkdir(parents=True, exist_ok=True)
        if only and target.exists():
            # Re-rendering some pages: replace just those; the index (listing every page) stays.
            for page in staged.iterdir():
                if page.name != "index.html" or not (target / "index.html").exists():
                    shutil.copy2(page, target / page.name)
        else:
            # Publish all pages together: readers never see a mix of old and new pages.
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(staged, target)
    return rendered


def is_synthetic(snapshot: str) -> bool:
    """True when the snapshot's series metadata says origin synthetic (the series.json ingestion
    stages beside its Parquet; pipelines.refresh.series). Staging made before series metadata existed:
    when its positions carry the sample generator's `data_origin` label."""
    import polars as pl

    from pipelines.refresh.series import SERIES_FILE, read_series

    if (paths.staging_dir(snapshot) / SERIES_FILE).is_file():
        return read_series(paths.staging_dir(snapshot)).is_synthetic
    staged = paths.staging_dir(snapshot) / "positions.parquet"
    if not staged.exists():
        return False
    origin = pl.scan_parquet(staged).select((pl.col("data_origin") == "synthetic_sample").any()).collect()
    return bool(origin.item())


def _write_index(folder: Path, snapshot: str, lang: str, sources: list[Path],
                 rendered: list[RenderedReport]) -> None:
    text = INDEX_TEXT[lang]
    items = "\n".join(
        f'<li><a href="{html.escape(r.html_path.name)}">{html.escape(_title_of(s, lang))}</a></li>'
        for s, r in zip(sources, rendered, strict=True))
    banner = f'<p class="sample">{html.escape(text["sample"])}</p>' if is_synthetic(snapshot) else ""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(text['title'])} — {html.escape(snapshot)}</title>
<style>body{{font-family:system-ui,Segoe UI,Arial,sans-serif;max-width:820px;margin:2rem auto;color:#1d2733}}
h1{{font-size:1.6rem}} .meta{{color:#555}}
.sample{{background:#fff4d6;border-left:4px solid #e0a100;padding:.6rem 1rem}}
li{{margin:.4rem 0;font-size:1.1rem}}</style></head>
<body><h1>{html.escape(text['title'])}</h1>
<p class="meta">{text['snapshot']}: <b>{html.escape(snapshot)}</b> · {text['generated']}: {generated}</p>
{banner}
<h2>{text['reports']}</h2><ul>{items}</ul>
<p class="meta">{text['sources']}: SERVIR (2016) Management Model of the Public Managers Group; registries in
data/raw/{html.escape(snapshot)}.</p>
</body></html>"""
    (folder / "index.html").write_text(page, encoding="utf-8")
