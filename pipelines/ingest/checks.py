"""Every check of the data contract, defined once, in great-expectations' own vocabulary.

A `Check` is an expectation type (great-expectations' snake-case name) with its kwargs. The same
list is executed twice, never written twice:
- as polars expressions during ingestion (`pipelines.ingest.check_exprs`): the row checks decide
  the quarantine, the table checks give `validation_report.json`;
- as great-expectations Suites run by a Checkpoint on the staged Parquet, which builds the
  snapshot's Data Docs site (`pipelines.ingest.data_docs`).

Row checks come from the contract's columns (`pipelines.ingest.contract`); each carries the
quarantine reason it stands for. Table checks are the contract's keys, required columns,
references and ranges, plus the thresholds of `seeds/contract/table_checks.csv`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from pipelines.ingest.contract import COLUMNS, KEYS, MAX_TEXT_LENGTH, allowed_values, read_contract_seed
from pipelines.ingest.normalize import UNPARSED

REPEAT = "__repeat__"  # flag column: the key repeats an earlier row's
_REFERENCES = {"positions": "entity_id", "entities": "parent_entity_id"}  # columns naming a known entity


@dataclass(frozen=True)
class Check:
    expectation: str  # great-expectations type, e.g. "expect_column_values_to_not_be_null"
    kwargs: dict = field(default_factory=dict, hash=False)  # column first, as great-expectations orders them
    reason_code: str | None = None  # row checks: the quarantine reason (contract.REASONS)
    reason_column: str | None = None  # row checks: the column the reason names and quotes

    @property
    def column(self) -> str | None:
        return self.kwargs.get("column")


def _row(expectation: str, column: str, reason: str, shown: str | None = None, **kwargs: object) -> Check:
    return Check(expectation, {"column": column, **kwargs}, reason, shown or column)


def in_validation_order(checks: list[Check]) -> list[Check]:
    """great-expectations validates a suite grouped by column, in order of each column's first
    appearance; reasons of equal rank are listed in that order, so both executions follow it."""
    groups: dict[str | None, list[Check]] = {}
    for check in checks:
        groups.setdefault(check.column, []).append(check)
    return [check for group in groups.values() for check in group]


def _between(minimum: float | None, maximum: float | None) -> dict[str, float]:
    out = {}
    if minimum is not None:
        out["min_value"] = float(minimum)
    if maximum is not None:
        out["max_value"] = float(maximum)
    return out


def row_checks(table: str, known_entity_ids: list[str] | None = None) -> list[Check]:
    """The quarantine's checks, in the order reasons rank (contract.REASONS)."""
    cols = COLUMNS[table]
    checks = [_row("expect_column_values_to_not_be_null", c.name, "missing_required") for c in cols if c.required]
    checks += [_row("expect_column_value_lengths_to_be_between", c.name, "text_too_long", max_value=MAX_TEXT_LENGTH)
               for c in cols if c.kind == "text"]
    for c in cols:
        if c.kind == "enum":
            checks.append(_row("expect_column_values_to_be_in_set", c.name, "invalid_enum",
                               value_set=allowed_values(c.domain or c.name)))
        elif c.kind == "bool":
            checks.append(_row("expect_column_values_to_be_null", UNPARSED + c.name, "invalid_enum", c.name))
    checks += [_row("expect_column_values_to_be_null", UNPARSED + c.name, "non_numeric", c.name)
               for c in cols if c.kind in ("int", "decimal")]
    checks += [_row("expect_column_values_to_be_between", c.name, "out_of_range", **_between(c.minimum, c.maximum))
               for c in cols if c.minimum is not None or c.maximum is not None]
    key = KEYS[table]
    checks.append(_row("expect_column_values_to_be_in_set", REPEAT + key, "duplicate_key", key, value_set=[False]))
    # Only a position naming an unknown entity is quarantined; an entity whose parent is not in the
    # registry is reported by the table check (table_checks), its row kept.
    if table == "positions" and known_entity_ids is not None:
        checks.append(_row("expect_column_values_to_be_in_set", _REFERENCES[table], "unknown_entity",
                           value_set=list(known_entity_ids)))
    return in_validation_order(checks)


@cache
def _seeded_table_checks() -> tuple[tuple[str, str, str, float | None, float | None], ...]:
    rows = read_contract_seed("table_checks.csv")
    return tuple((r["table"], r["expectation"], r["column"],
                  float(r["min_value"]) if r["min_value"] else None,
                  float(r["max_value"]) if r["max_value"] else None) for r in rows)


def table_checks(table: str, known_entity_ids: list[str] | None = None,
                 empty_columns: frozenset[str] = frozenset()) -> list[Check]:
    """Checks on the validated table. A median needs values: on an all-empty column it is left out."""
    seeded = [s for s in _seeded_table_checks() if s[0] in (table, "*")]
    # A table-wide check (no column) counts rows: its bounds are whole numbers.
    checks = [Check(e, {k: int(v) for k, v in _between(lo, hi).items()})
              for _, e, column, lo, hi in seeded if not column]
    checks.append(Check("expect_column_values_to_be_unique", {"column": KEYS[table]}))
    checks += [Check("expect_column_values_to_not_be_null", {"column": c.name}) for c in COLUMNS[table] if c.required]
    if known_entity_ids is not None:
        checks.append(Check("expect_column_values_to_be_in_set",
                            {"column": _REFERENCES[table], "value_set": list(known_entity_ids)}))
    checks += [Check("expect_column_values_to_be_between", {"column": c.name, **_between(c.minimum, c.maximum)})
               for c in COLUMNS[table] if c.minimum is not None or c.maximum is not None]
    checks += [Check(e, {"column": column, **_between(lo, hi)})
               for _, e, column, lo, hi in seeded if column and column not in empty_columns]
    return in_validation_order(checks)


def columns_of(checks: list[Check]) -> list[str]:
    """The columns a list of checks reads, in order (what a batch needs to hold)."""
    return list(dict.fromkeys(c.column for c in checks if c.column))
