"""What a warehouse was built from, kept inside it, and the batch a build is making.

`warehouse_build` (one row) records the build's kind (full or incremental), the fingerprint of the
code and rules (pipelines.refresh.plan.code_fingerprint), the dbt settings (assumption switches,
type-B variant) and every snapshot its marts hold. A refresh may build incrementally on a copy of
the published warehouse only if that record matches what it would build now (pipelines.refresh.kind):
a warehouse made by `servir-pm build --vars ...` or by older code is never extended.

`warehouse_batch` lists the snapshots this build (re)makes; macros/batch.sql reads it. It is written
before dbt starts, so every model finds it whatever order dbt runs them in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipelines import paths

STAMP_TABLE = "warehouse_build"
BATCH_TABLE = "warehouse_batch"  # named in macros/batch.sql
FULL, INCREMENTAL = "full", "incremental"


@dataclass(frozen=True)
class Stamp:
    kind: str  # FULL or INCREMENTAL
    code_fingerprint: str
    settings: str  # the dbt vars, as canonical JSON
    snapshots: tuple[str, ...]  # every snapshot the marts hold, oldest first

    def matches(self, other: Stamp) -> bool:
        """Built by the same code with the same settings: one may be extended by the other's build."""
        return (self.code_fingerprint, self.settings) == (other.code_fingerprint, other.settings)

    def after_batch(self, before: Stamp) -> Stamp:
        """This (incremental) build's record: the snapshots kept from `before` plus the batch."""
        every = sorted({*before.snapshots, *self.snapshots}, key=paths.snapshot_sort_key)
        return replace(self, kind=INCREMENTAL, snapshots=tuple(every))


def fingerprint(project_dir: Path | None = None) -> str:
    """The code fingerprint a refresh compares (a project copy, as tests use, has its own)."""
    from pipelines.refresh.plan import code_fingerprint

    return code_fingerprint(project_dir.resolve()) if project_dir else code_fingerprint()


def settings_of(dbt_vars: Mapping[str, Any]) -> str:
    return json.dumps(dict(dbt_vars), sort_keys=True)


def default_settings() -> str:
    """What a refresh builds with: every assumption as dbt_project.yml sets it."""
    return settings_of({"snapshot": "*"})


def read(warehouse: Path) -> Stamp | None:
    """The warehouse's record, or None (no warehouse, or one built before records were kept)."""
    if not warehouse.is_file():
        return None
    import duckdb

    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            row = con.execute(f"select kind, code_fingerprint, settings, snapshots from {STAMP_TABLE}").fetchone()
    except duckdb.Error:
        return None
    if row is None:
        return None
    return Stamp(row[0], row[1], row[2], tuple(row[3]))


def write(warehouse: Path, stamp: Stamp) -> None:
    import duckdb

    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"create or replace table {STAMP_TABLE} (kind varchar, code_fingerprint varchar, "
                    "settings varchar, snapshots varchar[])")
        con.execute(f"insert into {STAMP_TABLE} values (?, ?, ?, ?)",
                    [stamp.kind, stamp.code_fingerprint, stamp.settings, list(stamp.snapshots)])


def write_batch(warehouse: Path, snapshots: Sequence[str]) -> None:
    """The batch, for macros/batch.sql. The record goes until the build succeeds: a warehouse whose
    build stopped halfway is never extended by a later incremental build."""
    import duckdb

    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"drop table if exists {STAMP_TABLE}")
        con.execute(f"create or replace table {BATCH_TABLE} as select unnest(?::varchar[]) as snapshot",
                    [list(snapshots)])
