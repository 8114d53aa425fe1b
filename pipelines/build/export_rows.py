"""Position-level marts (one row per person: every rule of the mart in
seeds/publication/suppression_rules.csv has the count column `@row`), written by DuckDB itself.

A national payroll gives such a mart 1.4 million rows: pulled into Python and written cell by cell
it cost minutes and gigabytes. Here the warehouse writes the files with `COPY`, row by row
streaming, in the same canonical form as the other marts (floats rounded to the published
significant digits, rows sorted on every column):

- `<mart>.parquet`: the internal table, every value (the publication parameters' codec, level and
  row groups);
- `<mart>.csv`: what is shared. Every row describes one person, so the rule's columns are blank on
  every row and `is_suppressed` is true, as pipelines.disclosure.suppress does for `@row`; text
  that a spreadsheet would run as a formula is defused as pipelines.ingest.csv_safety does.

No secondary suppression is needed: a mart without a count rule is in no margin
(pipelines.disclosure.suppress refuses margins on count columns no rule tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from pipelines.disclosure.settings import settings
from pipelines.disclosure.suppress import ROW_COUNT, rules
from pipelines.ingest.csv_safety import _PLAIN_NUMBER, FORMULA_FIRST_CHARACTERS

FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
# Leading columns tried as the sort key before sorting on every column: enough to pass the five
# constant columns mart_position_changes starts with (snapshot, series, dates, previous snapshot)
# and reach position_id; with 4 it sorted 552 K rows on all 32 columns (scale-127 history: 2.4 s).
KEY_PREFIX_MAX = 8
# A cell's first character is tested as a code point against csv_safety.FORMULA_FIRST_CHARACTERS
# (a lookup) instead of running the regular expression on every cell (scale 127: 17 text columns x
# 1.26 M rows). tests/test_export_rows.py checks the two agree on every code point.


def row_level_marts(marts: Sequence[str]) -> list[str]:
    """The marts every one of whose suppression rules is `@row` (position lists)."""
    kinds: dict[str, set[bool]] = {}
    for rule in rules():
        kinds.setdefault(rule.mart, set()).add(rule.count_column == ROW_COUNT)
    return [mart for mart in marts if kinds.get(mart) == {True}]


def blanked_columns(mart: str) -> set[str]:
    return {column for rule in rules() if rule.mart == mart for column in rule.columns_to_blank}


def columns(con: duckdb.DuckDBPyConnection, mart: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of each column of the mart, in table order."""
    return [(row[0], row[1]) for row in con.execute(f"describe {_quote(mart)}").fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _kept(column: str) -> str:
    """Values a float keeps as they are: null, zero, infinite, NaN (no significant digits)."""
    return f"{column} is null or {column} = 0 or isinf({column}) or isnan({column})"


def _scale_expr(name: str, index: int) -> str:
    """The power of ten a float is scaled by to keep the published significant digits, as the
    column `__scale_<index>`: 1 for a value kept as it is (null, zero, infinite, NaN), which
    scaling by 1 leaves as it is (never NULL: DuckDB still knows a column without nulls has none
    and writes it to Parquet as required, as before)."""
    column = _quote(name)
    digits = settings().float_significant_digits
    return (f"case when {_kept(column)} then 1 "
            f"else pow(10, {digits - 1} - cast(floor(log10(abs({column}))) as integer)) end as __scale_{index}")


def _canonical_expr(name: str, kind: str, index: int) -> str:
    """A float rounded to the published significant digits (polars' round_sig_figs), else as is."""
    column = _quote(name)
    if kind not in FLOAT_TYPES:
        return column
    # Scaled, rounded and scaled back as polars does (same doubles: test_export_rows); the scale
    # comes from the inner query, computed once per value (the CASE computed it twice: scale 127,
    # 20 float columns x 1.26 M rows, 0.83 -> 0.66 s CPU). NaN is kept apart: arithmetic may
    # change its bits.
    scale = f"__scale_{index}"
    return f"case when isnan({column}) then {column} else round({column} * {scale}) / {scale} end as {column}"


def canonical_select(mart: str, snapshot: str, described: list[tuple[str, str]]) -> str:
    """The mart's rows of one snapshot, floats rounded to the published significant digits."""
    scales = [_scale_expr(name, index) for index, (name, kind) in enumerate(described) if kind in FLOAT_TYPES]
    rows = f"select {', '.join(['*', *scales])} from {_quote(mart)} where snapshot = {_literal(snapshot)}"
    canonical = ", ".join(_canonical_expr(name, kind, index) for index, (name, kind) in enumerate(described))
    return f"select {canonical} from ({rows})"


def _published_expr(name: str, kind: str, blank: set[str]) -> str:
    column = _quote(name)
    if name in blank:
        return f"cast(null as {kind}) as {column}"
    if kind == "VARCHAR":
        # Nested, not `and`: DuckDB evaluates a CASE branch only for the rows reaching it, so the
        # second expression runs on the few cells that start like a formula, not on every cell.
        # ORs, not `in (...)` nor list_contains: DuckDB rewrites those into a join, which does not
        # keep the rows' order (the CSV must list them as the sorted Parquet does).
        starts = " or ".join(f"ord({column}) = {ord(character)}" for character in FORMULA_FIRST_CHARACTERS)
        return (f"case when {starts} "
                f"then case when regexp_matches({column}, {_literal(_PLAIN_NUMBER)}) then {column} "
                f"else '''' || {column} end else {column} end as {column}")
    return column


def sort_key(con: duckdb.DuckDBPyConnection, mart: str, snapshot: str, described: list[tuple[str, str]]) -> str:
    """ORDER BY giving the canonical order (every column, in table order, nulls last) at less cost.

    Among the first columns (up to the first float: floats are rounded on the way out, not compared
    as stored), one that holds a single value in the snapshot (snapshot, snapshot_date) orders
    nothing and is left out; when the others already tell every row of the snapshot apart (a
    position list: position_id), sorting on them is the same order as sorting on every column, and
    DuckDB neither builds 45-column sort keys for a million rows (scale 127: mart_valuation's
    Parquet COPY 29 -> 20 s on a loaded machine, same bytes) nor compares constant strings.
    Otherwise: every column. The order is a function of the rows alone (a total order on a unique
    key, or on every column), so thread timing never changes it.
    """
    prefix: list[str] = []
    for name, kind in described[:KEY_PREFIX_MAX]:
        if kind in FLOAT_TYPES:
            break
        prefix.append(_quote(name))
    if not prefix:
        return "all nulls last"
    table = f"from {_quote(mart)} where snapshot = ?"
    # A column is constant when it is all null, or never null with min = max: cheap aggregates.
    stats = con.execute("select count(*), " + ", ".join(f"count({c}), min({c}) = max({c})" for c in prefix)
                        + f" {table}", [snapshot]).fetchall()[0]
    rows = stats[0]
    varying = [c for i, c in enumerate(prefix)
               if not (stats[1 + 2 * i] == 0 or (stats[1 + 2 * i] == rows and stats[2 + 2 * i]))]
    if rows <= 1 or not varying:  # one row (any order) or rows alike on the whole prefix
        return ", ".join(f"{column} nulls last" for column in prefix) if rows <= 1 else "all nulls last"
    for k in range(1, len(varying) + 1):  # one prefix at a time: the first unique one ends the search
        # row(...) keeps a NULL as a value, so rows equal on the prefix, nulls and all, count once.
        (unique,) = con.execute(f"select count(distinct row({', '.join(varying[:k])})) {table}",
                                [snapshot]).fetchall()[0]
        if unique == rows:
            return ", ".join(f"{column} nulls last" for column in varying[:k])
    return "all nulls last"


def row_count(con: duckdb.DuckDBPyConnection, mart: str, snapshot: str) -> int:
    """Rows of the mart in the snapshot (what copy_mart writes)."""
    return int(con.execute(f"select count(*) from {_quote(mart)} where snapshot = ?", [snapshot]).fetchall()[0][0])


def copy_mart(con: duckdb.DuckDBPyConnection, mart: str, snapshot: str, folder: Path) -> int:
    """Write `<mart>.parquet` and `<mart>.csv` of one snapshot into `folder`; return the rows."""
    described = columns(con, mart)
    chosen = settings()
    parquet = folder / f"{mart}.parquet"
    # COPY returns the rows it wrote: no need to read the file back to count them.
    (rows,) = con.execute(
        f"copy ({canonical_select(mart, snapshot, described)} "
        f"order by {sort_key(con, mart, snapshot, described)}) to {_literal(str(parquet))} (format parquet, "
        f"compression {chosen.parquet_compression}, compression_level {chosen.parquet_compression_level}, "
        f"row_group_size {chosen.parquet_row_group_size})").fetchall()[0]
    con.execute(f"copy ({published_select(mart, described, parquet)}) "
                f"to {_literal(str(folder / f'{mart}.csv'))} (format csv, header true)").fetchall()
    return int(rows)


def published_select(mart: str, described: list[tuple[str, str]], parquet: Path) -> str:
    """The CSV's rows: the sorted Parquet read back (one reader keeps its order, so the CSV's rows
    match the Parquet's) through a projection only, suppressed and defused."""
    blank = blanked_columns(mart)
    published = ", ".join(_published_expr(name, kind, blank) for name, kind in described)
    return f"select {published}, true as is_suppressed from read_parquet({_literal(str(parquet))})"
