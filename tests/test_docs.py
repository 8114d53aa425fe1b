"""The dbt docs site (servir-pm docs / make docs) and the exposures it shows.

The docs must build on a fresh checkout (nothing staged, no warehouse) as one HTML file that opens
offline, while a real build on missing staging still stops with the message that says what to do.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml
from conftest import copy_dbt_project
from typer.testing import CliRunner

from pipelines import paths
from pipelines.build.dbt_runner import run_dbt
from pipelines.build.docs import offline
from pipelines.cli import app
from pipelines.errors import BuildError

NOTEBOOKS = sorted((paths.PROJECT_ROOT / "notebooks").glob("0*_*.py"))
# A tag that makes the browser fetch from another host: <script src="https://..."> or "//host/...".
EXTERNAL_TAG = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def marts_loaded(notebook: Path) -> set[str]:
    """Every mart the page reads: page.load("x"), page.published("x"), marts.load_history("x") and the
    Page's marts=[...] list (a literal, or a module-level list assigned to a name, as page 04's COMP_MARTS)."""
    tree = ast.parse(notebook.read_text(encoding="utf-8"))
    lists = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name) and isinstance(node.value, ast.List)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        reads = node.func.attr in ("load", "load_history", "published")
        if reads and node.args and isinstance(node.args[0], ast.Constant):
            found.add(node.args[0].value)
        for keyword in node.keywords if node.func.attr == "Page" else []:
            if keyword.arg == "marts":
                value = lists.get(keyword.value.id) if isinstance(keyword.value, ast.Name) else keyword.value
                found |= {item.value for item in getattr(value, "elts", []) if isinstance(item, ast.Constant)}
    return {name if name.startswith("mart_") else f"mart_{name}" for name in found}


def test_every_report_page_is_an_exposure_listing_the_marts_it_loads() -> None:
    exposures = yaml.safe_load((paths.PROJECT_ROOT / "models" / "exposures.yml").read_text(encoding="utf-8"))
    declared = {e["name"]: {re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in e["depends_on"]}  # type: ignore[union-attr]
                for e in exposures["exposures"]}
    assert NOTEBOOKS, "no report page found in notebooks/"
    assert set(declared) == {f"page_{n.stem}" for n in NOTEBOOKS}
    for notebook in NOTEBOOKS:
        loaded = marts_loaded(notebook)
        assert loaded, f"{notebook.name}: no mart found (did the page stop using page.load?)"
        assert declared[f"page_{notebook.stem}"] == loaded, notebook.name
    for exposure in exposures["exposures"]:
        assert exposure["type"] in ("dashboard", "notebook") and exposure["owner"]["name"]


def test_offline_removes_the_usage_tracker_address() -> None:
    page = '<script>i.async=1,i.src="//d1fc8wv8zag5ca.cloudfront.net/2.9.0/sp.js",a.parentNode</script>'
    assert offline(page) == '<script>i.async=1,i.src="",a.parentNode</script>'


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh checkout: a copy of the dbt project, nothing staged, no warehouse, no reports."""
    project = copy_dbt_project(tmp_path / "project")
    monkeypatch.setattr(paths, "PROJECT_ROOT", project)
    monkeypatch.setenv("SERVIR_PM_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("SERVIR_PM_REPORTS", str(tmp_path / "reports"))
    monkeypatch.delenv("SERVIR_PM_WAREHOUSE", raising=False)
    return project


def test_docs_on_a_fresh_checkout_write_one_offline_page_and_copy_the_data_docs(
        fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A staged snapshot; its Data Docs are built by pipelines.ingest.data_docs (tests/test_data_docs.py),
    # stood in for here so this test checks where `docs` puts them, not great-expectations.
    staged = tmp_path / "data" / "staging" / "2016-05-31"
    staged.mkdir(parents=True)
    pl.DataFrame({"data_origin": ["synthetic_sample"]}).write_parquet(staged / "positions.parquet")

    def fake_build(snapshot: str) -> Path:
        index = tmp_path / "data" / "staging" / snapshot / "data_docs" / "index.html"
        index.parent.mkdir(parents=True, exist_ok=True)
        index.write_text("<html>Data Docs</html>", encoding="utf-8")
        return index

    monkeypatch.setattr("pipelines.ingest.data_docs.build_data_docs", fake_build)
    shutil.copytree(Path(__file__).resolve().parents[1] / "notebooks", fresh / "notebooks")  # page titles
    published = tmp_path / "reports" / "2016-05-31"  # a report folder rendered before the docs existed
    published.mkdir(parents=True)
    (published / "index.html").write_text('<!doctype html>\n<html lang="es"><head></head></html>', encoding="utf-8")
    (published / "00_resumen.html").write_text("<html></html>", encoding="utf-8")

    result = CliRunner().invoke(app, ["docs"])

    assert result.exit_code == 0, result.output
    site = tmp_path / "reports" / "docs" / "dbt" / "index.html"
    assert str(site) in result.output
    page = site.read_text(encoding="utf-8")
    models = sorted(p.stem for p in (fresh / "models").rglob("*.sql"))
    assert len(models) > 30
    missing = [name for name in models if name not in page]
    assert not missing, f"models not in the docs page: {missing}"
    assert "page_04_brechas_remunerativas" in page and "source.servir_pm.registry.positions" in page
    assert not EXTERNAL_TAG.findall(page)
    assert "sp.js" not in page
    assert not (tmp_path / "data" / "warehouse.duckdb").exists()  # no empty warehouse left behind
    copied = tmp_path / "reports" / "2016-05-31" / "data_docs" / "index.html"
    assert copied.read_text(encoding="utf-8") == "<html>Data Docs</html>"
    index = (published / "index.html").read_text(encoding="utf-8")  # relinked, still Spanish
    assert '<html lang="es">' in index and 'href="00_resumen.html"' in index
    assert 'href="../docs/dbt/index.html"' in index and 'href="data_docs/index.html"' in index


def test_a_build_without_staging_still_stops_with_the_fix(fresh: Path) -> None:
    with pytest.raises(BuildError, match=r"No staging snapshot found: no file matches .*positions\.parquet"):
        run_dbt(["compile", "--select", "stg_registry__positions"], project_dir=fresh)
