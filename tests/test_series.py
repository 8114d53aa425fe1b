"""Snapshots belong to a series: history compares consecutive snapshots of the same series only.

Three hand-made staged snapshots (the positions of tests/test_history.py):
- S1 2016-05-31 and S2 2016-11-30, series "muestra-sintetica-2016", origin synthetic;
- R 2016-08-31, series "gobpe-directorio", origin real: by date it falls *between* S1 and S2, so
  a comparison that ignored series would pair S1 -> R -> S2.
Expected: S2 is compared with S1 (the changes test_history.py counts by hand), R with nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest
from staging_io import write_snapshot
from test_history import ENTITIES, ENTITIES_B, POSITIONS_A, POSITIONS_B

from pipelines.build import marts
from pipelines.build import warehouse as build
from pipelines.refresh.series import SeriesInfo
from pipelines.report import render as report

S1, R, S2 = "2016-05-31", "2016-08-31", "2016-11-30"
SAMPLE = SeriesInfo(series="muestra-sintetica-2016", origin="synthetic")
REAL = SeriesInfo(series="gobpe-directorio", origin="real", source="gob.pe directory (test)")


pytestmark = pytest.mark.slow  # a dbt build and report pages: `make test-all`


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("series")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SERVIR_PM_DATA", str(root))
        monkeypatch.setenv("SERVIR_PM_WAREHOUSE", str(root / "warehouse.duckdb"))
        monkeypatch.setenv("SERVIR_PM_STAGING", str(root / "staging"))
        write_snapshot(S1, ENTITIES, POSITIONS_A, series=SAMPLE)
        # The real snapshot holds B's positions: compared with S1 it would show 8 changes.
        write_snapshot(R, ENTITIES_B, POSITIONS_B, series=REAL)
        write_snapshot(S2, ENTITIES_B, POSITIONS_B, series=SAMPLE)
        build.build()
        yield root


def test_the_sample_is_compared_with_the_sample_only(built: Path) -> None:
    changes = marts.load("position_changes", S2)
    assert set(changes["previous_snapshot"]) == {S1}
    assert set(changes["series"]) == {"muestra-sintetica-2016"}
    # the 8 changed positions of tests/test_history.py (P01, P20 unchanged)
    assert sorted(changes["position_id"]) == ["P02", "P03", "P04", "P09", "P10", "P11", "P21", "P30"]
    trends = marts.load("history_trends", S2).filter(pl.col("government_level") == "all")
    assert trends["previous_snapshot"].to_list() == [S1]
    assert set(marts.load("turnover", S2)["previous_snapshot"]) == {S1}


def test_a_real_snapshot_is_the_first_of_its_own_series(built: Path) -> None:
    assert marts.load("position_changes", R).is_empty()
    assert marts.load("turnover", R).is_empty()
    trends = marts.load("history_trends", R).filter(pl.col("government_level") == "all")
    assert trends["previous_snapshot"].to_list() == [None]
    assert trends["series"].to_list() == ["gobpe-directorio"]


def test_load_history_joins_one_series(built: Path) -> None:
    sample = marts.load_history("history_trends", upto=S2).filter(pl.col("government_level") == "all")
    assert sample["snapshot"].to_list() == [S1, S2]
    real = marts.load_history("history_trends", upto=R).filter(pl.col("government_level") == "all")
    assert real["snapshot"].to_list() == [R]
    latest = marts.load_history("history_trends", series="gobpe-directorio")
    assert set(latest["snapshot"]) == {R}


def test_banner_and_reconciliation_follow_the_series_metadata(built: Path) -> None:
    assert (report.is_synthetic(S1), report.is_synthetic(R)) == (True, False)
    for snapshot, is_test in ((S1, True), (R, False)):
        recon = marts.load("reconciliation", snapshot)
        assert set(recon["is_reconciliation_test"]) == {is_test}, snapshot


def _text(page: Path) -> str:
    import html
    import re

    body = re.sub(r"<(script|style).*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_page_05_compares_a_real_snapshot_with_2016_and_tests_the_sample(built: Path, tmp_path: Path) -> None:
    from pipelines.report import labels

    def page(snapshot: str) -> str:
        rendered = report.render(snapshot, "es", out_dir=tmp_path / snapshot, only=["05_conciliacion_y_calidad"])
        return _text(rendered[0].html_path)

    with ThreadPoolExecutor(max_workers=2) as pool:  # a kernel (a process) each: both at once on two cores
        pages = dict(zip((R, S1), pool.map(page, (R, S1)), strict=True))
    banner = labels.text("synthetic_banner", "es")
    comparison, test = labels.text("recon_table_comparison", "es"), labels.text("kpi_recon_ok", "es")
    assert comparison == "Cifras publicadas 2016 frente a este corte"
    assert comparison in pages[R] and test not in pages[R] and banner not in pages[R]
    assert test in pages[S1] and comparison not in pages[S1] and banner in pages[S1]
    assert labels.text("quality_notes_comparison", "es") in pages[R]
    assert labels.text("quality_notes_test", "es") in pages[S1]


def test_page_06_of_a_real_snapshot_has_no_sample_history(built: Path, tmp_path: Path) -> None:
    from pipelines.report import labels

    rendered = report.render(R, "es", out_dir=tmp_path / R, only=["06_evolucion"])
    page = _text(rendered[0].html_path)
    assert labels.text("evo_first", "es") in page
    assert labels.text("evo_series", "es", series="gobpe-directorio") in page
    assert S1 not in page and S2 not in page  # the sample's snapshots are not on its trend
