"""`servir-pm status`: what is published for each snapshot, from which inputs, and how the last
runs went. Reads data/published.json, data/runs.jsonl and the raw folders; changes nothing."""

from __future__ import annotations

from typing import Any

from pipelines import lock, paths, publish, refresh, runlog


def collect() -> dict[str, Any]:
    state = publish.read_state()
    published = state.get("snapshots", {})
    try:
        current = refresh.plan(state)
        raw_note = {s: ("changed: " + why if s in published else "new: not published yet")
                    for s, why in current.changed.items()}
        raw_note.update({s: f"waiting ({why})" for s, why in current.waiting.items()})
    except refresh.NoSnapshotsError:
        current, raw_note = None, {}
    runs = runlog.runs()
    snapshots = sorted(set(published) | set(raw_note), key=paths.snapshot_sort_key)
    rows = []
    for name in snapshots:
        entry = published.get(name, {})
        attempts = [r for r in runs if name in (r.get("snapshots") or [])]
        last = attempts[-1] if attempts else {}
        raw_dir = paths.raw_dir(name)
        note = raw_note.get(name) or ("unchanged" if raw_dir.is_dir() else "raw folder missing (published kept)")
        rows.append({
            "snapshot": name,
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
