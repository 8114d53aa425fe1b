"""Disclosure control of the published exports: every count has a rule, and no blanked cell comes
back by subtraction.

The module reads the session's published sample (tests/conftest.py `published_sample`: the embedded
sample's first snapshot at full scale, the scale at which the issue found the recoveries, built and
exported once for every end-to-end test).
Each attack below is written here, from what the marts mean, not read from
seeds/publication/suppression_margins.csv: differencing a published margin against its published
parts. Every attack is first run on primary-only output (the margins seed switched off), where it
must recover true values (the attack works, and the test can fail), then on the exported CSVs,
where it must recover none.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from conftest import use_data_dir

from pipelines import paths
from pipelines.build import export
from pipelines.disclosure import column_review as publication_review
from pipelines.disclosure import complementary
from pipelines.disclosure import suppress as disclosure
from pipelines.errors import BuildError

A = "2016-05-31"


@pytest.fixture(scope="module")
def exported(published_sample: Path) -> Iterator[Path]:
    """The session's published sample (tests/conftest.py), read only."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_data_dir(monkeypatch, published_sample)
        yield published_sample


def _published(root: Path, snapshot: str) -> dict[str, pl.DataFrame]:
    """The exported CSVs, typed like their Parquet twins (an empty CSV cell is a blanked one)."""
    folder = root / "marts" / snapshot
    found = {}
    for csv_path in sorted(folder.glob("mart_*.csv")):
        schema = pl.read_parquet_schema(csv_path.with_suffix(".parquet"))
        schema["is_suppressed"] = pl.Boolean
        found[csv_path.stem] = pl.read_csv(csv_path, schema=schema)
    return found


def _internal(root: Path, snapshot: str) -> dict[str, pl.DataFrame]:
    return {p.stem: pl.read_parquet(p) for p in sorted((root / "marts" / snapshot).glob("mart_*.parquet"))}


def _primary_only(internal: dict[str, pl.DataFrame], monkeypatch: pytest.MonkeyPatch) -> dict[str, pl.DataFrame]:
    """What publication looked like before secondary suppression."""
    monkeypatch.setattr(complementary, "margins", lambda path=None: ())
    try:
        return disclosure.suppress_all(internal)
    finally:
        monkeypatch.undo()


@dataclass(frozen=True)
class Attack:
    """Sum of `parts[part_column]` over a group = sum of `totals[total_column]` over that group."""
    name: str
    parts: str
    part_column: str
    totals: str
    total_column: str
    keys: tuple[str, ...]
    parts_filter: pl.Expr | None = None
    totals_filter: pl.Expr | None = None
    repeated_total: bool = False  # the total is one figure repeated on every row of its group


def _side(frames: dict[str, pl.DataFrame], mart: str, column: str, keys: tuple[str, ...],
          where: pl.Expr | None, repeated: bool = False) -> pl.DataFrame:
    frame = frames[mart] if where is None else frames[mart].filter(where)
    group = list(keys) or [pl.lit(0).alias("__all")]
    if repeated:
        return frame.group_by(group).agg(pl.col(column).first().fill_null(0).alias("known"),
                                         pl.col(column).first().is_null().cast(pl.UInt32).alias("blank"))
    return frame.group_by(group).agg(pl.col(column).sum().alias("known"),
                                     pl.col(column).is_null().sum().alias("blank"))


def recoveries(attack: Attack, published: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Groups where exactly one cell (a part or a total) is blank and every other is published:
    the blank cell is recovered as the difference. Returns the group keys and recovered value."""
    keys = list(attack.keys) or ["__all"]
    parts = _side(published, attack.parts, attack.part_column, attack.keys, attack.parts_filter)
    totals = _side(published, attack.totals, attack.total_column, attack.keys, attack.totals_filter,
                   attack.repeated_total)
    both = parts.join(totals, on=keys, how="inner", suffix="_total", nulls_equal=True)
    return both.filter(pl.col("blank") + pl.col("blank_total") == 1).select(
        *keys, pl.when(pl.col("blank") == 1).then(pl.lit("part")).otherwise(pl.lit("total")).alias("side"),
        (pl.col("known_total") - pl.col("known")).abs().alias("recovered"))


LEVELS = pl.col("government_level") != "total"
ATTACKS = [
    # The two recoveries.
    Attack("pay cells from mart_transition_cost", "mart_pay_distribution", "people", "mart_transition_cost",
           "people", ("labor_regime", "government_level"), totals_filter=pl.col("government_level") != "all"),
    Attack("PM role cells from mart_confianza_caps sums", "mart_pm_roles", "positions", "mart_confianza_caps",
           "pm_positions", ("government_level", "sector", "entity_classification")),
    # Differencing across other marts that share a margin.
    Attack("appointed PMs by role from the caps' sums", "mart_pm_roles", "appointed_positions",
           "mart_confianza_caps", "appointed_pm", ("government_level", "sector", "entity_classification")),
    Attack("positions by level/body from the caps' sums", "mart_management_positions", "positions",
           "mart_confianza_caps", "management_positions", ("government_level", "sector", "entity_classification")),
    Attack("pay cells from the transition cost's 'all' rows", "mart_pay_distribution", "people",
           "mart_transition_cost", "people", ("labor_regime",), totals_filter=pl.col("government_level") == "all"),
    # Margins inside one mart.
    Attack("TPM levels from the total row", "mart_tpm", "tpm", "mart_tpm", "tpm", (), LEVELS, ~LEVELS),
    Attack("PM levels from the total row", "mart_tpm", "pm", "mart_tpm", "pm", (), LEVELS, ~LEVELS),
    Attack("transition cost levels from 'all'", "mart_transition_cost", "people", "mart_transition_cost", "people",
           ("labor_regime",), pl.col("government_level") != "all", pl.col("government_level") == "all"),
    Attack("history levels from 'all'", "mart_history_trends", "pm_positions", "mart_history_trends",
           "pm_positions", (), pl.col("government_level") != "all", pl.col("government_level") == "all"),
    Attack("a regime's people from the pooled reference", "mart_pay_gaps", "people", "mart_pay_gaps",
           "reference_people", ("pay_category", "organizational_level"),
           pl.col("gap_type") == "labor_regime", pl.col("gap_type") == "labor_regime", repeated_total=True),
]


def _blank_cell_value(attack: Attack, internal: dict[str, pl.DataFrame], published: dict[str, pl.DataFrame],
                      hit: dict) -> float:
    """The true value of the one blank cell of a recovered group (the frames keep the row order)."""
    part = hit["side"] == "part"
    mart, column, where = ((attack.parts, attack.part_column, attack.parts_filter) if part
                           else (attack.totals, attack.total_column, attack.totals_filter))
    rows = published[mart].with_row_index("__i")
    if where is not None:
        rows = rows.filter(where)
    for key in attack.keys:
        rows = rows.filter(pl.col(key).eq_missing(hit[key]))
    (index, *_) = rows.filter(pl.col(column).is_null())["__i"].to_list()  # a repeated total: any copy
    return float(internal[mart][column][index])


def _attack_all(frames: dict[str, pl.DataFrame]) -> dict[str, int]:
    return {attack.name: recoveries(attack, frames).height for attack in ATTACKS}


def test_the_recoveries_work_on_primary_only_output(exported: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before secondary suppression, differencing gave blanked cells back (the issue's findings):
    each recovered number is the blank cell's true value."""
    recovered = {attack.name: 0 for attack in ATTACKS}
    for snapshot in (A,):
        internal = _internal(exported, snapshot)
        primary = _primary_only(internal, monkeypatch)
        for attack in ATTACKS:
            for hit in recoveries(attack, primary).iter_rows(named=True):
                # Exact where the margin is exact (a type-B unit's PMs count under its parent's
                # classification in the role table, its own in the caps: those groups are near misses).
                recovered[attack.name] += hit["recovered"] == _blank_cell_value(attack, internal, primary, hit)
    print(recovered)  # the report's "before" figures
    assert recovered["pay cells from mart_transition_cost"] > 0
    assert recovered["PM role cells from mart_confianza_caps sums"] > 0


def test_no_blanked_cell_is_recovered_from_the_exported_csvs(exported: Path) -> None:
    for snapshot in (A,):
        found = {name: n for name, n in _attack_all(_published(exported, snapshot)).items() if n}
        assert found == {}, snapshot


def test_every_published_count_has_a_rule(exported: Path) -> None:
    """No numeric column goes unreviewed, and no exported CSV shows a count of 1 to 4 in any
    integer column that is not a reviewed dimension or parameter (the issue found 1,692 such
    cells, in mart_confianza_caps, mart_turnover and appointed_positions)."""
    reviewed = publication_review.reviewed()
    for snapshot in (A,):
        for mart, frame in _internal(exported, snapshot).items():
            assert publication_review.unreviewed_columns(mart, frame.schema) == [], mart
        for mart, frame in _published(exported, snapshot).items():
            counts = [c for c, dtype in frame.schema.items() if dtype.is_integer()
                      and (mart, c) not in reviewed and ("*", c) not in reviewed]
            small = {c: n for c in counts if (n := frame[c].is_between(1, 4).sum())}
            assert small == {}, mart


def _bounds_of(tpm: list[int], pm: list[int]) -> dict[str, list[int]]:
    """mart_tpm's review bounds for a registry whose levels were all given: everything confirmed,
    nothing to review, upper bound = the count (issue 11)."""
    zeros = [0] * len(tpm)
    return {"tpm_confirmed": tpm, "tpm_to_review": zeros, "pm_confirmed": pm, "pm_to_review": zeros,
            "positions_to_review": zeros, "pm_upper_bound": pm, "tpm_upper_bound": tpm}


def test_a_count_column_without_a_rule_cannot_be_exported(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVIR_PM_DATA", str(tmp_path))
    frame = pl.DataFrame({"snapshot": ["s"], "government_level": ["national"], "tpm": [7], "pm_not_tpm": [9],
                          "pm": [16], "tpm_share_of_pm": [0.4375], "share_of_all_tpm": [1.0],
                          **_bounds_of(tpm=[7], pm=[16]), "women_heads": [3]})
    assert publication_review.unreviewed_columns("mart_tpm", frame.schema) == ["women_heads"]
    assert publication_review.unreviewed_columns("mart_brand_new", frame.schema)  # no rule at all
    with pytest.raises(BuildError, match="women_heads"):
        export._write_snapshot("s", {"mart_tpm": frame})
    assert not paths.marts_dir("s").exists()
    # A margin's column renamed away: refused too, rather than silently unprotected.
    renamed = frame.drop("women_heads").rename({"government_level": "level"})
    with pytest.raises(BuildError, match=r"mart_tpm\.government_level"):
        export._write_snapshot("s", {"mart_tpm": renamed})
    assert not paths.marts_dir("s").exists()


def test_complements_are_the_next_smallest_cells_to_a_fixed_point() -> None:
    """Hand-derived: national TPM 3 is small. Its row (tpm + pm_not_tpm = pm) gives it back, so the
    smaller part of the row goes too (pm_not_tpm 40); the levels' sum (3 + 10 = 13) gives it back,
    so regional TPM 10 goes; that leaves regional's row and the pm_not_tpm levels with one blank
    each: regional pm_not_tpm 20 closes both. The pm column and the total row stay (t = national
    TPM solves every published sum for any t in 0..13)."""
    tpm = pl.DataFrame({
        "snapshot": ["s"] * 3, "government_level": ["national", "regional", "total"],
        "tpm": [3, 10, 13], "pm_not_tpm": [40, 20, 60], "pm": [43, 30, 73],
        "tpm_share_of_pm": [3 / 43, 10 / 30, 13 / 73], "share_of_all_tpm": [3 / 13, 10 / 13, 1.0],
        **_bounds_of(tpm=[3, 10, 13], pm=[43, 30, 73]),
    })
    out = disclosure.suppress(tpm, "mart_tpm")
    assert out["tpm"].to_list() == [None, None, 13]
    assert out["pm_not_tpm"].to_list() == [None, None, 60]
    assert out["pm"].to_list() == [43, 30, 73]
    assert out["is_suppressed"].to_list() == [True, True, False]
    assert out["tpm_share_of_pm"].null_count() == 2 and out["share_of_all_tpm"].null_count() == 2


def test_a_margin_published_in_another_mart_gets_a_complement() -> None:
    """Hand-derived: the PMs of (national, S1, ministry) by role are PS 3, S 10, OS 8, and its two
    entities' PM positions (12 + 9 = 21) are published in mart_confianza_caps: PS 3 would be 21 - 18.
    The next-smallest role, OS 8, is blanked too (with its appointed and TPM counts, also the
    next-smallest of their own margins: 6 < 7 appointed, 5 < 6 TPM); S 10 stays; the entities'
    counts (all 5 or more) stay."""
    keys = {"snapshot": "s", "government_level": "national", "sector": "S1", "entity_classification": "ministry"}
    roles = pl.DataFrame({**{k: [v] * 3 for k, v in keys.items()}, "role": ["PS", "S", "OS"],
                          "positions": [3, 10, 8], "positions_confirmed": [3, 10, 8], "positions_to_review": [0, 0, 0],
                          "tpm_positions": [1, 6, 5], "appointed_positions": [2, 7, 6]})
    caps = pl.DataFrame({
        **{k: [v] * 2 for k, v in keys.items()}, "entity_id": ["E1", "E2"],
        "management_positions": [30, 20], "pm_positions": [12, 9], "appointed_pm": [8, 7],
        "appointed_pm_share": [8 / 12, 7 / 9], "pm_cap_max_appointed": [2, 1], "pm_cap_breach": [True, True],
        "appointed_positions": [10, 9], "total_positions": [500, 300], "entity_cap_max_appointed": [25, 15],
        "appointed_officers": [0, 0],
    })
    out = disclosure.suppress_all({"mart_pm_roles": roles, "mart_confianza_caps": caps})
    assert out["mart_pm_roles"]["positions"].to_list() == [None, 10, None]
    assert out["mart_pm_roles"]["appointed_positions"].to_list() == [None, 7, None]
    assert out["mart_pm_roles"]["tpm_positions"].to_list() == [None, 6, None]
    assert out["mart_confianza_caps"]["pm_positions"].to_list() == [12, 9]
    assert not out["mart_confianza_caps"]["is_suppressed"].any()
    # Alone, the role table already treats the entities' sum as published elsewhere.
    assert disclosure.suppress(roles, "mart_pm_roles")["positions"].to_list() == [None, 10, None]


def test_turnover_cells_are_protected_against_the_entities_totals() -> None:
    """Hand-derived: entity E1's PMs by role in mart_turnover are PS 3 and S 10; mart_confianza_caps
    publishes its 13 PM positions, so PS 3 = 13 - 10 unless S goes too (and, with S's
    positions_current, the counts its rule blanks)."""
    turnover = pl.DataFrame({
        "snapshot": ["s"] * 2, "entity_id": ["E1"] * 2, "servant_group": ["PM"] * 2,
        "is_management_position": [True, True], "role": ["PS", "S"],
        "positions_previous": [3, 10], "positions_current": [3, 10], "new_positions": [0, 0],
        "removed_positions": [0, 0], "reclassified_positions": [0, 0], "positions_compared": [3, 10],
        "occupants_replaced": [0, 0], "positions_vacated": [0, 0], "positions_filled": [0, 0],
        "turnover_rate": [0.0, 0.0],
    })
    caps = pl.DataFrame({
        "snapshot": ["s"], "government_level": ["national"], "sector": ["S1"], "entity_classification": ["ministry"],
        "entity_id": ["E1"], "management_positions": [13], "pm_positions": [13], "appointed_pm": [6],
        "appointed_pm_share": [6 / 13], "pm_cap_max_appointed": [2], "pm_cap_breach": [True],
        "appointed_positions": [6], "total_positions": [400], "entity_cap_max_appointed": [20],
        "appointed_officers": [0],
    })
    out = disclosure.suppress_all({"mart_turnover": turnover, "mart_confianza_caps": caps})
    assert out["mart_turnover"]["positions_current"].to_list() == [None, None]
    assert out["mart_turnover"]["positions_previous"].to_list() == [None, None]
    assert out["mart_confianza_caps"]["pm_positions"].to_list() == [13]


def test_groups_never_span_snapshots() -> None:
    """A trend holds several snapshots: each snapshot's levels sum to its own 'all' row. Hand-derived:
    in s1 national PMs 3 and regional 20 sum to 23, so regional goes too; s2 has no small cell."""
    rows = {"snapshot": ["s1", "s1", "s1", "s2", "s2", "s2"],
            "government_level": ["national", "regional", "all"] * 2, "pm_positions": [3, 20, 23, 30, 10, 40]}
    trend = pl.DataFrame(rows).with_columns(pl.col("pm_positions").alias("tpm_positions"))
    columns = {r.count_column for r in disclosure.rules() if r.mart == "mart_history_trends" and r.counts}
    blank = {c for r in disclosure.rules() if r.mart == "mart_history_trends" for c in r.columns_to_blank}
    trend = trend.with_columns([pl.lit(100, pl.Int64).alias(c) for c in sorted(columns - set(trend.columns))]
                               + [pl.lit(None, pl.Float64).alias(c) for c in sorted(blank - columns)])
    out = disclosure.suppress(trend, "mart_history_trends")
    assert out["pm_positions"].to_list() == [None, None, 23, 30, 10, 40]  # not s2's smaller 10


def test_a_cell_blanked_through_a_chain_of_rules_still_gets_its_complement() -> None:
    """Hand-made rules: a small `a` blanks `b`, whose rule blanks `c`. Row 0's `c` (7) is then
    blank, and c0 + c1 = total (published) would give it back, so c1 goes too; the total stays."""
    frame = pl.DataFrame({"g": ["x", "x", "x"], "kind": ["p", "p", "t"], "a": [2, 9, 20], "b": [8, 9, 20],
                          "c": [7, 6, 13]}).with_row_index(complementary.ROW)
    blanks = pl.DataFrame({"mart": ["m", "m"], "column": ["a", "b"], "blanks": [["a", "b"], ["b", "c"]]})
    entries = [complementary.MarginEntry("r", "m", "c", ("g",), "kind = 'p'", "part"),
               complementary.MarginEntry("r", "m", "c", ("g",), "kind = 't'", "total")]
    primary = pl.DataFrame({"mart": ["m"], "column": ["a"], "row": [0]}, schema_overrides={"row": pl.UInt32})
    cells = complementary.complete({"m": frame}, primary, blanks, entries)
    assert sorted(cells.filter(pl.col("column") == "c")["row"].to_list()) == [0, 1]
    assert sorted(cells.filter(pl.col("row") == 0)["column"].to_list()) == ["a", "b", "c"]


def test_a_regional_management_status_never_gives_a_blanked_count_back() -> None:
    """Hand-derived from Table 11 item 3's statuses (present = 1 matching position, duplicated = 2 or
    more, missing = 0; one of them is TPM when any match). Government G: economic development 1
    (present), infrastructure 3 (duplicated), social development 0 (missing); government H:
    economic development 6 (duplicated). The 1 and the 3 are small cells: their status would tell
    1 from 2-4, and each TPM count of 1 is small, so the TPM position's id and unit would show it.
    Published: G's two statuses and counts blank, H's 6 and 'duplicated' stay, no TPM position
    named, the 0s and 'missing' stay."""
    frame = pl.DataFrame({
        "snapshot": ["s"] * 4, "entity_id": ["G", "G", "G", "H"], "entity_name": ["GR G", "GR G", "GR G", "GR H"],
        "management": ["economic_development", "infrastructure", "social_development", "economic_development"],
        "matching_positions": [1, 3, 0, 6], "tpm_positions": [1, 1, 0, 1],
        "tpm_position_id": ["g1", "g2", None, "h1"],
        "tpm_unit_name": ["Gerencia de Desarrollo Económico", "Gerencia de Infraestructura", None,
                          "Gerencia Regional de Desarrollo Económico"],
        "status": ["present", "duplicated", "missing", "duplicated"],
    })
    out = disclosure.suppress(frame, "mart_tpm_regional_managements")
    assert out["matching_positions"].to_list() == [None, None, 0, 6]
    assert out["status"].to_list() == [None, None, "missing", "duplicated"]
    assert out["tpm_positions"].to_list() == [None, None, 0, None]
    assert out["tpm_position_id"].to_list() == [None] * 4
    assert out["tpm_unit_name"].to_list() == [None] * 4
    assert out["is_suppressed"].to_list() == [True, True, False, True]
