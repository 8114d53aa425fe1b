"""Which kind of build a refresh runs (pipelines.refresh.kind): incremental on a copy of the
published warehouse, or full. No dbt: each case writes a hand-made build record into a warehouse
file; tests/test_refresh_incremental.py runs both kinds end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.build import stamp
from pipelines.refresh import kind
from pipelines.refresh.plan import Plan


def _record(tmp_path: Path, snapshots: tuple[str, ...], fingerprint: str = "code", settings: str | None = None) -> Path:
    warehouse = tmp_path / "warehouse.duckdb"
    stamp.write(warehouse, stamp.Stamp("full", fingerprint, settings or stamp.default_settings(), snapshots))
    return warehouse


def _plan(changed: dict[str, str], snapshots: list[str], **extra: object) -> Plan:
    series = {s: {"series": "s"} for s in snapshots}
    return Plan(snapshots, changed, code_fingerprint="code", series=series, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(("case", "expected"), [
    ("new snapshot", ("incremental", "1 of 3 snapshots rebuilt: 2020-03-31")),
    ("middle snapshot replaced", ("incremental", "2 of 3 snapshots rebuilt: 2020-02-29, 2020-03-31")),
    ("first snapshot replaced", ("full", "every snapshot is affected")),
    ("code changed", ("full", "code, rules or pseudonym key changed since the last publish, or --force")),
    ("withdrawn", ("full", "withdrawn: 2020-02-29")),
    ("no warehouse", ("full", "no published warehouse with a build record")),
    ("other code", ("full", "the published warehouse was built by other code or rules")),
    ("other settings", ("full", "the published warehouse was built with other settings (assumptions switched)")),
    ("other snapshots", ("full", "the published warehouse holds other snapshots than data/published.json")),
])
def test_which_kind_of_build(case: str, expected: tuple[str, str], tmp_path: Path) -> None:
    one, two, three = "2020-01-31", "2020-02-29", "2020-03-31"
    state = {"snapshots": {one: {}, two: {}}}
    every = [one, two, three]
    the_plan = {
        "middle snapshot replaced": _plan({two: "inputs changed"}, every),
        "first snapshot replaced": _plan({one: "inputs changed"}, every),
        "code changed": _plan({three: "new snapshot"}, every, rebuild_all=True),
        "withdrawn": _plan({three: "new snapshot"}, [one, three], withdrawn={two: "raw folder removed"}),
    }.get(case, _plan({three: "new snapshot"}, every))
    recorded = {  # what the published warehouse says it was built from, per case
        "other code": {"snapshots": (one, two), "fingerprint": "older code"},
        "other settings": {"snapshots": (one, two), "settings": stamp.settings_of({"assume_a2": False})},
        "other snapshots": {"snapshots": (one,)},
    }.get(case, {"snapshots": (one, two)})
    warehouse = tmp_path / "none.duckdb" if case == "no warehouse" else _record(tmp_path, **recorded)  # type: ignore[arg-type]
    assert kind.decide(the_plan, state, warehouse) == kind.BuildKind(*expected)
