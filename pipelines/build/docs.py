"""`servir-pm docs`: the dbt docs site as one HTML file that opens offline, beside the reports.

`dbt docs generate --static` writes target/static_index.html: the docs app with the manifest and
the catalog inlined, so it opens from disk (file://) with no server and no network. It is copied to
reports/docs/dbt/index.html (under `paths.reports_dir()`). Works on a fresh checkout: with nothing
staged the models are documented from their SQL and YAML (macros/staging.sql `documenting()`), and
with no warehouse yet the catalog comes from a scratch one (no column types, no row counts).

Each snapshot's great-expectations Data Docs (data/staging/<snapshot>/data_docs/, when ingestion
wrote them) are copied to reports/<snapshot>/data_docs/.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pipelines import paths
from pipelines.build.dbt_runner import run_dbt
from pipelines.errors import BuildError

STATIC_PAGE = "static_index.html"  # what `dbt docs generate --static` writes in the target folder
DATA_DOCS = "data_docs"
# great-expectations ships tutorial GIFs (3.4 MB) and web fonts no Data Docs page of ours uses
# (pages are plain HTML offline): left out of the report folder, which stays under ~8 MB.
UNUSED_ASSETS = shutil.ignore_patterns("*.gif", "fonts")
# The docs app loads a usage tracker from a CDN when the manifest says usage stats are on; the
# project turns them off (dbt_project.yml flags, dbt_runner), and the address is removed as well so
# the page cannot reach the network even if that setting changes.
_TRACKER = re.compile(r"""(["'])(?:https?:)?//[^"']*/sp\.js\1""")


@dataclass(frozen=True)
class DocsResult:
    site: Path  # the dbt docs page
    size_bytes: int
    seconds: float  # the whole `dbt docs generate` call: imports, parse, compile, catalog
    data_docs: tuple[Path, ...]  # the Data Docs folders copied beside the reports

    def summary(self) -> str:
        lines = [f"dbt docs: {self.site} ({self.size_bytes / 1e6:.1f} MB, one file, opens offline; "
                 f"built in {self.seconds:.1f} s)"]
        lines += [f"Data Docs: {folder}" for folder in self.data_docs]
        return "\n".join(lines)


def site_path() -> Path:
    return paths.reports_dir() / "docs" / "dbt" / "index.html"


def build_docs(project_dir: Path | None = None) -> DocsResult:
    """Generate the dbt docs site, write it as one offline HTML file, copy the Data Docs."""
    project = (project_dir or paths.PROJECT_ROOT).resolve()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="servir-pm-docs-") as scratch:
        warehouse = paths.warehouse_path()
        if not warehouse.is_file():  # fresh checkout: do not leave an empty warehouse behind
            warehouse = Path(scratch) / "warehouse.duckdb"
        with paths.environment({"SERVIR_PM_WAREHOUSE": str(warehouse)}):
            run_dbt(["docs", "generate", "--static"], project_dir=project)
    seconds = time.perf_counter() - started
    page = paths.dbt_target_dir(project) / STATIC_PAGE
    if not page.is_file():
        raise BuildError(problem=f"dbt docs generate --static did not write {STATIC_PAGE}",
                         fix="check the dbt version (--static needs dbt-core 1.7 or later) and logs/dbt.log",
                         file=page.parent)
    site = site_path()
    site.parent.mkdir(parents=True, exist_ok=True)
    site.write_text(offline(page.read_text(encoding="utf-8")), encoding="utf-8")
    data_docs = tuple(copy_data_docs())
    relink_indexes()
    return DocsResult(site, site.stat().st_size, seconds, data_docs)


def relink_indexes() -> None:
    """Each published report folder's index page gains the links to the sites just written."""
    from pipelines.report.index import relink_index
    from pipelines.report.render import notebook_sources

    root = paths.reports_dir()
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        relink_index(folder, notebook_sources())


def offline(page: str) -> str:
    """The static page without the address of dbt's usage tracker (see _TRACKER)."""
    return _TRACKER.sub(r"\1\1", page)


def copy_data_docs() -> list[Path]:
    """Build each staged snapshot's great-expectations Data Docs (data/staging/<snapshot>/data_docs/,
    pipelines.ingest.data_docs) and copy them to reports/<snapshot>/data_docs/, where the reports'
    index links them. Re-ingesting a snapshot replaces its staging folder, so they are rebuilt here."""
    from pipelines.ingest.data_docs import build_data_docs  # imports great_expectations (seconds)

    copied = []
    root = paths.staging_dir()
    staged = sorted(p.parent for p in root.glob("*/positions.parquet")) if root.is_dir() else []
    for snapshot_dir in staged:
        source = build_data_docs(snapshot_dir.name).parent
        target = paths.reports_dir(source.parent.name) / DATA_DOCS
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=UNUSED_ASSETS)
        copied.append(target)
    return copied

