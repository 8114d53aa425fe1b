"""History marts on three hand-made snapshots whose differences are known.

Snapshots A (2016-05-31), B (servir_2016-11-30) and C (2017-02-28): by name B sorts last, by date
it is second, so the comparisons must be A->B and B->C. B differs from A in one way per position
(listed on POSITIONS_B); C is B unchanged. Classifications follow SERVIR 2016 Tables 7/8/15/16 as
in tests/test_build.py: ministry level 2 line = PM/PS, ministry level 3 support = PM/OS, level 4 =
CA, regional HQ level 2 line = PM/PS, level 3 support = PM/OS. Every expected number is counted
by hand from these lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from staging_io import write_snapshot

from pipelines import paths
from pipelines.build import marts
from pipelines.build import warehouse as build

A, B, C = "2016-05-31", "servir_2016-11-30", "2017-02-28"

ENTITIES = [
    {"entity_id": "MIN", "entity_name": "Ministerio de Educación", "government_level": "national",
     "entity_classification": "ministry", "sector": "EDUCACION"},
    {"entity_id": "GR", "entity_name": "Gobierno Regional Cusco", "government_level": "regional",
     "entity_classification": "regional_government_hq", "sector": "REGIONAL"},
]
# In B the regional government is renamed: still one entity (its removed P11 carries the old name).
ENTITIES_B = [ENTITIES[0], {**ENTITIES[1], "entity_name": "Gobierno Regional del Cusco"}]


def _p(pid: str, entity: str, level: int, body: str, appointment: str, occupant: str | None,
       pay: float | None) -> dict[str, object]:
    return {"position_id": pid, "entity_id": entity, "organizational_level": level, "body_type": body,
            "appointment_type": appointment, "occupant_key": occupant, "monthly_pay": pay,
            "position_title": "Director"}


# P01 (ministry level 1: a public officer under A3, not a management position) never changes.
P01 = {"position_id": "P01", "entity_id": "MIN", "organizational_level": 1, "body_type": "senior_management",
       "appointment_type": "appointed", "occupant_key": "k0", "monthly_pay": 15000, "position_title": "Ministro"}
POSITIONS_A = [
    P01,
    _p("P02", "MIN", 2, "line", "appointed", "k1", 10000),  # PM/PS
    _p("P03", "MIN", 3, "support", "appointed", "k2", 8000),  # PM/OS
    _p("P04", "MIN", 4, "line", "merit", "k3", 5000),  # CA
    _p("P09", "GR", 2, "line", "appointed", "k4", 9000),  # PM/PS
    _p("P10", "GR", 3, "support", "appointed", "k5", 7000),  # PM/OS
    _p("P11", "GR", 2, "line", "vacant", None, None),  # PM/PS, vacant
    _p("P20", "MIN", 4, "line", "merit", "k6", 4000),  # CA
    _p("P21", "MIN", 4, "line", "vacant", None, None),  # CA, vacant
]
POSITIONS_B = [
    P01,
    _p("P02", "MIN", 2, "line", "appointed", "k1", 10500),  # pay changed only
    _p("P03", "MIN", 3, "support", "appointed", "k7", 8200),  # occupant replaced (and pay)
    _p("P04", "MIN", 3, "support", "merit", "k3", 6000),  # reclassified CA -> PM/OS, same occupant
    _p("P09", "GR", 2, "line", "vacant", None, None),  # vacated
    # P10 and P11 removed
    _p("P20", "MIN", 4, "line", "merit", "k6", 4000),  # unchanged
    _p("P21", "MIN", 4, "line", "merit", "k8", 4100),  # filled
    _p("P30", "GR", 2, "line", "appointed", "k9", 9500),  # new, PM/PS
]


pytestmark = pytest.mark.slow  # a dbt build of the hand-made snapshots: `make test-all`


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("history")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SERVIR_PM_DATA", str(root))
        monkeypatch.setenv("SERVIR_PM_WAREHOUSE", str(root / "warehouse.duckdb"))
        monkeypatch.setenv("SERVIR_PM_STAGING", str(root / "staging"))
        write_snapshot(A, ENTITIES, POSITIONS_A)
        write_snapshot(B, ENTITIES_B, POSITIONS_B)
        write_snapshot(C, ENTITIES_B, POSITIONS_B)
        build.build()
        yield root


def _flags(frame: pl.DataFrame) -> dict[str, set[str]]:
    flags = [c for c in frame.columns if c.startswith("is_") and c != "is_suppressed"]
    return {row["position_id"]: {f for f in flags if row[f]} for row in frame.iter_rows(named=True)}


def test_changes_into_b_are_exactly_the_ones_made(built: Path) -> None:
    changes = marts.load("position_changes", B)
    assert set(changes["previous_snapshot"]) == {A}
    assert _flags(changes) == {
        "P02": {"is_pay_changed"},
        "P03": {"is_occupant_replaced", "is_pay_changed"},
        "P04": {"is_reclassified", "is_pay_changed"},
        "P09": {"is_vacated", "is_pay_changed"},
        "P10": {"is_removed"},
        "P11": {"is_removed"},
        "P21": {"is_filled", "is_pay_changed"},
        "P30": {"is_new"},
    }
    p04 = changes.filter(pl.col("position_id") == "P04").row(0, named=True)
    assert (p04["previous_servant_group"], p04["current_servant_group"], p04["current_role"]) == ("CA", "PM", "OS")


def test_snapshots_are_compared_in_date_order_not_name_order(built: Path) -> None:
    assert marts.load("position_changes", A).is_empty()  # the first snapshot has nothing before it
    assert marts.load("position_changes", C).is_empty()  # C is B unchanged
    trends = marts.load("history_trends", C).filter(pl.col("government_level") == "all")
    assert trends["previous_snapshot"].to_list() == [B]


def test_turnover_by_entity_and_role(built: Path) -> None:
    turnover = marts.load("turnover", B)
    got = {(r["entity_id"], r["servant_group"], r["role"]): (
        r["positions_previous"], r["positions_current"], r["new_positions"], r["removed_positions"],
        r["reclassified_positions"], r["positions_compared"], r["occupants_replaced"], r["positions_vacated"],
        r["positions_filled"], r["turnover_rate"]) for r in turnover.iter_rows(named=True)}
    assert got == {
        # (previous, current, new, removed, reclassified, compared, replaced, vacated, filled, rate)
        ("MIN", "PO", None): (1, 1, 0, 0, 0, 1, 0, 0, 0, 0.0),  # P01
        ("MIN", "PM", "PS"): (1, 1, 0, 0, 0, 1, 0, 0, 0, 0.0),  # P02
        ("MIN", "PM", "OS"): (2, 2, 0, 0, 1, 2, 1, 0, 0, 0.5),  # P03 replaced, P04 reclassified in
        ("MIN", "CA", None): (2, 2, 0, 0, 0, 1, 0, 0, 1, 0.0),  # P20 same, P21 was vacant, filled
        ("GR", "PM", "PS"): (2, 2, 1, 1, 0, 1, 0, 1, 0, 1.0),  # P09 vacated, P30 new, P11 (vacant) removed
        ("GR", "PM", "OS"): (1, 0, 0, 1, 0, 0, 0, 0, 0, None),  # P10 removed: nobody to compare
    }


def test_trend_counts_appointed_share_and_median_pay(built: Path) -> None:
    trends = marts.load_history("history_trends", upto=B).filter(pl.col("government_level") == "all")
    assert trends["snapshot"].to_list() == [A, B]
    a, b = trends.row(0, named=True), trends.row(1, named=True)
    assert (a["pm_positions"], a["ca_positions"], b["pm_positions"], b["ca_positions"]) == (5, 3, 5, 2)
    assert (b["previous_pm_positions"], b["pm_change"]) == (5, 0)
    # Management positions leave out the public officer P01 (footnote 21, servant_groups seed).
    assert (a["po_positions"], a["management_positions"], b["management_positions"]) == (1, 8, 7)
    management = dict(marts.load("turnover", B).select("servant_group", "is_management_position").unique().iter_rows())
    assert management == {"PO": False, "PM": True, "CA": True}
    assert a["previous_snapshot"] is None and a["pm_change"] is None
    # Appointed among PMs: A 4 of 5 (P11 vacant); B P02, P03, P30 of 5 (P04 merit, P09 vacant).
    assert (a["pm_appointed_share"], b["pm_appointed_share"]) == (0.8, 0.6)
    # Median PM pay over occupied positions with pay: A (7000, 8000, 9000, 10000; P11 vacant) -> 8500;
    # B (6000, 8200, 9500, 10500; P09 vacant) -> 8850.
    assert (a["median_pay_pm"], b["median_pay_pm"]) == (8500.0, 8850.0)
    assert b["median_pay_pm_change_pct"] == pytest.approx(8850 / 8500 - 1)
    by_level = marts.load("history_trends", B).filter(pl.col("government_level") == "regional").row(0, named=True)
    assert (by_level["previous_pm_positions"], by_level["pm_positions"]) == (3, 2)  # P09-P11 -> P09, P30


def test_a_renamed_entity_stays_one_entity_under_its_current_name(built: Path) -> None:
    regional = marts.load("turnover", B).filter(pl.col("entity_id") == "GR")
    assert set(regional["entity_name"]) == {"Gobierno Regional del Cusco"}


def test_occupants_never_leave_the_warehouse(built: Path) -> None:
    for mart in ("position_changes", "turnover", "history_trends"):
        assert not any("occupant_key" in c for c in marts.load(mart, B).columns)
    # The published list says which positions changed, not whether their holder left.
    published = pl.read_csv(paths.marts_dir(B) / "mart_position_changes.csv")
    for column in ("is_occupant_replaced", "is_vacated", "is_filled", "current_monthly_pay"):
        assert published[column].null_count() == published.height, column
