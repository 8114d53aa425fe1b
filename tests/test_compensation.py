"""Compensation marts end to end on a hand-made snapshot (tests/compensation_fixture.py).

One dbt build for the whole module; every expected value is worked out by hand in a comment
from the fixture rows, never copied from a run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest
from compensation_fixture import write_snapshot

from pipelines.disclosure import suppress as disclosure
from pipelines.paths import PROJECT_ROOT

COMPENSATION_MARTS = [
    "mart_pay_distribution", "mart_pay_gaps", "mart_pay_internal_consistency", "mart_pay_gender_gap",
    "mart_pay_gender_gap_cells", "mart_pay_benchmarks", "mart_pay_benchmark_positions", "mart_valuation",
    "mart_valuation_summary", "mart_transition_cost", "mart_bill_2013_reproduction",
]
# The colleague's marts that suppression_rules.csv also covers.
CLASSIFICATION_MARTS = ["mart_management_positions", "mart_pm_roles", "mart_servant_groups", "mart_tpm"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("comp")
    write_snapshot(root / "staging")
    env = {**os.environ, "SERVIR_PM_WAREHOUSE": str(root / "w.duckdb"),
           "SERVIR_PM_STAGING": str(root / "staging")}
    dbt = Path(sys.executable).with_name("dbt")
    select = " ".join(f"+{m}" for m in COMPENSATION_MARTS + CLASSIFICATION_MARTS)
    result = subprocess.run(
        [str(dbt), "build", "--profiles-dir", ".", "--project-dir", ".",
         "--target-path", str(root / "target"), "--log-path", str(root / "logs"),
         "--indirect-selection", "cautious", "--select", *select.split(),
         # The classification's own unit tests belong to its test module; ours run here.
         "--exclude", "resource_type:unit_test,path:models/intermediate"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    con = duckdb.connect(str(root / "w.duckdb"), read_only=True)
    yield con
    con.close()


def frame(con: duckdb.DuckDBPyConnection, query: str) -> pl.DataFrame:
    return pl.from_arrow(con.sql(query).to_arrow_table())


def by_key(con: duckdb.DuckDBPyConnection, mart: str, key: str) -> dict[str, dict]:
    return {r[key]: r for r in frame(con, f"select * from {mart}").to_dicts()}


def one(con: duckdb.DuckDBPyConnection, query: str) -> dict:
    rows = frame(con, query).to_dicts()
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.slow
def test_pay_distribution_cell(warehouse: duckdb.DuckDBPyConnection) -> None:
    # Ministerio A, PS level 2, dl276: pays 4000, 8000, 12000, 16000 (P01-P04).
    row = one(warehouse, "select * from mart_pay_distribution where sector = 'ECONOMIA' and role = 'PS' "
                         "and labor_regime = 'dl276' and organizational_level = 2")
    assert row["people"] == 4 and row["is_tpm"] is True
    assert row["median_pay"] == 10000 and row["mean_pay"] == 10000
    # quantile_cont: p10 at h = 3 x 0.1 = 0.3 past the 1st value -> 4000 + 0.3 x 4000 = 5200;
    # p90 at 2.7 -> 12000 + 0.7 x 4000 = 14800.
    assert row["p10_pay"] == pytest.approx(5200) and row["p90_pay"] == pytest.approx(14800)
    # Gini scale-free: same as 1,2,3,4 -> 0.25.
    assert row["gini"] == pytest.approx(0.25)
    assert row["currency"] == "PEN" and row["price_year"] == 2016


@pytest.mark.slow
def test_vacant_and_missing_pay_are_not_people(warehouse: duckdb.DuckDBPyConnection) -> None:
    # 19 positions; P10 has no pay and P11 is vacant -> 17 people with pay.
    assert one(warehouse, "select sum(people) as n from mart_pay_distribution")["n"] == 17


@pytest.mark.slow
def test_pay_gaps(warehouse: duckdb.DuckDBPyConnection) -> None:
    gaps = frame(warehouse, "select * from mart_pay_gaps where pay_category = 'PS' "
                            "and organizational_level = 2")
    by = {(r["gap_type"], r["group_value"]): r for r in gaps.to_dicts()}
    # National PS-2: 4000, 8000, 10000, 12000, 16000 -> 10000; regional 6000, 7000, 8000 -> 7000.
    assert by["intergovernmental", "regional"]["median_ratio"] == pytest.approx(0.7)
    assert by["intergovernmental", "regional"]["gap_pen"] == pytest.approx(-3000)
    # Pool of PS-2 across the five regimes: 4000, 6000, 7000, 8000, 8000, 10000, 12000, 16000 -> 8000;
    # cas 6000, 7000 -> 6500 -> 0.8125; dl728 10000 -> 1.25.
    assert by["labor_regime", "cas"]["median_ratio"] == pytest.approx(0.8125)
    assert by["labor_regime", "dl728"]["gap_pen"] == pytest.approx(2000)


@pytest.mark.slow
def test_internal_consistency(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = by_key(warehouse, "mart_pay_internal_consistency", "entity_id")
    # MINA PS-2: 16000 / 4000 = 4 > 2 -> outlier; CV = sqrt(20e6) / 10000 = 0.447.
    assert rows["MINA"]["max_min_ratio"] == pytest.approx(4) and rows["MINA"]["is_outlier"] is True
    assert rows["MINA"]["coefficient_of_variation"] == pytest.approx(0.4472136)
    # GRC PS-2: 7000 / 6000 = 1.167, CV 500 / 6500 = 0.077 -> not an outlier.
    assert rows["GRC"]["is_outlier"] is False


@pytest.mark.slow
def test_gender_gap(warehouse: duckdb.DuckDBPyConnection) -> None:
    row = one(warehouse, "select * from mart_pay_gender_gap")
    # Women 4000, 6000, 8000 (median 6000); men 7000, 12000, 16000 (median 12000) -> 1 - 0.5 = 0.5.
    assert row["raw_gap_median"] == pytest.approx(0.5)
    # Cells: national PS-2 women 4000, 8000 (6000) vs men 12000, 16000 (14000): gap 4/7, 2 women;
    # regional PS-2 6000 vs 7000: gap 1/7, 1 woman -> (2 x 4/7 + 1/7) / 3 = 3/7.
    assert row["adjusted_gap"] == pytest.approx(3 / 7)
    assert row["women_coverage"] == pytest.approx(1.0)


@pytest.mark.slow
def test_benchmarks(warehouse: duckdb.DuckDBPyConnection) -> None:
    counts = by_key(warehouse, "mart_pay_benchmarks", "check_id")
    # 2016 snapshot: the pre-2014 Minister cap does not apply.
    assert set(counts) == {"above_minister_pay", "regional_general_manager_band", "pmc_band"}
    # B01 32000 is a ministry's secretary general (level 1: a public officer, A3): the Minister cap
    # does not apply to free-appointment officers (2013 bill, 6th transitory provision, 004:1319).
    assert counts["above_minister_pay"]["breaches"] == 0
    # The band is for general-manager titles, not every level-1 position: B03, B04 by their titles.
    assert counts["regional_general_manager_band"]["positions_in_scope"] == 2
    assert counts["pmc_band"]["breaches"] == 1  # B05 19000 > 18500
    listed = frame(warehouse, "select * from mart_pay_benchmark_positions order by position_id")
    assert listed["position_id"].to_list() == ["B03", "B05"]
    assert not {"occupant_key", "occupant_name", "occupant_id"} & set(listed.columns)


@pytest.mark.slow
def test_valuation(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = by_key(warehouse, "mart_valuation", "position_id")
    # P04: ministry L2 PS, reports to an officer, PIA 500M (R3): illustrative main 252000;
    # substantive +5% and 45 people (11-50) +5% -> 252000 x 1.10 = 277200; / 14 = 19800;
    # current 16000 x 12 (dl276: transition_assumptions, the one annualization of current pay) =
    # 192000 -> gap 85200.
    assert rows["P04"]["valued_annual"] == pytest.approx(277200)
    assert rows["P04"]["valued_monthly"] == pytest.approx(19800)
    assert rows["P04"]["gap_annual"] == pytest.approx(85200)
    # P06: regional HQ L2 PS reporting to a manager, R3: 252000 x 0.8 x 0.9 = 181440 -> 181400;
    # substantive +5%, 10 people +0%, prioritized 10% -> 181400 x 1.15 = 208610.
    assert rows["P06"]["prioritized_valuation_annual"] == pytest.approx(18140)
    assert rows["P06"]["valued_annual"] == pytest.approx(208610)
    assert all(r["is_illustrative"] for r in rows.values())


@pytest.mark.slow
def test_transition_cost(warehouse: duckdb.DuckDBPyConnection) -> None:
    row = one(warehouse, "select * from mart_transition_cost where labor_regime = 'dl276' "
                         "and government_level = 'all'")
    # dl276 with pay: 4000 + 8000 + 12000 + 16000 + 8000 + 17000 + 15000 + 5000 = 85000 a month.
    assert row["people"] == 8
    assert row["current_annual_cost"] == pytest.approx(85000 * 12)
    # The new regime's 14 payments (000:1897: twelve monthly payments and two annual bonuses).
    assert row["annualization"] == "servir_2016"
    assert row["new_annual_cost"] == pytest.approx(85000 * 14)
    # Beside it, the bill's own Art. 83 (004:952-959): 12 + 2 x 0.5 aguinaldos + 0.5 CTS = 13.5.
    assert row["annualization_alternative"] == "bill_art83"
    assert row["new_annual_cost_alternative"] == pytest.approx(85000 * 13.5)


@pytest.mark.slow
def test_bill_2013_reproduction(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = by_key(warehouse, "mart_bill_2013_reproduction", "check_id")
    assert rows["new_cost_dl276"]["computed_value"] == pytest.approx(5575)  # 4460 x 15/12
    assert rows["new_cost_cas"]["computed_value"] == pytest.approx(6071.25)  # 4857 x 15/12, printed 6072
    assert rows["new_cost_cas"]["is_consistent"] is True
    assert rows["current_total_text"]["is_consistent"] is False  # 12144 printed vs 12137
    # Read with its own Art. 83 (x 13.5/12), the bill's table does not hold: 4460 x 1.125 = 5017.5.
    assert rows["new_cost_dl276_art83"]["computed_value"] == pytest.approx(5017.5)
    assert rows["new_cost_dl276_art83"]["is_consistent"] is False
    assert rows["increase_between_tables"]["computed_value"] == pytest.approx(2330)  # 14467 - 12137
    assert rows["increase_pct_of_current"]["computed_value"] == pytest.approx(19.19, abs=0.01)


def test_suppress_blanks_cells_under_five_and_keeps_five() -> None:
    cells = pl.DataFrame({
        "people": [4, 5, 12], "median_pay": [3000.0, 4000.0, 0.0], "p10_pay": [1.0, 2.0, 3.0],
        "p25_pay": [1.0, 2.0, 3.0], "p75_pay": [1.0, 2.0, 3.0], "p90_pay": [1.0, 2.0, 3.0],
        "mean_pay": [1.0, 2.0, 3.0], "gini": [0.1, 0.2, 0.3], "sector": ["A", "B", "C"],
    })
    out = disclosure.suppress(cells, "mart_pay_distribution")
    assert out["is_suppressed"].to_list() == [True, False, False]
    # Suppressed = null (shown empty), never 0; the dimensions stay; a true 0 stays 0.
    assert out.row(0, named=True)["people"] is None and out.row(0, named=True)["median_pay"] is None
    assert out.row(0, named=True)["sector"] == "A"
    assert out["people"].to_list()[1:] == [5, 12] and out["median_pay"].to_list()[2] == 0.0


def test_suppress_rejects_unknown_marts_and_missing_columns() -> None:
    with pytest.raises(KeyError):
        disclosure.suppress(pl.DataFrame({"people": [1]}), "mart_not_reviewed")
    with pytest.raises(ValueError, match="lacks"):
        disclosure.suppress(pl.DataFrame({"people": [1]}), "mart_pay_distribution")


@pytest.mark.slow
def test_every_rule_fits_its_built_mart(warehouse: duckdb.DuckDBPyConnection) -> None:
    # Every mart this (partial) build makes has a reviewed rule; test_build's full export would
    # raise for any mart without one.
    built = frame(warehouse, "select table_name from information_schema.tables "
                             "where starts_with(table_name, 'mart_')")["table_name"].to_list()
    assert set(COMPENSATION_MARTS + CLASSIFICATION_MARTS) <= set(built)
    assert set(built) <= set(disclosure.marts_with_rules())
    for mart in built:
        published = disclosure.suppress(frame(warehouse, f"select * from {mart}"), mart)
        assert "is_suppressed" in published.columns
    # The fixture's whole benchmark list is under 5 people per row: pay blanked, flags kept.
    listed = disclosure.suppress(frame(warehouse, "select * from mart_pay_benchmark_positions"),
                                 "mart_pay_benchmark_positions")
    assert listed["is_suppressed"].all() and listed["monthly_pay"].null_count() == listed.height
    assert listed["breach"].null_count() == 0
