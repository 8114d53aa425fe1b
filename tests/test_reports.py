"""Reports: every notebook executes on the sample in both languages, pages open offline with their
plotly charts, headline figures match the marts, and each language shows only its own text.

A copy of the session's published sample (tests/conftest.py `published_sample`, built once for every
end-to-end test), then one render per language (`pipelines.report.render.render`). The build also
holds a second snapshot, the sample with a few hand-made changes (NEXT_CHANGES), so the page on
change between snapshots (06) is rendered both as the first snapshot and as a later one.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import polars as pl
import pytest
from conftest import copy_published, use_data_dir
from report_text import english_sentences, internal_codes, visible_text

from pipelines import paths
from pipelines.build import marts
from pipelines.disclosure import suppress as disclosure
from pipelines.report import kernel, labels
from pipelines.report import render as report

SNAPSHOT = paths.SAMPLE_SNAPSHOT
NEXT = paths.SAMPLE_NEXT_SNAPSHOT
LANGS = ("es", "en")
COMP_MARTS = ("mart_valuation", "mart_pay_quantiles", "mart_pay_gaps", "mart_pay_benchmarks",
              "mart_valuation_summary", "mart_transition_cost")
# Minimum plotly charts per page on the sample (00: 4-6 charts as the brief asks).
MIN_CHARTS = {"00_resumen": 4, "01_puestos_directivos": 6, "02_directivos_y_alta_direccion": 6,
              "03_topes_de_confianza": 3, "04_brechas_remunerativas": 3, "05_conciliacion_y_calidad": 2,
              "06_evolucion": 4}
# The second snapshot's changes, counted by hand (see tests/published_sample.py): positions picked in ministries,
# where Tables 7/15 give level 2 line = PM/PS, level 3 support = PM/OS and level 4 = CA.
NEXT_CHANGES = {"new": 6, "removed": 7, "reclassified": 5, "replaced": 8, "vacated": 5, "filled": 5}
T = TypeVar("T")


pytestmark = pytest.mark.slow  # renders every report page in both languages: `make test-all`


@pytest.fixture(scope="module")
def data_root(published_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the session's published sample (both snapshots built; this module writes reports)."""
    root = copy_published(published_sample, tmp_path_factory.mktemp("data"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_data_dir(monkeypatch, root)
        yield root


def _in_each_language(render_one: Callable[[str], T]) -> dict[str, T]:
    """lang -> render_one(lang), the languages rendered at once: each render has a kernel of its own
    (a process, as the two of a refresh's render_all), so both take about the time of one on two cores."""
    with ThreadPoolExecutor(max_workers=len(LANGS)) as pool:
        running = {lang: pool.submit(render_one, lang) for lang in LANGS}
        return {lang: future.result() for lang, future in running.items()}


@pytest.fixture(scope="module")
def rendered(data_root: Path) -> dict[str, dict[str, str]]:
    """lang -> page stem -> HTML (index included)."""
    def pages(lang: str) -> dict[str, str]:
        out = data_root / "reports" / lang
        report.render(SNAPSHOT, lang, out_dir=out)
        return {p.stem: p.read_text(encoding="utf-8") for p in out.glob("*.html")}

    return _in_each_language(pages)


@pytest.fixture(scope="module")
def rendered_next(data_root: Path) -> dict[str, str]:
    """lang -> HTML of the change page (06) for the second snapshot."""
    def page(lang: str) -> str:
        out = data_root / "reports_next" / lang
        report.render(NEXT, lang, out_dir=out, only=["06_evolucion"])
        return (out / "06_evolucion.html").read_text(encoding="utf-8")

    return _in_each_language(page)


def _without_plotly_library(page: str) -> str:
    """The page minus CSS, with the figures' JSON escapes (\\u00fa) and HTML entities decoded so that
    chart titles are searchable (plotly.js itself is a file beside the pages, not in them)."""
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


def test_pages_share_one_plotly_file_and_need_no_cdn(data_root: Path, rendered: dict[str, dict[str, str]]) -> None:
    for lang in LANGS:
        library = data_root / "reports" / lang / report.PLOTLY_FILE
        assert re.search(r"\* plotly\.js v\d", library.read_text(encoding="utf-8")[:2000]), lang
        for stem, minimum in MIN_CHARTS.items():
            page = rendered[lang][stem]
            assert len(re.findall(r"Plotly\.newPlot\(", page)) >= minimum, (lang, stem)
            assert not re.findall(r"\* plotly\.js v\d", page), (lang, stem)  # not embedded ...
            assert page.count(f'<script charset="utf-8" src="{report.PLOTLY_FILE}"></script>') == 1, (lang, stem)
            assert not re.findall(r"<script[^>]+src=[\"']https?://", page), (lang, stem)
            frame = _without_plotly_library(page)  # nbconvert's template: no require.js/MathJax/mermaid CDN
            assert not [cdn for cdn in ("cdnjs.cloudflare.com", "cdn.plot.ly", "unpkg.com", "cdn.jsdelivr")
                        if cdn in frame], (lang, stem)
        folder = sum(f.stat().st_size for f in (data_root / "reports" / lang).iterdir())
        assert folder <= 8 * 2**20, (lang, folder)  # a report folder <= 8 MB (issue 16)


def test_spanish_pages_show_no_internal_code_nor_english(rendered: dict[str, dict[str, str]]) -> None:
    """Every visible string of a Spanish page (text, tables, chart titles, bars, hovers) is Spanish
    and free of internal codes: snake_case tokens, rule ids like ID-PM-TOTAL, codes like dl276.
    Identifiers shown on purpose (the marts a page read) are set apart as <code>."""
    for stem, page in rendered["es"].items():
        texts = visible_text(page)
        assert len(texts) > 10, stem
        assert not [code for text in texts for code in internal_codes(text)], stem
        assert not english_sentences(texts), stem


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


def test_change_page_shows_the_changes_made_into_the_next_snapshot(data_root: Path,
                                                                  rendered_next: dict[str, str]) -> None:
    # Occupant changes are blanked in the published position list; the page sums mart_turnover's
    # published cells. By hand: the 8 replacements sit in one cell (17 PM/OS positions compared in
    # one ministry) that the export publishes; that cell's 5 vacated, and the 5 filled, it blanks.
    published = pl.read_csv(data_root / "marts" / NEXT / "mart_turnover.csv")
    occupants = {"replaced": "occupants_replaced", "vacated": "positions_vacated", "filled": "positions_filled"}
    shown_occupants = {kind: published[column].sum() for kind, column in occupants.items()}
    assert shown_occupants == {"replaced": 8, "vacated": 0, "filled": 0}
    complete = published.filter(pl.col("is_management_position")).drop_nulls(
        ["positions_compared", "occupants_replaced", "positions_vacated"])
    for lang in LANGS:
        raw = rendered_next[lang]
        assert "Traceback" not in raw
        assert len(re.findall(r"Plotly\.newPlot\(", raw)) >= 7, lang  # 4 trends, changes, 2 turnover
        page = _without_plotly_library(raw)
        assert labels.text("evo_first", lang) not in page
        assert labels.text("evo_compared", lang, snapshot=NEXT, previous=SNAPSHOT) in page
        shown = _kpis(raw)
        expected = {k: str(shown_occupants.get(k, n)) for k, n in NEXT_CHANGES.items()}
        assert {k: shown[f"{k}_positions"] for k in NEXT_CHANGES} == expected
        # PM: +6 new PS, +5 CA reclassified to OS; management positions: +6 new, -7 removed CA.
        assert labels.text("evo_change_hint", lang, change="+11", previous=SNAPSHOT) in page
        assert labels.text("evo_change_hint", lang, change="-1", previous=SNAPSHOT) in page
        # Occupant turnover: 8 replaced + 5 vacated in one cell whose vacated count is blanked, so the
        # rate adds only complete published cells, never the 13 that would mix in the blanked 5.
        changes = complete["occupants_replaced"].sum() + complete["positions_vacated"].sum()
        assert changes == 0 and not re.search(r"\b13 (de|of) [\d,]+ ", page), lang
        assert re.search(rf"\b0 (de|of) {complete['positions_compared'].sum():,} ", page), lang
        # The reclassification matrix: the 5 CA positions now PM/OS, the only reclassification.
        ca, os_ = labels.category("servant_group", "CA", lang), labels.text(
            "pm_role_label", lang, role=labels.category("role", "OS", lang))
        assert f"<th>{os_}</th></tr>" in page and f'<td>{ca}</td><td class="n">5</td></tr>' in page
        # Entities ranked by turnover: only published cells with a change count, and the one cell with
        # changes has its vacated count blanked, so no entity is ranked.
        ranking = page.split(labels.text("evo_turnover_top", lang), 1)[1]
        assert labels.text("evo_turnover_top_none", lang) in ranking.split("</table>", 1)[0], lang


def test_pay_report_says_so_when_compensation_marts_are_missing(data_root: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    copy = data_root.parent / "no_comp"
    shutil.copytree(data_root / "marts", copy / "marts")
    shutil.copytree(data_root / "staging", copy / "staging")
    for name in COMP_MARTS:
        (copy / "marts" / SNAPSHOT / f"{name}.parquet").unlink(missing_ok=True)
    use_data_dir(monkeypatch, copy)
    out = copy / "reports"
    report.render(SNAPSHOT, "en", out_dir=out, only=["04_brechas_remunerativas", "00_resumen"])
    page = (out / "04_brechas_remunerativas.html").read_text(encoding="utf-8")
    assert "Marts not available in this build" in page and "<code>mart_pay_quantiles" in page
    assert "Marts not available in this build: <code>mart_pay_quantiles</code>" in \
        (out / "00_resumen.html").read_text(encoding="utf-8")


def test_pay_report_says_the_registry_has_no_pay_instead_of_empty_axes(
        data_root: Path, rendered: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """A registry without pay (the real gob.pe directory in ../shared/realdata) publishes
    mart_pay_quantiles with no row: the page says so, and draws no empty pay chart."""
    copy = data_root.parent / "no_pay"
    shutil.copytree(data_root / "marts", copy / "marts")
    shutil.copytree(data_root / "staging", copy / "staging")
    folder = copy / "marts" / SNAPSHOT
    for suffix in ("parquet", "csv"):
        frame = pl.read_parquet(folder / "mart_pay_quantiles.parquet") if suffix == "parquet" else \
            pl.read_csv(folder / "mart_pay_quantiles.csv")
        getattr(frame.head(0), f"write_{suffix}")(folder / f"mart_pay_quantiles.{suffix}")
    use_data_dir(monkeypatch, copy)
    out = copy / "reports"
    report.render(SNAPSHOT, "en", out_dir=out, only=["04_brechas_remunerativas"])
    page = _without_plotly_library((out / "04_brechas_remunerativas.html").read_text(encoding="utf-8"))
    assert "No data: the registry carries no pay" in page
    assert "Monthly pay by role and government level" not in page
    # the sample has pay: its page draws the chart and has no such note
    with_pay = _without_plotly_library(rendered["en"]["04_brechas_remunerativas"])
    assert "Monthly pay by role and government level" in with_pay
    assert "the registry carries no pay" not in with_pay


def test_small_cells_show_as_suppressed_not_zero() -> None:
    with (paths.PROJECT_ROOT / "seeds" / "publication" / "suppression_rules.csv").open(encoding="utf-8") as handle:
        (threshold,) = {int(row["threshold"]) for row in csv.DictReader(handle)}
    assert disclosure.threshold() == threshold
    counts = [None, 0, 1, threshold - 1, threshold, threshold + 7]
    assert [disclosure.is_small(v) for v in counts] == [False, False, True, True, False, False]
    assert labels.text("suppressed", "es") == f"<{threshold}"


def test_each_headline_figure_has_one_value_on_every_page(rendered: dict[str, dict[str, str]]) -> None:
    """"Puestos directivos", PM, TPM and the appointed share: one definition (mart_headline_figures),
    the same figure wherever a page shows it."""
    shown = {stem: _kpis(page) for stem, page in rendered["es"].items()}
    for key, pages in {"management_positions": ("00_resumen", "01_puestos_directivos", "06_evolucion"),
                       "pm": ("00_resumen", "02_directivos_y_alta_direccion", "06_evolucion"),
                       "tpm": ("00_resumen", "02_directivos_y_alta_direccion", "06_evolucion"),
                       "share_appointed": ("00_resumen", "01_puestos_directivos")}.items():
        values = {stem: shown[stem][key] for stem in pages}
        assert len(set(values.values())) == 1, (key, values)


def test_notebooks_run_in_jupyter_with_their_defaults(data_root: Path) -> None:
    """Each notebook as it opens in Jupyter: its own folder as working directory, no parameters
    (snapshot "" = the latest published snapshot, here the sample's second one)."""
    sources = report.notebook_sources()
    with kernel.kernel(report.NOTEBOOKS_DIR) as manager:
        for source in sources:
            notebook = kernel.run(manager, source, kernel.read(source))
            outputs = " ".join(str(o.get("data", {}).get("text/html", "")) for cell in notebook.cells
                               for o in cell.get("outputs", []))
            assert f"<b>{NEXT}</b>" in outputs, source.name
            assert not [o for cell in notebook.cells for o in cell.get("outputs", [])
                        if o.get("output_type") == "error"], source.name


def test_a_planted_small_cell_is_blanked_alike_on_the_page_and_in_the_export(
        data_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plant a small cell (3 regional PMs with pay) in the marts, export them, render the brief: the
    median pay cards show "<5" exactly where the exported CSV is blanked (the planted cell and the
    complement that keeps it from coming back by subtraction from the 'all' levels row)."""
    from pipelines.build import export

    copy = data_root.parent / "planted"
    shutil.copytree(data_root / "staging", copy / "staging")
    use_data_dir(monkeypatch, copy)
    frames = {p.stem: pl.read_parquet(p) for p in (data_root / "marts" / SNAPSHOT).glob("mart_*.parquet")}
    planted = ((pl.col("servant_group") == "PM") & (pl.col("pay_category") == "all")
               & (pl.col("government_level") == "regional"))
    quantiles = frames["mart_pay_quantiles"]
    assert quantiles.filter(planted)["people"].item() >= disclosure.threshold()  # publishable before
    frames["mart_pay_quantiles"] = quantiles.with_columns(
        pl.when(planted).then(3).otherwise(pl.col("people")).alias("people"))
    export._write_snapshot(SNAPSHOT, frames)
    exported = pl.read_csv(copy / "marts" / SNAPSHOT / "mart_pay_quantiles.csv").filter(
        (pl.col("servant_group") == "PM") & (pl.col("pay_category") == "all") & (pl.col("government_level") != "all"))
    blanked = {level for level, hidden in exported.select("government_level", "is_suppressed").iter_rows() if hidden}
    assert "regional" in blanked and len(blanked) >= 2, blanked
    report.render(SNAPSHOT, "es", out_dir=copy / "reports", only=["00_resumen"])
    cards = _kpis((copy / "reports" / "00_resumen.html").read_text(encoding="utf-8"))
    shown = {level: html.unescape(cards[f"median_pm_pay_{level}"]) for level in exported["government_level"]}
    assert {level for level, value in shown.items() if value == labels.text("suppressed", "es")} == blanked
    for level, value in exported.select("government_level", "median_pay").iter_rows():
        if level not in blanked:
            assert shown[level] == f"S/ {value:,.0f}"


def test_index_links_the_documentation_only_when_it_exists(tmp_path: Path) -> None:
    from pipelines.report import index

    root = tmp_path / "reports"
    page_folder = root / SNAPSHOT
    page_folder.mkdir(parents=True)
    assert index.doc_links(root, SNAPSHOT, page_folder) == []
    (root / "docs" / "dbt").mkdir(parents=True)
    (root / "docs" / "dbt" / "index.html").write_text("<html></html>", encoding="utf-8")
    assert index.doc_links(root, SNAPSHOT, page_folder) == [("index_docs_dbt", "../docs/dbt/index.html")]
    (page_folder / "data_docs").mkdir()
    (page_folder / "data_docs" / "index.html").write_text("<html></html>", encoding="utf-8")
    assert [href for _, href in index.doc_links(root, SNAPSHOT, page_folder)] == \
        ["../docs/dbt/index.html", "data_docs/index.html"]


def test_index_page_is_in_the_report_language(rendered: dict[str, dict[str, str]]) -> None:
    es = _without_plotly_library(rendered["es"]["index"])
    assert "Fuentes: SERVIR (2016), Modelo de gestión del grupo de directivos públicos" in es
    assert "Management Model" not in es and "Registries in" not in es
    assert labels.text("index_docs", "es") not in es  # no documentation was built for the test


def test_pages_show_no_cell_the_export_blanked_nor_its_complement(
        data_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plant, in mart_servant_groups, an 'excluded' row of 3 national and 7,919 regional positions
    (total 7,922; every count confirmed). By hand: 3 is a small cell; the row margin (levels sum to
    the total, seeds/publication/suppression_margins.csv) then blanks its smallest other non-zero
    part, the 7,919 regional, so the export publishes only the 7,922. Pages 00 and 02 must show
    neither the 7,919 nor the 3, nor a level total that gives either back by subtraction: Table 9's
    national column would total 19 + 2,497 + 3,272 + 1,026 + 3 = 6,817 and its regional one
    26 + 1,897 + 2,249 + 0 + 7,919 = 12,091 (the sample's PO, PM, CA and not-determined cells, read
    from its export; its 'not_management' row is all zeros)."""
    from pipelines.build import export

    copy = data_root.parent / "planted_groups"
    shutil.copytree(data_root / "staging", copy / "staging")
    use_data_dir(monkeypatch, copy)
    frames = {p.stem: pl.read_parquet(p) for p in (data_root / "marts" / SNAPSHOT).glob("mart_*.parquet")}
    groups = frames["mart_servant_groups"]
    sample = {row["servant_group"]: (row["national"], row["regional"])
              for row in groups.filter(pl.col("servant_group") != "excluded").iter_rows(named=True)}
    assert sample == {"PO": (19, 26), "PM": (2497, 1897), "CA": (3272, 2249), "not_determined": (1026, 0),
                      "not_management": (0, 0)}  # the hand sums above use these
    planted = {"national": 3, "regional": 7919, "local": 0, "unknown_level": 0, "total": 7922,
               "national_confirmed": 3, "national_to_review": 0, "regional_confirmed": 7919, "regional_to_review": 0,
               "total_confirmed": 7922, "total_to_review": 0}
    excluded = pl.col("servant_group") == "excluded"
    frames["mart_servant_groups"] = groups.with_columns(
        pl.when(excluded).then(value).otherwise(pl.col(col)).cast(groups.schema[col]).alias(col)
        for col, value in planted.items())
    export._write_snapshot(SNAPSHOT, frames)
    exported = pl.read_csv(copy / "marts" / SNAPSHOT / "mart_servant_groups.csv").filter(excluded)
    assert exported.select("national", "regional", "total", "is_suppressed").row(0) == (None, None, 7922, True)

    report.render(SNAPSHOT, "es", out_dir=copy / "reports", only=["00_resumen", "02_directivos_y_alta_direccion"])
    for stem in ("00_resumen", "02_directivos_y_alta_direccion"):
        page = _without_plotly_library((copy / "reports" / f"{stem}.html").read_text(encoding="utf-8"))
        for value in (7919, 6817, 12091):  # the complement, and the level totals that would give 3 or 7,919 back
            digits = str(value)
            shown = re.compile(rf"(?<![\d.,]){digits[:-3]}[.,]?{digits[-3:]}(?![\d])")
            assert not shown.search(page), (stem, value)
    table9 = (copy / "reports" / "02_directivos_y_alta_direccion.html").read_text(encoding="utf-8")
    row = re.search(r"<tr><td>Excluido</td>(.*?)</tr>", table9)
    assert row is not None
    cells = [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r'<td class="n">(.*?)</td>',
                                                                                   row.group(1))]
    suppressed = labels.text("suppressed", "es")
    assert cells == [suppressed, suppressed, "7,922"]


def test_a_regional_management_shows_no_status_of_a_blanked_count(
        data_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plant six regional governments in mart_tpm_regional_managements. Economic development: R1-R5
    have 1 matching position each (present), R6 has 6 (duplicated); infrastructure: R1-R5 have 3
    (duplicated), R6 none; the other two managements: none anywhere. By hand: the 1s and 3s are
    small cells, so the export blanks them with their status (present = exactly 1, duplicated =
    2-4 here) and the TPM count of 1, id and unit of every government that has one. Page 02 then
    counts per management only the published statuses: no 'present' column at all (every present
    was blanked), five governments whose status is not published for each of the first two
    managements, and no planted position id or unit name."""
    from pipelines.build import export

    copy = data_root.parent / "planted_managements"
    shutil.copytree(data_root / "staging", copy / "staging")
    use_data_dir(monkeypatch, copy)
    frames = {p.stem: pl.read_parquet(p) for p in (data_root / "marts" / SNAPSHOT).glob("mart_*.parquet")}
    original = frames["mart_tpm_regional_managements"]
    counts = {"economic_development": [1, 1, 1, 1, 1, 6], "infrastructure": [3, 3, 3, 3, 3, 0],
              "social_development": [0] * 6, "natural_resources_environment": [0] * 6}
    rows = []
    for management, matching in counts.items():
        for i, n in enumerate(matching, start=1):
            status = "missing" if n == 0 else "present" if n == 1 else "duplicated"
            rows.append({"snapshot": SNAPSHOT, "snapshot_date": original["snapshot_date"][0], "entity_id": f"R{i}",
                         "entity_name": f"Gobierno Regional R{i}", "department": f"D{i}", "management": management,
                         "matching_positions": n, "tpm_positions": int(n > 0),
                         "tpm_position_id": f"planted-{management}-{i}" if n else None,
                         "tpm_unit_name": f"Gerencia plantada {management} {i}" if n else None, "status": status})
    frames["mart_tpm_regional_managements"] = pl.DataFrame(rows, schema=original.schema)
    export._write_snapshot(SNAPSHOT, frames)

    exported = pl.read_csv(copy / "marts" / SNAPSHOT / "mart_tpm_regional_managements.csv", infer_schema_length=0)
    small = exported.filter(pl.col("entity_id") != "R6", pl.col("management").is_in(["economic_development",
                                                                                     "infrastructure"]))
    assert small.height == 10
    assert small.select("matching_positions", "status", "tpm_positions").null_count().row(0) == (10, 10, 10)
    assert exported.filter(pl.col("status").is_in(["present", "duplicated"]))[
        ["entity_id", "management", "matching_positions"]].rows() == [("R6", "economic_development", "6")]
    assert exported["tpm_position_id"].null_count() == exported.height
    assert exported["tpm_unit_name"].null_count() == exported.height

    report.render(SNAPSHOT, "es", out_dir=copy / "reports", only=["02_directivos_y_alta_direccion"])
    raw = (copy / "reports" / "02_directivos_y_alta_direccion.html").read_text(encoding="utf-8")
    assert "planted" not in _without_plotly_library(raw) and "plantada" not in _without_plotly_library(raw)
    section = raw.split(html.escape(labels.text("tpm3_title", "es")), 1)[1].split("</table>", 1)[0]
    headers = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", section)]
    assert headers == [labels.text(k, "es") for k in ("management", "status_duplicated", "status_missing",
                                                      "status_blanked", "tpm")]
    body = [[html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[1])]
    small_count, none = labels.text("suppressed", "es"), "—"  # 1 government shows as '<5'
    assert body == [
        [labels.category("tpm_management", "economic_development", "es"), small_count, "0", "5", none],
        [labels.category("tpm_management", "infrastructure", "es"), "0", small_count, "5", none],
        [labels.category("tpm_management", "natural_resources_environment", "es"), "0", "6", "0", "0"],
        [labels.category("tpm_management", "social_development", "es"), "0", "6", "0", "0"],
    ]
