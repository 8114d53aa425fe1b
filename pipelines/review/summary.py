"""How each snapshot's positions got their level: from the registry's columns, read from the title,
decided by an analyst (the review loop), or still to review. Counted in every refresh's run log
and printed at its end (issue 11: decisions are counted in the run summary)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def classification_summary(warehouse: Path, snapshots: Sequence[str]) -> dict[str, dict[str, int]]:
    import duckdb

    if not snapshots:
        return {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            with sourced as (
                -- One source per position, first that applies (they partition the positions).
                select
                    snapshot,
                    case
                        when needs_review then 'to_review'
                        when review_decision_id is not null then 'decided_by_analysts'
                        when organizational_level_source = 'input' then 'from_registry'
                        when organizational_level_source = 'inferred'
                            or title_reading in ('public_officer', 'not_management') then 'from_titles'
                        else 'decided_by_entity'
                    end as source
                from int_positions_classified
                where snapshot in (select unnest(?::varchar[]))
            )
            select
                snapshot,
                count(*),
                count(*) filter (where source = 'from_registry'),
                count(*) filter (where source = 'from_titles'),
                count(*) filter (where source = 'decided_by_analysts'),
                count(*) filter (where source = 'decided_by_entity'),
                count(*) filter (where source = 'to_review')
            from sourced
            group by snapshot
            order by snapshot
            """, [list(snapshots)]).fetchall()
    names = ("positions", "from_registry", "from_titles", "decided_by_analysts", "decided_by_entity", "to_review")
    return {row[0]: dict(zip(names, (int(v) for v in row[1:]), strict=True)) for row in rows}


def describe(snapshot: str, counts: dict[str, Any]) -> str:
    return (f"{snapshot}: {counts['positions']:,} positions — {counts['from_registry']:,} with level from the "
            f"registry, {counts['from_titles']:,} read from titles, {counts['decided_by_analysts']:,} decided by "
            f"analysts, {counts['decided_by_entity']:,} settled by their entity's type, {counts['to_review']:,} "
            "to review (servir-pm review)")
