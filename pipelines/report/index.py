"""The index page of a snapshot's report folder: the pages, the sample banner, the sources and, when
they were built, links to the technical documentation (dbt docs site, great-expectations Data Docs).

Every visible word comes from seeds/labels/page_text.csv (pipelines.report.labels), like the pages.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pipelines import paths
from pipelines.report import labels

# Technical documentation linked from the index, when the file exists: (text key, path relative to
# the reports root; "{snapshot}" is the snapshot's folder). Written by other stages (`make docs`).
DOC_LINKS = (
    ("index_docs_dbt", "docs/dbt/index.html"),
    ("index_docs_data", "{snapshot}/data_docs/index.html"),
)
STYLE = """body{font-family:system-ui,Segoe UI,Arial,sans-serif;max-width:820px;margin:2rem auto;color:#1d2733}
h1{font-size:1.6rem} .meta{color:#555}
.sample{background:#fff4d6;border-left:4px solid #e0a100;padding:.6rem 1rem}
li{margin:.4rem 0;font-size:1.1rem}"""


def title_of(notebook_py: Path, lang: str) -> str:
    """The page title a notebook declares for the language (`# TITLE [es] ...` in its first cell)."""
    marker = f"[{lang}]"
    for line in notebook_py.read_text(encoding="utf-8").splitlines():
        if line.startswith("# TITLE") and marker in line:
            return line.split(marker, 1)[1].strip()
    return notebook_py.stem.replace("_", " ")


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


def doc_links(reports_root: Path, snapshot: str, page_folder: Path) -> list[tuple[str, str]]:
    """(text key, href from the index page) of each documentation site that exists."""
    found = []
    for key, relative in DOC_LINKS:
        target = reports_root / relative.format(snapshot=snapshot)
        if target.is_file():
            found.append((key, Path(os.path.relpath(target, page_folder)).as_posix()))
    return found


def write_index(folder: Path, snapshot: str, lang: str, pages: Sequence[tuple[str, str]],
                reports_root: Path | None = None, page_folder: Path | None = None) -> None:
    """index.html in `folder`: `pages` is (title, file name); documentation links are checked under
    `reports_root` (default: the published reports folder) as seen from `page_folder` (where the
    index is published; default the snapshot's report folder)."""
    def t(key: str, **values: object) -> str:
        return html.escape(labels.text(key, lang, **values))

    root = reports_root or paths.reports_dir()
    items = "\n".join(f'<li><a href="{html.escape(name)}">{html.escape(title)}</a></li>' for title, name in pages)
    banner = f'<p class="sample">{t("synthetic_banner")}</p>' if is_synthetic(snapshot) else ""
    links = doc_links(root, snapshot, page_folder or root / snapshot)
    docs = ""
    if links:
        docs = f"<h2>{t('index_docs')}</h2><ul>" + "".join(
            f'<li><a href="{html.escape(href)}">{t(key)}</a></li>' for key, href in links) + "</ul>"
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{t('index_title')} — {html.escape(snapshot)}</title>
<style>{STYLE}</style></head>
<body><h1>{t('index_title')}</h1>
<p class="meta">{t('snapshot')}: <b>{html.escape(snapshot)}</b> · {t('generated')}: {generated}</p>
{banner}
<h2>{t('index_reports')}</h2><ul>{items}</ul>
{docs}
<p class="meta">{t('sources')}: {t('source_servir')}; {t('index_registries', snapshot=snapshot)}.</p>
</body></html>"""
    (folder / "index.html").write_text(page, encoding="utf-8")


def relink_index(folder: Path, notebooks: Sequence[Path]) -> bool:
    """Rewrite a published report folder's index.html in its own language with the documentation
    links that exist now (`servir-pm docs` builds the sites after the reports were rendered).
    False when the folder has no index page."""
    index = folder / "index.html"
    if not index.is_file():
        return False
    head = index.read_text(encoding="utf-8")[:200]
    lang = next((code for code in labels.LANGS if f'<html lang="{code}">' in head), labels.LANGS[0])
    pages = [(title_of(source, lang), f"{source.stem}.html") for source in notebooks
             if (folder / f"{source.stem}.html").is_file()]
    write_index(folder, folder.name, lang, pages, reports_root=folder.parent, page_folder=folder)
    return True
