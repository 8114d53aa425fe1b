"""Whether a refresh rebuilds everything or only the snapshots its change affects (issue 16,
incremental history).

Incremental: the work folder starts from a copy of the published warehouse, stages only the
affected snapshots (the batch) and dbt replaces their rows in the marts (macros/batch.sql); adding
a snapshot then costs about one snapshot's build, however many are published. Full, as
`servir-pm build`: when nothing safe can be extended (no published warehouse, or one without its
build record), when the code, rules or pseudonym key changed (or --force), when a snapshot is
withdrawn (its rows must leave every table), when the published warehouse was built otherwise
(other assumptions, by `servir-pm build`, or holding other snapshots than published.json says), or
when every snapshot is affected anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.build import stamp
from pipelines.refresh.plan import Plan


@dataclass(frozen=True)
class BuildKind:
    kind: str  # stamp.FULL or stamp.INCREMENTAL
    reason: str

    @property
    def incremental(self) -> bool:
        return self.kind == stamp.INCREMENTAL

    def as_record(self) -> dict[str, str]:
        return {"kind": self.kind, "reason": self.reason}


def decide(the_plan: Plan, state: dict[str, Any], published_warehouse: Path) -> BuildKind:
    """The kind of build this refresh runs, and why (recorded in the run log)."""
    def full(reason: str) -> BuildKind:
        return BuildKind(stamp.FULL, reason)

    if the_plan.rebuild_all:
        return full("code, rules or pseudonym key changed since the last publish, or --force")
    if the_plan.withdrawn:
        return full("withdrawn: " + ", ".join(sorted(the_plan.withdrawn)))
    affected = the_plan.affected
    if set(affected) >= set(the_plan.snapshots):
        return full("every snapshot is affected")
    built = stamp.read(published_warehouse)
    if built is None:
        return full("no published warehouse with a build record")
    if built.code_fingerprint != the_plan.code_fingerprint:
        return full("the published warehouse was built by other code or rules")
    if built.settings != stamp.default_settings():
        return full("the published warehouse was built with other settings (assumptions switched)")
    if set(built.snapshots) != set(state.get("snapshots", {})):
        return full("the published warehouse holds other snapshots than data/published.json")
    return BuildKind(stamp.INCREMENTAL, f"{len(affected)} of {len(the_plan.snapshots)} snapshots rebuilt: "
                     + ", ".join(affected))
