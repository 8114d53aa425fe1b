"""The position lists' sort key: the same row order as sorting on every column, nulls last."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.build.export_rows import columns, sort_key

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
    # Within a snapshot position_id is unique (the null one included): two columns suffice.
    assert sort_key(con, "mart_list", "2016-05-31", columns(con, "mart_list")) == (
        '"snapshot" nulls last, "position_id" nulls last')
    # With ties on (snapshot, position_id) the group is needed too.
    assert sort_key(con, "mart_ties", "2016-05-31", columns(con, "mart_ties")) == (
        '"snapshot" nulls last, "position_id" nulls last, "servant_group" nulls last')


def test_sort_key_is_every_column_when_no_prefix_is_unique(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create table mart_dupes as select * from mart_list union all select * from mart_list")
    assert sort_key(con, "mart_dupes", "2016-05-31", columns(con, "mart_dupes")) == "all nulls last"
