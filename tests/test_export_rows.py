"""The position lists' sort key: the same row order as sorting on every column, nulls last."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.build.export_rows import (
    _published_expr,
    canonical_select,
    columns,
    copy_mart,
    published_select,
    sort_key,
)
from pipelines.ingest.csv_safety import FORMULA_FIRST_CHARACTERS, neutralize

ROWS = [  # snapshot, position_id, group, pay (pay last: a float is never part of the key)
    ("2016-05-31", "P-2", "PM", 1.5), ("2016-05-31", "P-1", "CA", None), ("2016-05-31", None, "PM", 2.0),
    ("2016-05-31", "P-3", None, 3.0), ("2016-11-30", "P-1", "PM", 9.0),
]


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create table mart_list (snapshot varchar, position_id varchar, servant_group varchar, pay double)")
    con.executemany("insert into mart_list values (?, ?, ?, ?)", ROWS)
    # The same positions twice but for their group: position_id alone does not tell rows apart.
    con.execute("create table mart_ties as select * from mart_list union all "
                "select snapshot, position_id, 'PO', pay from mart_list")
    return con


def _ordered(con: duckdb.DuckDBPyConnection, mart: str, order: str) -> list[tuple]:
    return con.execute(f"select * from {mart} where snapshot = '2016-05-31' order by {order}").fetchall()


@pytest.mark.parametrize("mart", ["mart_list", "mart_ties"])
def test_sort_key_gives_the_order_of_every_column(con: duckdb.DuckDBPyConnection, mart: str) -> None:
    key = sort_key(con, mart, "2016-05-31", columns(con, mart))
    assert _ordered(con, mart, key) == _ordered(con, mart, "all nulls last")


def test_sort_key_stops_at_the_first_unique_prefix(con: duckdb.DuckDBPyConnection) -> None:
    # Within a snapshot the snapshot column holds one value (it orders nothing) and position_id is
    # unique (the null one included): position_id alone suffices.
    assert sort_key(con, "mart_list", "2016-05-31", columns(con, "mart_list")) == '"position_id" nulls last'
    # With ties on position_id the group is needed too.
    assert sort_key(con, "mart_ties", "2016-05-31", columns(con, "mart_ties")) == (
        '"position_id" nulls last, "servant_group" nulls last')


def test_sort_key_reaches_a_unique_column_after_five_constant_ones(con: duckdb.DuckDBPyConnection) -> None:
    # mart_position_changes' shape: snapshot, series, both dates and the previous snapshot hold one
    # value each within a snapshot; position_id, the sixth column, tells the rows apart.
    con.execute("create table mart_changes as select snapshot, 'main' as series, date '2016-05-31' as snapshot_date, "
                "'2016-04-30' as previous_snapshot, date '2016-04-30' as previous_snapshot_date, position_id, "
                "servant_group, pay from mart_list")
    key = sort_key(con, "mart_changes", "2016-05-31", columns(con, "mart_changes"))
    assert key == '"position_id" nulls last'
    assert _ordered(con, "mart_changes", key) == _ordered(con, "mart_changes", "all nulls last")


def test_sort_key_keeps_a_column_that_is_partly_null(con: duckdb.DuckDBPyConnection) -> None:
    # One value and a NULL are two values: the column still orders rows (nulls last).
    con.execute("create table mart_dated as select snapshot, case when position_id = 'P-1' then null "
                "else date '2016-05-31' end as snapshot_date, position_id from mart_list")
    assert sort_key(con, "mart_dated", "2016-05-31", columns(con, "mart_dated")) == (
        '"snapshot_date" nulls last, "position_id" nulls last')
    assert _ordered(con, "mart_dated", sort_key(con, "mart_dated", "2016-05-31", columns(con, "mart_dated"))) == (
        _ordered(con, "mart_dated", "all nulls last"))


def test_sort_key_is_every_column_when_no_prefix_is_unique(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create table mart_dupes as select * from mart_list union all select * from mart_list")
    assert sort_key(con, "mart_dupes", "2016-05-31", columns(con, "mart_dupes")) == "all nulls last"


def test_sort_key_is_every_column_when_the_prefix_is_constant(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create table mart_same as select snapshot, 'x' as kind, pay from mart_list")
    key = sort_key(con, "mart_same", "2016-05-31", columns(con, "mart_same"))
    assert key == "all nulls last"


def test_duckdb_defuses_exactly_the_cells_polars_defuses() -> None:
    # The position lists are defused in DuckDB (first code point against FORMULA_FIRST_CHARACTERS),
    # the other marts by polars (csv_safety.neutralize, the regexes): over a cell starting with every
    # code point (surrogates are not text), and signed numbers that are data, both give the same text.
    codes = [code for code in range(1, 0x110000) if not 0xD800 <= code <= 0xDFFF]
    cells = [chr(code) + "x" for code in codes] + ["-50", "+51", "-3.5", "+51 999", "=1+1", "", None]
    frame = pl.DataFrame({"cell": cells}, schema={"cell": pl.Utf8})
    expected = neutralize(frame)["cell"].to_list()
    defused = duckdb.sql(f"select {_published_expr('cell', 'VARCHAR', set())} from frame").pl()["cell"].to_list()
    assert defused == expected
    assert sum(a != b for a, b in zip(cells, expected, strict=True)) == len(FORMULA_FIRST_CHARACTERS) + 2


def test_the_csv_keeps_the_parquet_order_over_many_batches(tmp_path: Path) -> None:
    # Rows stored in the reverse of the canonical order, more than one DuckDB batch (2,048 rows):
    # the Parquet is sorted, and the CSV read back from it lists the rows in the same order.
    con = duckdb.connect(config={"threads": 2})
    con.execute("create table mart_many as select 's' as snapshot, printf('P-%06d', 99999 - i) as position_id, "
                "case i % 3 when 0 then '=x' || i when 1 then '+' || i else 'a' || i end as title, "
                "i * 0.5 as pay from range(100000) t(i)")
    assert copy_mart(con, "mart_many", "s", tmp_path) == 100_000
    written = pl.read_csv(tmp_path / "mart_many.csv", infer_schema=False)["position_id"].to_list()
    assert written == sorted(written)
    assert written == pl.read_parquet(tmp_path / "mart_many.parquet")["position_id"].to_list()


def test_the_csv_select_is_a_projection_of_the_parquet_scan(tmp_path: Path) -> None:
    # A join (DuckDB turns a long IN list into one) or a sort between the Parquet scan and the CSV
    # would not keep the sorted order from one run to the next: the plan holds projections only.
    con = duckdb.connect()
    con.execute("create table mart_many as select 's' as snapshot, 'P-1' as position_id, '=x' as title, "
                "0.5 as pay, 1 as people")
    copy_mart(con, "mart_many", "s", tmp_path)
    described = columns(con, "mart_many")
    plan = con.execute("explain " + published_select("mart_many", described, tmp_path / "mart_many.parquet"))
    operators = set(re.findall(r"╭─ ([A-Za-z][A-Za-z_ ]*?) [─┴]", plan.fetchall()[0][1]))
    assert operators == {"Projection", "Read Parquet"}, operators


def test_duckdb_rounds_floats_as_the_polars_export_does() -> None:
    # The position lists' floats are rounded by DuckDB (canonical_select), the other marts' by
    # polars (export.canonical): the same value must give the same double, at every magnitude.
    import math

    import numpy as np

    from pipelines.build.export import canonical

    # Below 1e-13 or far above 1e30 the two may differ in the last bit (the scale is no exact
    # double; near the largest double DuckDB's overflows): no pay, share or count of a mart is
    # that small (but not zero) or that large.
    rng = np.random.default_rng(16)
    values = (rng.choice([-1.0, 1.0], 200_000) * rng.uniform(1, 10, 200_000)  # 1e-12 <= |value| < 1e30
              * 10.0 ** rng.integers(-12, 30, 200_000)).tolist()
    values += rng.integers(-10**12, 10**12, 20_000).astype(float).tolist()  # whole numbers, long ones too
    values += [0.0, -0.0, 0.05, 12721.153846153846, math.inf, -math.inf,
               math.nan, None, 999_999_999.95, 0.1 + 0.2]
    con = duckdb.connect()
    con.execute("create table mart_floats (snapshot varchar, pay double)")
    con.execute("insert into mart_floats select 's', unnest(?)", [values])
    by_duckdb = con.sql(canonical_select("mart_floats", "s", columns(con, "mart_floats"))).pl()["pay"]
    by_polars = canonical(pl.DataFrame({"pay": values}, schema={"pay": pl.Float64}))
    expected = pl.DataFrame({"pay": values}, schema={"pay": pl.Float64}).with_columns(
        pl.col("pay").round_sig_figs(10))["pay"]
    assert by_polars["pay"].sort(nulls_last=True).equals(expected.sort(nulls_last=True))  # the reference
    assert by_duckdb.equals(expected, check_names=False)  # same order, same doubles (NaN and null included)
