"""End-to-end test of the dbt project: a hand-made staging snapshot -> build() -> marts.

Every expected number below was derived by hand from SERVIR 2016 Tables 7/8/11/15/16 and
RULES.md (see the comment on each position), not from the model's output. dbt starts in a few
seconds per call, so the module builds once and the tests read the result.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from conftest import copy_dbt_project
from staging_io import write_snapshot

from pipelines import paths
from pipelines.build import marts
from pipelines.build import warehouse as build
from pipelines.build.dbt_runner import run_dbt
from pipelines.errors import BuildError

SNAPSHOT = "2016-05-31"
FORMULA_TITLE = '=HYPERLINK("http://example.com","x")'

ENTITIES = [
    {"entity_id": "MIN", "entity_name": "Ministerio de Educación", "government_level": "national",
     "entity_classification": "ministry", "sector": "10 EDUCACION", "total_positions": 100},
    {"entity_id": "OTE", "entity_name": "SUNAT", "government_level": "national",
     "entity_classification": "specialized_technical_agency", "sector": "ECONOMÍA Y FINANZAS",
     "tpm_annex_09": True, "total_positions": 1000},
    {"entity_id": "PRG", "entity_name": "Programa Nacional", "government_level": "national",
     "entity_classification": "program", "parent_entity_id": "MIN", "is_type_b": True, "sector": "EDUCACION"},
    {"entity_id": "GR", "entity_name": "Gobierno Regional Cusco", "government_level": "regional",
     "entity_classification": "regional_government_hq", "total_positions": 20},
    {"entity_id": "MML", "entity_name": "Municipalidad Metropolitana de Lima", "government_level": "local",
     "entity_classification": "metropolitan_municipality_lima"},
    {"entity_id": "MUN", "entity_name": "Municipalidad Distrital", "government_level": "local",
     "entity_classification": "local_government"},
    {"entity_id": "EMP", "entity_name": "Empresa Estatal", "government_level": "national",
     "entity_classification": "state_company"},
    {"entity_id": "CON", "entity_name": "Congreso de la República", "government_level": "national",
     "entity_classification": "legislative_branch"},
]


def _position(pid: str, entity: str, level: int | None, body: str | None, appointment: str = "merit",
              title: str = "Jefe") -> dict[str, object]:
    return {"position_id": pid, "entity_id": entity, "organizational_level": level, "body_type": body,
            "appointment_type": appointment, "position_title": title}


POSITIONS = [
    _position("P01", "MIN", 1, "senior_management", "appointed"),  # T7 ministries L1: PO (A3)
    _position("P02", "MIN", 2, "line", "appointed"),  # T7/15 ministries L2 LC: PM/PS; T11 rule 2
    _position("P03", "MIN", 3, "support", "appointed"),  # T7/15 ministries L3 SA: PM/OS
    _position("P04", "MIN", 4, "line"),  # level 4: CA
    _position("P05", "OTE", 1, "senior_management", "appointed"),  # T7/15 OTE L1: PM/PS; T11 rule 1
    _position("P06", "OTE", 2, "advisory"),  # T7/15 OTE L2 SA: PM/S; T11 rule 2 (annex 09)
    _position("P07", "OTE", 3, "line"),  # T7 OTE L3: CA
    # Type B of the ministry (A2, default variant public_agency_row: 000:1029, 000:1045) read on the
    # public executing agencies' row, where a decentralized body's head is a career servant (A4,
    # 000:986-988): CA. (Before issue 13: the ministry's row, A1 -> LC: PM/PS.)
    _position("P08", "PRG", 2, "decentralized"),
    # T8/16 regional HQ L2 LC: PM/PS; T11 rule 3 (economic development)
    _position("P09", "GR", 2, "line", "appointed", "Gerente Regional de Desarrollo Económico"),
    _position("P10", "GR", 3, "support", "appointed"),  # T8/16 regional HQ L3 SA: PM/OS
    _position("P11", "MML", 2, "line"),  # T8/16 Lima L2 LC: PM/PS, reported regional
    _position("P12", "MUN", 2, "line"),  # local government: not_determined
    _position("P13", "EMP", 2, "line"),  # state company: excluded
    _position("P14", "CON", 2, "line", title=FORMULA_TITLE),  # Legislative Branch: not_determined
    _position("P15", "MIN", None, "line"),  # missing organizational level: not_determined
    _position("P16", "GR", 1, "senior_management", "appointed"),  # T8 regional HQ L1: PO
]


def _use_data_dir(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    monkeypatch.setenv("SERVIR_PM_DATA", str(root))
    monkeypatch.setenv("SERVIR_PM_WAREHOUSE", str(root / "warehouse.duckdb"))
    monkeypatch.setenv("SERVIR_PM_STAGING", str(root / "staging"))


pytestmark = pytest.mark.slow  # dbt builds of the hand-made snapshot: `make test-all`


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[build.BuildResult]:
    root = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _use_data_dir(monkeypatch, root)
        write_snapshot(SNAPSHOT, ENTITIES, POSITIONS)
        yield build.build()


def _mart(name: str) -> pl.DataFrame:
    return marts.load(name, SNAPSHOT)


def test_servant_groups_match_table_9_shape(built: build.BuildResult) -> None:
    rows = {r["servant_group"]: r for r in _mart("servant_groups").iter_rows(named=True)}
    assert list(rows) == ["PO", "PM", "CA", "not_determined", "excluded", "not_management"]  # display_order
    assert (rows["PO"]["national"], rows["PO"]["regional"]) == (1, 1)
    assert (rows["PM"]["national"], rows["PM"]["regional"], rows["PM"]["total"]) == (4, 3, 7)
    assert (rows["CA"]["national"], rows["CA"]["total"]) == (3, 3)
    assert (rows["not_determined"]["national"], rows["not_determined"]["local"]) == (2, 1)
    assert rows["excluded"]["total"] == 1
    assert sum(r["total"] for r in rows.values()) == len(POSITIONS)


def test_tpm_matches_table_12_shape(built: build.BuildResult) -> None:
    tpm = {r["government_level"]: r for r in _mart("tpm").iter_rows(named=True)}
    assert (tpm["national"]["tpm"], tpm["national"]["pm_not_tpm"]) == (3, 1)
    assert (tpm["regional"]["tpm"], tpm["regional"]["pm_not_tpm"]) == (1, 2)
    assert (tpm["total"]["tpm"], tpm["total"]["pm"]) == (4, 7)
    assert tpm["national"]["share_of_all_tpm"] == pytest.approx(0.75)


def test_pm_roles(built: build.BuildResult) -> None:
    roles = (_mart("pm_roles").group_by("government_level", "role").agg(pl.col("positions").sum())
             .sort("government_level", "role"))
    assert roles.rows() == [("national", "OS", 1), ("national", "PS", 2), ("national", "S", 1),
                            ("regional", "OS", 1), ("regional", "PS", 2)]


def test_confianza_caps(built: build.BuildResult) -> None:
    caps = {r["entity_id"]: r for r in _mart("confianza_caps").iter_rows(named=True)}
    ministry = caps["MIN"]
    assert (ministry["pm_positions"], ministry["appointed_pm"], ministry["pm_cap_max_appointed"]) == (2, 2, 0)
    assert ministry["pm_cap_breach"] is True
    # 2 appointed servants (P02, P03; the appointed officer P01 is not one, bill 004:142) vs 5% of
    # 100 = 5: within the entity-wide cap.
    assert (ministry["appointed_positions"], ministry["appointed_officers"]) == (2, 1)
    assert ministry["entity_cap_max_appointed"] == 5 and ministry["entity_cap_breach"] is False
    # 5% of 20 = 1, raised to the minimum of 2; 2 appointed servants (P09, P10; officer P16 not
    # counted) are within it. (Before issue 13 the officer was counted: 3, a breach.)
    assert (caps["GR"]["appointed_positions"], caps["GR"]["entity_cap_max_appointed"]) == (2, 2)
    assert caps["GR"]["entity_cap_breach"] is False
    assert caps["OTE"]["entity_cap_max_appointed"] == 50  # 5% of 1000, capped at 50
    assert caps["MUN"]["entity_cap_breach"] is None  # no total_positions: cannot be checked


def test_assumption_impact(built: build.BuildResult) -> None:
    rows = _mart("assumption_impact").iter_rows(named=True)
    impact = {r["assumption"]: r for r in rows if r["scenario"] == "off"}
    # P08 (the only decentralized body) is decided by A4 first, so A1 moves nothing here.
    assert (impact["A1"]["positions_moved"], impact["A1"]["positions_touched"]) == (0, 0)
    assert (impact["A2"]["from_servant_group"], impact["A2"]["to_servant_group"]) == ("not_determined", "CA")
    a3 = impact["A3"]
    assert (a3["from_servant_group"], a3["from_role"], a3["to_servant_group"]) == ("PM", "PS", "PO")
    a4 = impact["A4"]  # without A4: A1 reads P08 as a line body of the public executing agencies' row
    assert (a4["from_servant_group"], a4["from_role"], a4["to_servant_group"]) == ("PM", "S", "CA")
    assert all(impact[a]["positions_moved"] == 1 and impact[a]["positions_touched"] == 1 for a in ("A2", "A3", "A4"))


def test_unclassified_lists_every_not_determined_with_reason(built: build.BuildResult) -> None:
    unclassified = _mart("unclassified").sort("position_id")
    assert unclassified["position_id"].to_list() == ["P12", "P14", "P15"]
    assert unclassified["rule_key"].to_list() == ["OUT-LOCAL-GOV", "OUT-LEGISLATIVE", "OUT-LEVEL-MISSING"]
    assert unclassified["reason"].null_count() == 0


def test_reconciliation(built: build.BuildResult) -> None:
    rec = {r["check_id"]: r for r in _mart("reconciliation").iter_rows(named=True)}
    assert rec["pm_total"]["computed_value"] == 7 and rec["pm_total"]["published_value"] == 4493
    assert rec["pm_total"]["within_tolerance"] is False
    assert rec["mgmt_positions_national"]["computed_value"] == 9  # not PO, not excluded
    assert rec["mgmt_positions_regional"]["computed_value"] == 3  # Lima counted regional
    # Sector names as MEF writes them, matched ignoring case, accents and the code prefix.
    assert rec["share_sector_education"]["computed_value"] == pytest.approx(5 / 8)
    assert rec["share_sector_economy_finance"]["computed_value"] == pytest.approx(3 / 8)
    # The published Table 12 contradicts itself: these are source findings.
    assert (rec["ID-TPM-TOTAL"]["published_value"], rec["ID-TPM-TOTAL"]["computed_value"]) == (946, 1011)
    assert rec["ID-TPM-TOTAL"]["within_tolerance"] is False
    assert rec["ID-PMNT-TOTAL"]["computed_value"] == 3482
    assert rec["ID-PM-TOTAL"]["within_tolerance"] is True
    # Totals are reconciled against the sum of Table 12's parts, not its inconsistent printed totals.
    assert "tpm_total_printed" not in rec and "pm_not_tpm_total_printed" not in rec
    assert (rec["tpm_total"]["published_value"], rec["tpm_total"]["computed_value"]) == (1011, 4)  # P02 P05 P06 P09
    assert (rec["pm_not_tpm_total"]["published_value"], rec["pm_not_tpm_total"]["computed_value"]) == (3482, 3)
    # Table 11 item 3 allows at most 4 managements x 25 regional governments = 100 regional TPM; the
    # source prints 177 (000:1118): a source finding. Here one item-3 TPM (P09), within the bound.
    finding = rec["ID-TPM-REGIONAL-MAX"]
    assert (finding["published_value"], finding["computed_value"], finding["within_tolerance"]) == (177, 100, False)
    assert (rec["tpm_regional_max_item3"]["computed_value"], rec["tpm_regional_max_item3"]["within_tolerance"]) == (
        1, True)
    assert rec["tpm_item3_max_economic_development"]["computed_value"] == 1
    assert rec["tpm_item3_max_infrastructure"]["computed_value"] == 0
    assert rec["pmc_members_2014"]["published_value"] == 435


def test_exports_exist_and_neutralize_formulas(built: build.BuildResult) -> None:
    folder = paths.marts_dir(SNAPSHOT)
    names = {p.stem for p in folder.glob("mart_*.parquet")}
    assert names == {p.stem for p in folder.glob("mart_*.csv")}
    assert {"mart_management_positions", "mart_reconciliation", "mart_unclassified"} <= names
    assert marts.list().filter(pl.col("snapshot") == SNAPSHOT).height == len(names)
    # Parquet keeps the value; the CSV and the workbook defuse it.
    assert FORMULA_TITLE in _mart("mart_unclassified")["position_title"].to_list()
    with (folder / "mart_unclassified.csv").open(encoding="utf-8", newline="") as handle:
        titles = [row["position_title"] for row in csv.DictReader(handle)]
    assert "'" + FORMULA_TITLE in titles and FORMULA_TITLE not in titles
    from openpyxl import load_workbook

    sheet = load_workbook(folder / "marts.xlsx")["mart_unclassified"]
    cells = [c for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert [(c.value, c.data_type) for c in cells] == [("'" + FORMULA_TITLE, "s")]


def test_rebuild_is_byte_identical(built: build.BuildResult) -> None:
    folder = paths.marts_dir(SNAPSHOT)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    from pipelines.build import export

    export.export_marts([SNAPSHOT])
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_dbt_unit_tests_pass(built: build.BuildResult) -> None:
    """The hand-written unit tests of every table cell (models/intermediate/*unit_tests.yml)."""
    result = run_dbt(["test", "--select", "test_type:unit"])
    assert len(result.results) >= 20


def test_no_staging_snapshot_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use_data_dir(monkeypatch, tmp_path)
    with pytest.raises(BuildError, match="no staging snapshot found"):
        build.build()
    with pytest.raises(BuildError, match="not staged"):
        build.build("2020-01-01")


def _edit_seed_and_stage(seed: Path, row: str, edited: str, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace one row of a seed in a project copy, and stage the hand-made snapshot beside it."""
    text = seed.read_text(encoding="utf-8")
    assert row in text
    seed.write_text(text.replace(row, edited), encoding="utf-8")
    _use_data_dir(monkeypatch, tmp_path / "data")
    write_snapshot(SNAPSHOT, ENTITIES, POSITIONS)


def test_editing_a_seed_row_changes_the_marts(built: build.BuildResult, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules are data: ministries L3 support/advisory from PM/OS to CA in a copy of the project."""
    project = copy_dbt_project(tmp_path / "project")
    _edit_seed_and_stage(project / "seeds" / "rules" / "classification_rules.csv",
                         "T7-MIN-3-SA,national,ministry,3,support_advisory,PM,OS,",
                         "T7-MIN-3-SA,national,ministry,3,support_advisory,CA,,", tmp_path, monkeypatch)
    build.build(project_dir=project)
    groups = {r["servant_group"]: r for r in _mart("servant_groups").iter_rows(named=True)}
    assert (groups["PM"]["national"], groups["CA"]["national"]) == (3, 4)  # P03 moved PM -> CA
    assert "OS" not in _mart("pm_roles").filter(pl.col("government_level") == "national")["role"].to_list()


def test_a_build_of_unchanged_rules_leaves_their_checks_out(built: build.BuildResult) -> None:
    """The checks that read seeds only passed when `built` (or an earlier build of this code) ran
    them: a build now leaves every one of them out, and runs every other test."""
    from pipelines.build import rule_checks

    record = json.loads((paths.dbt_target_dir() / rule_checks.RECORD_FILE).read_text(encoding="utf-8"))
    names = {selector.rsplit(".", 1)[-1] for selector in record["tests"]}
    assert len(names) == len(record["tests"]) >= 40 and "model_checks_title_rules" in names
    again = build.build(export_marts=False)
    assert again.rule_checks_reused == len(record["tests"])
    ran = {r["unique_id"].split(".")[2] for r in json.loads(
        (paths.dbt_target_dir() / "run_results.json").read_text(encoding="utf-8"))["results"]}
    assert not ran & names
    assert "model_checks_int_positions_classified" in ran
    assert any(name.startswith("classified_exactly_once_int_positions_classified") for name in ran)
    assert again.tests_passed > 0


def test_an_edited_seed_is_checked_again_and_a_bad_value_stops_the_build(
        built: build.BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record of passed rule checks holds for the rules it was made with only: in a copy of the
    project recorded as checked, a title rule given a reading outside the vocabulary is checked
    again, and the build stops on it before any model reads the rules."""
    from pipelines.build import rule_checks, stamp

    project = copy_dbt_project(tmp_path / "project")
    selectors = json.loads((paths.dbt_target_dir() / rule_checks.RECORD_FILE).read_text(encoding="utf-8"))["tests"]
    target = paths.dbt_target_dir(project)
    rule_checks.remember(target, stamp.fingerprint(project), stamp.default_settings(), selectors)
    assert rule_checks.passed_before(target, stamp.fingerprint(project), stamp.default_settings()) == sorted(selectors)
    _edit_seed_and_stage(project / "seeds" / "inference" / "title_rules.csv",
                         ",title,prefix,presidente republica,,,public_officer,",
                         ",title,prefix,presidente republica,,,head_of_state,", tmp_path, monkeypatch)
    with pytest.raises(BuildError) as failed:
        build.build(project_dir=project, export_marts=False)
    assert "test.servir_pm.model_checks_title_rules" in str(failed.value)
    status = {r["unique_id"].split(".")[2]: r["status"] for r in json.loads(
        (target / "run_results.json").read_text(encoding="utf-8"))["results"]}
    assert status["model_checks_title_rules"] == "fail"
    assert status["int_positions_inferred"] == "skipped"  # reads title_rules: never built on them


def test_the_compensation_view_answers_under_any_catalog_name(built: build.BuildResult, tmp_path: Path) -> None:
    """int_compensation_positions is a view: DuckDB stores its references to tables of its own file
    without the catalog dbt names ("warehouse"), so it answers when the file is attached under
    another name, as an analyst or a moved copy may."""
    import shutil

    import duckdb

    shutil.copy(paths.warehouse_path(), tmp_path / "copy.duckdb")
    with duckdb.connect() as con:
        con.execute(f"attach '{tmp_path / 'copy.duckdb'}' as published (read_only)")
        [[kind]] = con.execute("select table_type from information_schema.tables "
                               "where table_catalog = 'published' and table_name = 'int_compensation_positions'"
                               ).fetchall()
        [[sql]] = con.execute("select sql from duckdb_views() where database_name = 'published' "
                              "and view_name = 'int_compensation_positions'").fetchall()
        [[rows]] = con.execute("select count(*) from published.main.int_compensation_positions").fetchall()
    assert kind == "VIEW" and rows == len(POSITIONS)
    assert '"warehouse".' not in sql and "main.int_positions_classified" in sql


def test_dbt_reads_the_same_paths_whatever_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """dbt parses the whole project again when a variable the project reads changes value; a
    refresh builds in a new work folder every run, so the paths dbt sees must not name it."""
    from pipelines.build.dbt_runner import dbt_environment

    seen = []
    for folder in ("data", ".work/refresh-20250101T000000-1"):
        _use_data_dir(monkeypatch, tmp_path / folder)
        seen.append(dbt_environment())
    assert seen[0] == seen[1]
    assert (seen[0]["SERVIR_PM_STAGING"], seen[0]["SERVIR_PM_WAREHOUSE"]) == ("staging", "warehouse.duckdb")


def test_position_level_marts_are_written_by_duckdb_with_every_row(built: build.BuildResult) -> None:
    """mart_valuation (one row per position, an @row rule): the Parquet holds the warehouse's rows;
    the CSV blanks the rule's columns on every row and defuses formulas."""
    import duckdb

    from pipelines.build.export import canonical

    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        table = con.sql("select * from mart_valuation where snapshot = ?", params=[SNAPSHOT]).pl()
    exported = _mart("valuation")
    assert exported.height == table.height > 0
    assert exported.equals(canonical(table))  # what the in-memory path would have written
    with (paths.marts_dir(SNAPSHOT) / "mart_valuation.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == table.height
    rules = [r for r in csv.DictReader((paths.PROJECT_ROOT / "seeds/publication/suppression_rules.csv")
                                       .open(encoding="utf-8")) if r["mart"] == "mart_valuation"]
    blanked = rules[0]["columns_to_blank"].split(";")
    assert all(row[c] == "" for row in rows for c in blanked)
    assert {row["is_suppressed"] for row in rows} == {"true"}
    assert sorted(row["position_id"] for row in rows) == sorted(table["position_id"].to_list())


def test_a_position_list_longer_than_a_sheet_is_left_out_of_the_workbook(
        built: build.BuildResult, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    from pipelines.build import export

    monkeypatch.setattr(export, "sheet_limit", lambda: 1)  # every mart of the fixture is longer
    export.export_marts([SNAPSHOT])
    book = load_workbook(paths.marts_dir(SNAPSHOT) / "marts.xlsx")
    note = [c.value for row in book["mart_valuation"].iter_rows() for c in row]
    assert note[0] == "note" and "use mart_valuation.csv or mart_valuation.parquet" in note[1]
    monkeypatch.undo()
    export.export_marts([SNAPSHOT])  # as the other tests expect it


def test_planted_bad_rows_fail_the_data_tests_and_their_rows_name_the_column(
        built: build.BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A model's one test node (tests/generic/model_checks.sql) still fails on one bad row, and each
    failure row says which check broke, on which column or expression, and the value or key to fix:
    a null, a value outside the accepted set, a repeated key and combination, a value missing from
    its parent seed (a relationship with its own `where` judges only its rows) and a broken
    identity, planted in a copy of the built warehouse; the custom tests beside it still fail too."""
    import shutil

    import duckdb

    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(paths.warehouse_path(), copy / "warehouse.duckdb")
    _use_data_dir(monkeypatch, copy)
    with duckdb.connect(str(copy / "warehouse.duckdb")) as con:
        con.execute("update int_positions_classified set servant_group = null where position_id = 'P04'")
        con.execute("update stg_registry__positions set sex = 'X' where position_id = 'P01'")
        con.execute("insert into int_positions_classified select * from int_positions_classified "
                    "where position_id = 'P03'")
        con.execute("insert into stg_registry__positions select * from stg_registry__positions "
                    "where position_id = 'P02'")
        # no such row in classification_rules (P10 is decided by one: rule_source classification_rules),
        # so only the relationship whose `where` keeps classification_rules rows fails
        [[source]] = con.execute("select rule_source from int_positions_classified "
                                 "where position_id = 'P10'").fetchall()
        assert source == "classification_rules"
        con.execute("update int_positions_classified set rule_key = 'no_such_rule' where position_id = 'P10'")
        # a position the inference lost, and one it made up
        con.execute("delete from int_positions_inferred where position_id = 'P05'")
        con.execute("insert into int_positions_inferred select * replace ('P99' as position_id) "
                    "from int_positions_inferred where position_id = 'P06'")
        # breaks the third of mart_tpm's three expressions only (the others do not read pm_upper_bound)
        con.execute("update mart_tpm set pm_upper_bound = pm - 1 where government_level = 'national'")
    tests = ["test_name:model_checks,int_positions_classified",
             "test_name:model_checks,stg_registry__positions",
             "test_name:classified_exactly_once,int_positions_classified",
             "test_name:model_checks,mart_tpm"]
    with pytest.raises(BuildError) as failed:
        run_dbt(["test", "--store-failures", "--select", *tests])
    message = str(failed.value)
    for name in ("model_checks_int_positions_classified", "model_checks_stg_registry__positions",
                 "classified_exactly_once_int_positions_classified", "model_checks_mart_tpm"):
        assert f"test.servir_pm.{name}" in message
    # failing rows of the model, not failure rows: 1 null + 1 broken expression (the same row) +
    # 2 rows of the repeated key + 1 orphan rule_key
    assert re.search(r"model_checks_int_positions_classified\.\w+: Got 5 results,", message)

    manifest = json.loads((paths.dbt_target_dir() / "manifest.json").read_text(encoding="utf-8"))
    tables = {n["name"]: n["alias"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}

    def failures(test: str) -> list[tuple]:
        """The rows --store-failures kept, in a table named after the test (its alias)."""
        [table] = ([alias for name, alias in tables.items() if name == test]  # model_checks_<model>
                   or [alias for name, alias in tables.items() if name.startswith(test + "_")])
        with duckdb.connect(str(copy / "warehouse.duckdb"), read_only=True) as con:
            return sorted(con.execute(f'select * from main_dbt_test__audit."{table}"').fetchall())

    # (check_name, column_or_expression, value_field, n_records); an expression names the row by the
    # model's first key (position_key is snapshot/position_id)
    assert failures("model_checks_int_positions_classified") == [
        ("expression_is_true", "(servant_group = 'not_determined') = (not_determined_reason is not null)",
         f"[{SNAPSHOT}/P04]", 1),
        ("not_null", "servant_group", None, 1),
        ("relationships", "rule_key", "no_such_rule", 1),
        ("unique", "position_key", f"{SNAPSHOT}/P03", 2),
    ]
    assert failures("model_checks_stg_registry__positions") == [
        ("accepted_values", "sex", "X", 1),
        ("unique_combination", "snapshot, position_id", f"[{SNAPSHOT}, P02]", 2),
    ]
    # (snapshot, position_id, rows in the source, in the model, in int_positions_inferred): the
    # position classified twice, and the one the inference lost and the one it made up, which the
    # classification (built before they were planted) still holds as they were
    assert failures("classified_exactly_once_int_positions_classified") == [
        (SNAPSHOT, "P03", 1, 2, 1), (SNAPSHOT, "P05", 1, 1, 0), (SNAPSHOT, "P99", 0, 0, 1)]
    # mart_tpm's first key is (snapshot, government_level)
    assert failures("model_checks_mart_tpm") == [
        ("expression_is_true", "pm_upper_bound >= pm and tpm_upper_bound >= tpm", f"[{SNAPSHOT}, national]", 1)]
