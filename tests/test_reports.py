"""Reports: every notebook executes on the sample in both languages, pages open offline with their
plotly charts, headline figures match the marts, and each language shows only its own text.

A copy of the session's published sample (tests/conftest.py `published_sample`, built once for every
end-to-end test), then one render per language (`pipelines.report.render.render`). The build also
holds a second snapshot, the sample with a few hand-made changes (NEXT_CHANGES), so the page on
change between snapshots (06) is rendered both as the first snapshot and as a later one.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from conftest import copy_published

from pipelines import paths
from pipelines.build import marts
from pipelines.report import charts, labels
from pipelines.report import render as report

SNAPSHOT = paths.SAMPLE_SNAPSHOT
NEXT = paths.SAMPLE_NEXT_SNAPSHOT
LANGS = ("es", "en")
COMP_MARTS = ("mart_valuation", "mart_pay_gaps", "mart_pay_benchmarks", "mart_valuation_summary",
              "mart_transition_cost")
# Minimum plotly charts per page on the sample (00: 4-6 charts as the brief asks).
MIN_CHARTS = {"00_resumen": 4, "01_puestos_directivos": 6, "02_directivos_y_alta_direccion": 6,
              "03_topes_de_confianza": 3, "04_brechas_remunerativas": 3, "05_conciliacion_y_calidad": 2,
              "06_evolucion": 4}
# The second snapshot's changes, counted by hand (see tests/published_sample.py): positions picked in ministries,
# where Tables 7/15 give level 2 line = PM/PS, level 3 support = PM/OS and level 4 = CA.
NEXT_CHANGES = {"new": 6, "removed": 7, "reclassified": 5, "replaced": 8, "vacated": 5, "filled": 5}


pytestmark = pytest.mark.slow  # renders every report page in both languages: `make test-all`


def _use_data_dir(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    monkeypatch.setenv("SERVIR_PM_DATA", str(root))
    monkeypatch.setenv("SERVIR_PM_WAREHOUSE", str(root / "warehouse.duckdb"))
    monkeypatch.setenv("SERVIR_PM_STAGING", str(root / "staging"))
    monkeypatch.setenv("SERVIR_PM_REPORTS", str(root / "reports"))


@pytest.fixture(scope="module")
def data_root(published_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the session's published sample (both snapshots built; this module writes reports)."""
    root = copy_published(published_sample, tmp_path_factory.mktemp("data"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        _use_data_dir(monkeypatch, root)
        yield root


@pytest.fixture(scope="module")
def rendered(data_root: Path) -> dict[str, dict[str, str]]:
    """lang -> page stem -> HTML (index included)."""
    pages: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        out = data_root / "reports" / lang
        report.render(SNAPSHOT, lang, out_dir=out)
        pages[lang] = {p.stem: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    return pages


@pytest.fixture(scope="module")
def rendered_next(data_root: Path) -> dict[str, str]:
    """lang -> HTML of the change page (06) for the second snapshot."""
    pages = {}
    for lang in LANGS:
        out = data_root / "reports_next" / lang
        report.render(NEXT, lang, out_dir=out, only=["06_evolucion"])
        pages[lang] = (out / "06_evolucion.html").read_text(encoding="utf-8")
    return pages


def _without_plotly_library(page: str) -> str:
    """The page minus the embedded plotly.js bundle and CSS (they hold English UI strings), with the
    figures' JSON escapes (\\u00fa) and HTML entities decoded so that chart titles are searchable."""
    page = re.sub(r"<script[^>]*>\s*/\*\*\s*\* plotly\.js v.*?</script>", "", page, flags=re.S)
    page = re.sub(r"<style[^>]*>.*?</style>", "", page, flags=re.S)
    page = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)
    return html.unescape(page)


def _kpis(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-kpi="([^"]+)">([^<]*)<', page))


def test_every_notebook_renders_in_both_languages(rendered: dict[str, dict[str, str]]) -> None:
    stems = {p.stem for p in report.notebook_sources()}
    assert stems == set(MIN_CHARTS)
    for lang in LANGS:
        assert set(rendered[lang]) == stems | {"index"}
        for stem in stems:
            assert "Traceback" not in rendered[lang][stem] and "Error" not in _kpis(rendered[lang][stem]).values()


def test_pages_embed_plotly_and_need_no_cdn(rendered: dict[str, dict[str, str]]) -> None:
    for lang in LANGS:
        for stem, minimum in MIN_CHARTS.items():
            page = rendered[lang][stem]
            assert len(re.findall(r"Plotly\.newPlot\(", page)) >= minimum, (lang, stem)
            assert len(re.findall(r"\* plotly\.js v\d", page)) == 1, (lang, stem)  # the library, once
            assert not re.findall(r"<script[^>]+src=[\"']https?://", page), (lang, stem)
            frame = _without_plotly_library(page)  # nbconvert's template: no require.js/MathJax/mermaid CDN
            assert not [cdn for cdn in ("cdnjs.cloudflare.com", "cdn.plot.ly", "unpkg.com", "cdn.jsdelivr")
                        if cdn in frame], (lang, stem)


def test_every_page_states_snapshot_time_sources_and_sample(rendered: dict[str, dict[str, str]]) -> None:
    for lang in LANGS:
        for stem in MIN_CHARTS:
            page = _without_plotly_library(rendered[lang][stem])
            assert SNAPSHOT in page
            assert labels.text("generated", lang) in page and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", page)
            assert labels.text("sources", lang) in page
            assert labels.text("synthetic_banner", lang) in page, (lang, stem)


def test_headline_figures_match_the_marts(rendered: dict[str, dict[str, str]]) -> None:
    positions = marts.load("management_positions", SNAPSHOT)
    groups = marts.load("servant_groups", SNAPSHOT)
    tpm = marts.load("tpm", SNAPSHOT)
    caps = marts.load("confianza_caps", SNAPSHOT)
    expected = {
        "management_positions": f"{positions['positions'].sum():,}",
        "pm": f"{groups.filter(pl.col('servant_group') == 'PM')['total'].item():,}",
        "tpm": f"{tpm.filter(pl.col('government_level') == 'total')['tpm'].item():,}",
        "share_appointed": f"{100 * positions['appointed_positions'].sum() / positions['positions'].sum():.0f}%",
        "entities_breaching_caps": f"{caps.filter(pl.col('pm_cap_breach') | pl.col('entity_cap_breach')).height:,}",
    }
    valuation = marts.load("valuation", SNAPSHOT)
    pay = (valuation.filter((pl.col("servant_group") == "PM") & pl.col("current_monthly").is_not_null())
           .group_by("government_level").agg(pl.col("current_monthly").median()))
    for level, median in pay.iter_rows():
        expected[f"median_pm_pay_{level}"] = f"S/ {median:,.0f}"
    assert len(pay) >= 2
    for lang in LANGS:
        shown = _kpis(rendered[lang]["00_resumen"])
        assert {k: shown.get(k) for k in expected} == expected, lang
    # The same figures on the detail pages.
    assert _kpis(rendered["es"]["01_puestos_directivos"])["management_positions"] == expected["management_positions"]
    assert _kpis(rendered["es"]["02_directivos_y_alta_direccion"])["tpm"] == expected["tpm"]


def test_each_language_shows_only_its_own_text(rendered: dict[str, dict[str, str]]) -> None:
    spanish = ["Resumen para la alta dirección", "Puestos directivos por nivel de gobierno", "Corte",
               "Generado", "Muestra sintética", "Directivos públicos por rol", "Nivel de gobierno",
               "Político-estratégico", "Funcionario público", "Topes de servidores de confianza",
               "Brechas remunerativas", "Conciliación y calidad", "Evolución entre cortes"]
    english = ["Leadership brief", "Management positions by government level", "Snapshot", "Generated",
               "Synthetic sample", "Public managers by role", "Government level", "Political-strategic",
               "Public officer", "Appointee (confianza) caps", "Pay gaps", "Reconciliation and quality",
               "Change between snapshots"]
    for stem in [*MIN_CHARTS, "index"]:
        es = _without_plotly_library(rendered["es"][stem])
        en = _without_plotly_library(rendered["en"][stem])
        assert not [s for s in spanish if s in en], stem
        assert not [s for s in english if s in es], stem
    assert all(any(s in _without_plotly_library(rendered["es"][p]) for p in MIN_CHARTS) for s in spanish)
    assert all(any(s in _without_plotly_library(rendered["en"][p]) for p in MIN_CHARTS) for s in english)
    assert '<html lang="en"' in rendered["en"]["index"]


def test_change_page_on_the_first_snapshot_says_there_is_nothing_to_compare(
        rendered: dict[str, dict[str, str]]) -> None:
    for lang in LANGS:
        page = _without_plotly_library(rendered[lang]["06_evolucion"])
        assert labels.text("evo_first", lang) in page
        assert labels.text("evo_changes", lang) not in page and labels.text("evo_turnover", lang) not in page
        # Trends stop at the page's own snapshot: a later snapshot in the folder does not show up.
        assert NEXT not in page, lang
        assert _kpis(rendered[lang]["06_evolucion"])["pm"] == _kpis(rendered[lang]["00_resumen"])["pm"]


def test_change_page_shows_the_changes_made_into_the_next_snapshot(rendered_next: dict[str, str]) -> None:
    for lang in LANGS:
        raw = rendered_next[lang]
        assert "Traceback" not in raw
        assert len(re.findall(r"Plotly\.newPlot\(", raw)) >= 7, lang  # 4 trends, changes, 2 turnover
        page = _without_plotly_library(raw)
        assert labels.text("evo_first", lang) not in page
        assert labels.text("evo_compared", lang, snapshot=NEXT, previous=SNAPSHOT) in page
        shown = _kpis(raw)
        assert {k: shown[f"{k}_positions"] for k in NEXT_CHANGES} == {k: str(n) for k, n in NEXT_CHANGES.items()}
        # PM: +6 new PS, +5 CA reclassified to OS; management positions: +6 new, -7 removed CA.
        assert labels.text("evo_change_hint", lang, change="+11", previous=SNAPSHOT) in page
        assert labels.text("evo_change_hint", lang, change="-1", previous=SNAPSHOT) in page
        # Occupant turnover: 8 replaced + 5 vacated, all in management (PM/OS) positions.
        assert re.search(r"13 (de|of) [\d,]+ ", page), lang
        # The reclassification matrix: the 5 CA positions now PM/OS, the only reclassification.
        ca, os_ = labels.category("servant_group", "CA", lang), labels.text(
            "pm_role_label", lang, role=labels.category("role", "OS", lang))
        assert f"<th>{os_}</th></tr>" in page and f'<td>{ca}</td><td class="n">5</td></tr>' in page
        # Entities ranked by turnover: only those with at least 5 positions compared.
        table = page.split(labels.text("evo_turnover_top", lang), 1)[1].split("</table>", 1)[0]
        compared = [int(n.replace(",", "")) for n in re.findall(r'<td class="n">([\d,]+)</td><td class="n">', table)]
        assert compared and min(compared) >= charts.SUPPRESSION_THRESHOLD


def test_pay_report_says_so_when_compensation_marts_are_missing(data_root: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    copy = data_root.parent / "no_comp"
    shutil.copytree(data_root / "marts", copy / "marts")
    shutil.copytree(data_root / "staging", copy / "staging")
    for name in COMP_MARTS:
        (copy / "marts" / SNAPSHOT / f"{name}.parquet").unlink(missing_ok=True)
    _use_data_dir(monkeypatch, copy)
    out = copy / "reports"
    report.render(SNAPSHOT, "en", out_dir=out, only=["04_brechas_remunerativas", "00_resumen"])
    page = (out / "04_brechas_remunerativas.html").read_text(encoding="utf-8")
    assert "Marts not available in this build" in page and "mart_valuation" in page
    assert "Marts not available in this build: mart_valuation" in (out / "00_resumen.html").read_text(encoding="utf-8")


def test_small_cells_show_as_suppressed_not_zero() -> None:
    assert [charts.is_suppressed(v) for v in (None, 0, 1, 4, 5)] == [False, False, True, True, False]
    frame = charts.suppress(pl.DataFrame({"people": [3, 12], "median_pay": [5000.0, 6000.0]}), "people",
                            ["median_pay"])
    assert frame["median_pay"].to_list() == [None, 6000.0] and frame["suppressed"].to_list() == [True, False]
    assert labels.text("suppressed", "es") == "<5"


def test_labels_cover_both_languages() -> None:
    assert all(len(pair) == 2 and all(pair) for pair in labels.TEXT.values())
    assert labels.category("role", "PS", "es") == "Político-estratégico"
    assert labels.category("role", "PS", "en") == "Political-strategic"
    assert labels.category("government_level", "regional", "en") == "Regional"
    with pytest.raises(ValueError, match="unknown language"):
        labels.text("snapshot", "fr")
