"""`servir-pm status`: what is published for each snapshot, from which inputs, and how the last
runs went. Reads data/published.json, data/runs.jsonl and the raw folders; changes nothing."""

from __future__ import annotations

from typing import Any

from pipelines import paths
from pipelines.errors import PipelineError
from pipelines.refresh import cycle as refresh
from pipelines.refresh import lock, publish, runlog
from pipelines.refresh.series import read_series


def collect() -> dict[str, Any]:
    state = publish.read_state()
    published = state.get("snapshots", {})
    withdrawn = state.get("withdrawn", {})
    try:
        current = refresh.plan(state)
        raw_note = {s: ("changed: " + why if s in published else "new: not published yet")
                    for s, why in current.changed.items()}
        raw_note.update({s: f"waiting ({why})" for s, why in current.waiting.items()})
        raw_note.update({s: f"{why}: the next refresh withdraws it" for s, why in current.withdrawn.items()})
    except refresh.NoSnapshotsError:
        current, raw_note = None, {}
    runs = runlog.runs()
    snapshots = sorted(set(published) | set(raw_note) | set(withdrawn), key=paths.snapshot_sort_key)
    rows = []
    for name in snapshots:
        entry = published.get(name, {})
        attempts = [r for r in runs if name in (r.get("snapshots") or [])]
        last = dict(attempts[-1]) if attempts else {}
        if last.get("outcome") == "partial":  # a run that published the others: how did this one fare?
            mine = (last.get("failures") or {}).get(name)
            last.update({"outcome": "failed", "failed_step": mine["step"], "error": mine["error"]} if mine
                        else {"outcome": "success", "failed_step": None, "error": None})
        raw_dir = paths.raw_dir(name)
        gone = withdrawn.get(name) if name not in published else None
        note = raw_note.get(name) or ("unchanged" if raw_dir.is_dir() else "raw folder missing (published kept)")
        if gone and name not in raw_note:
            note = f"withdrawn ({gone.get('reason', 'raw folder removed')})"
        info = _series(name, entry, gone)
        rows.append({
            "snapshot": name,
            "state": "withdrawn" if gone and name not in raw_note else
                     ("published" if entry else "not published"),
            "series": info.get("series"),
            "origin": info.get("origin"),
            "withdrawn_at": gone.get("withdrawn_at") if gone else None,
            "published_at": entry.get("published_at"),
            "ingested_at": entry.get("ingested_at"),
            "inputs": {f: v.get("sha256", "")[:12] for f, v in entry.get("inputs", {}).items()},
            "positions_valid": entry.get("rows", {}).get("positions", {}).get("rows_valid"),
            "positions_quarantined": entry.get("rows", {}).get("positions", {}).get("rows_quarantined"),
            "raw_now": note,
            "last_attempt": last.get("outcome"),
            "last_attempt_at": last.get("finished_at") or last.get("started_at"),
            "last_failed_step": last.get("failed_step"),
            "last_error": last.get("error"),
        })
    running = None
    if lock.is_held():
        running = dict(lock.holder())
        steps = sorted(paths.work_dir().glob(f"refresh-*/{refresh.STEP_FILE}"))
        if steps:
            running["step"] = steps[-1].read_text(encoding="utf-8")
    last_run = runs[-1] if runs else None
    # The last run that rebuilt something (no-change and refused runs only check).
    last_build = next((r for r in reversed(runs) if r.get("affected") is not None), None)
    if last_build and last_build.get("outcome") == "interrupted" and running:
        last_build = {**last_build, "outcome": "running"}
    return {"snapshots": rows, "last_run": last_run, "last_build": last_build, "running": running,
            "published_run": state.get("run_id"), "runs_log": str(paths.runs_log_path())}


def _series(name: str, entry: dict[str, Any], gone: dict[str, Any] | None) -> dict[str, str]:
    """Series and origin: of the raw folder if it is there, else as last published."""
    raw_dir = paths.raw_dir(name)
    if raw_dir.is_dir():
        try:
            return read_series(raw_dir).as_dict()
        except PipelineError:
            pass
    return (entry.get("series") or (gone or {}).get("series") or {})
