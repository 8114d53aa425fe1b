"""`servir-pm refresh`: bring the published outputs up to date with data/raw/, unattended.

1. Plan (cheap, no polars/duckdb/dbt): hash each snapshot's input files (and its series.json)
   and compare them, and the fingerprint of the code and rules, with what the last refresh
   published (data/published.json). A file younger than the minimum age waits for a later run; a
   published snapshot whose raw folder is gone is withdrawn. Nothing changed: log it and stop.
2. Build aside, under data/.work/refresh-<run>/: ingest the changed snapshots (one that fails on a
   file-level input problem, or whose files changed while it was read, is left out and the others
   go on), link the unchanged ones' staging and marts, build the warehouse from all of them (dbt,
   every data test), export the marts and render the reports of every snapshot the change affects.
3. Publish it all at once (pipelines.refresh.publish), withdrawn snapshots' outputs removed in the same step.
The whole run holds the pipeline lock, so two refreshes never overlap. Whatever happens (a failing
step, a panic in a reader, Ctrl-C), the run's end line is written and its work folder removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines import paths
from pipelines.errors import PipelineError
from pipelines.ingest.discovery import discover_files, sha256_of
from pipelines.privacy.salt import salt_fingerprint
from pipelines.refresh import lock, publish, runlog
from pipelines.refresh.series import SERIES_FILE, SeriesInfo, read_series

StepCallback = Callable[[str], None]

# What the outputs are computed by: a change here rebuilds every snapshot. (pipelines/sample only
# writes raw inputs, which are hashed themselves.)
CODE_GLOBS = ("pipelines/**/*.py", "models/**/*", "macros/**/*", "seeds/**/*.csv", "tests/generic/*.sql",
              "notebooks/*.py", "notebooks/_template/**/*", "dbt_project.yml")
STEP_FILE = "STEP"  # inside the run's work folder: what it is doing now (for status and tests)
# A file modified less than this many seconds ago is probably still being copied in: its snapshot
# waits for a later run (`--min-age`; the scheduled units use pipelines.refresh.schedule's value).
DEFAULT_MIN_AGE_SECONDS = 120.0
SERIES_TABLE = "series"  # input_facts' table for series.json: hashed with the inputs, not ingested


class NoSnapshotsError(PipelineError):
    """data/raw holds no snapshot folder with input files."""


@dataclass
class Plan:
    snapshots: list[str]  # every snapshot that will be published after this run, oldest first
    changed: dict[str, str]  # snapshot -> why it is rebuilt
    waiting: dict[str, str] = field(default_factory=dict)  # snapshot -> why it is left for later
    inputs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # snapshot -> file -> facts
    code_fingerprint: str = ""
    # Rebuilt from their published staging, not re-ingested: still being copied, or failed this run.
    from_staging: set[str] = field(default_factory=set)
    # snapshot -> series metadata (pipelines.refresh.series) it is published with; and, for published
    # snapshots, the series they were last published in (a changed series.json moves a snapshot).
    series: dict[str, dict[str, str]] = field(default_factory=dict)
    published_series: dict[str, str] = field(default_factory=dict)
    withdrawn: dict[str, str] = field(default_factory=dict)  # published snapshot -> why it leaves
    rebuild_all: bool = False  # code, rules or salt changed, or --force

    def series_of(self, snapshot: str) -> str | None:
        info = self.series.get(snapshot)
        return info.get("series") if info else self.published_series.get(snapshot)

    @property
    def affected(self) -> list[str]:
        """Changed snapshots and every later snapshot of the same series (their history marts
        compare with the one before), also after a withdrawn snapshot of that series."""
        starts: dict[str, tuple[str, str]] = {}  # series -> earliest change in it
        for name in [*self.changed, *self.withdrawn]:
            for series in {self.series_of(name), self.published_series.get(name)} - {None}:
                key = paths.snapshot_sort_key(name)
                starts[str(series)] = min(starts.get(str(series), key), key)
        return [s for s in self.snapshots if s in self.changed
                or (self.series_of(s) in starts and paths.snapshot_sort_key(s) >= starts[str(self.series_of(s))])]


@dataclass
class SnapshotFailure:
    """A snapshot left out of a run because of its own input (exit code 2): the others go on."""
    snapshot: str
    step: str
    error: PipelineError

    def as_record(self) -> dict[str, Any]:
        return {"step": self.step, "exit_code": self.error.exit_code, "error": self.error.problem,
                "file": self.error.file}


@dataclass
class RefreshResult:
    run_id: str
    outcome: str  # runlog.OUTCOMES
    plan: Plan
    seconds: float
    counts: dict[str, Any] = field(default_factory=dict)
    failures: list[SnapshotFailure] = field(default_factory=list)


def code_fingerprint(root: Path = paths.PROJECT_ROOT) -> str:
    """Hash of the code, rules and pseudonym salt (a new salt makes every occupant key differ)."""
    digest = hashlib.sha256(salt_fingerprint().encode())
    files = sorted({p for pattern in CODE_GLOBS for p in root.glob(pattern)
                    if p.is_file() and "__pycache__" not in p.parts})
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def input_facts(folder: Path, known: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """file name -> table, size, mtime and SHA-256 for each input file of a snapshot folder.

    A file whose size and modification time match what was published keeps its recorded hash
    (rehashing a large registry every few minutes is the slow part); any other file is hashed, so
    a touched-but-identical file still counts as unchanged.
    """
    facts: dict[str, dict[str, Any]] = {}
    for table, path in _input_files(folder):
        stat = path.stat()
        before = known.get(path.name, {})
        same_stat = before.get("size") == stat.st_size and before.get("mtime_ns") == stat.st_mtime_ns
        digest = before["sha256"] if same_stat and "sha256" in before else sha256_of(path)
        facts[path.name] = {"table": table, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                            "sha256": digest}
    return facts


def _input_files(folder: Path) -> list[tuple[str, Path]]:
    """(table, path) of each input file, series.json included (a new series is a change)."""
    found = [(table, path) for table, files in discover_files(folder).items() for path in files]
    if (folder / SERIES_FILE).is_file():
        found.append((SERIES_TABLE, folder / SERIES_FILE))
    return found


def _stats(folder: Path) -> dict[str, tuple[int, int]]:
    """file name -> (size, mtime_ns) of each input file, now: to see files change during a run."""
    found = {}
    for _, path in _input_files(folder):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        found[path.name] = (stat.st_size, stat.st_mtime_ns)
    return found


def _series_meta(folder: Path) -> dict[str, str]:
    """The folder's series metadata; an unreadable series.json is the ingestion's to report."""
    try:
        return read_series(folder).as_dict()
    except PipelineError:
        return SeriesInfo().as_dict()


def _raw_folders() -> list[Path]:
    root = paths.raw_dir()
    if not root.is_dir():
        return []
    return sorted((d for d in root.iterdir() if d.is_dir() and not d.name.startswith(".")),
                  key=lambda d: paths.snapshot_sort_key(d.name))


def plan(state: dict[str, Any], force: bool = False, min_age_seconds: float = 0.0) -> Plan:
    """What a refresh would do now. Reads file metadata and hashes; writes nothing."""
    published: dict[str, Any] = state.get("snapshots", {})
    fingerprint = code_fingerprint()
    code_changed = bool(published) and state.get("code_fingerprint") != fingerprint
    changed: dict[str, str] = {}
    waiting: dict[str, str] = {}
    inputs: dict[str, dict[str, dict[str, Any]]] = {}
    series: dict[str, dict[str, str]] = {}
    now = time.time()
    for folder in _raw_folders():
        name = folder.name
        known = published.get(name, {}).get("inputs", {})
        facts = input_facts(folder, known)
        if not any(f["table"] != SERIES_TABLE for f in facts.values()):
            continue  # not a snapshot (no entities/positions file): ignored, as ingestion would
        young = [f for f in facts if now - facts[f]["mtime_ns"] / 1e9 < min_age_seconds]
        if young:
            # Probably still being copied in: wait for the next run rather than ingest half a file.
            waiting[name] = f"modified less than {min_age_seconds:g} s ago: {', '.join(young)}"
            continue
        inputs[name] = facts
        series[name] = _series_meta(folder)
        if name not in published:
            changed[name] = "new snapshot"
        elif force:
            changed[name] = "forced (--force)"
        elif code_changed:
            changed[name] = "code, rules or pseudonym salt changed since it was published"
        elif _hashes(facts) != _hashes(known):
            changed[name] = "inputs changed: " + ", ".join(_differences(known, facts))
    from_staging: set[str] = set()
    withdrawn: dict[str, str] = {}
    for name, entry in published.items():
        if name in inputs:
            continue
        if name not in waiting:
            # Raw folder removed (or emptied): the snapshot leaves, outputs and warehouse rows with it.
            withdrawn[name] = ("raw folder removed" if not paths.raw_dir(name).is_dir()
                               else "no input file left in its raw folder")
            continue
        # Still being copied: keep what is published, built from its old inputs.
        inputs[name] = entry.get("inputs", {})
        series[name] = entry.get("series") or SeriesInfo().as_dict()
        if code_changed or force:
            from_staging.add(name)
            changed[name] = "rebuilt from its published staging (raw inputs still being copied)"
    if not inputs:
        withdrawn = {}  # never withdraw every snapshot at once (see below)
    if not inputs and not waiting:
        # Never withdraw everything at once: an empty data/raw is more often an unmounted drive.
        raise NoSnapshotsError(
            problem="no snapshot folder with input files in data/raw"
            + (" (a refresh never withdraws every published snapshot at once)" if withdrawn else ""),
            fix="put each extract in data/raw/<snapshot date>/ (entities.* and positions.*), "
                "e.g. data/raw/2025-03-31/, or run `servir-pm sample` for the synthetic sample",
            file=paths.raw_dir())
    ordered = sorted(inputs, key=paths.snapshot_sort_key)
    published_series = {n: str((e.get("series") or {}).get("series", SeriesInfo().series))
                        for n, e in published.items()}
    return Plan(ordered, changed, waiting, inputs, fingerprint, from_staging, series, published_series,
                withdrawn, rebuild_all=code_changed or force)


def _hashes(facts: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {name: f.get("sha256", "") for name, f in facts.items()}


def _differences(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[str]:
    notes = [f"{n} added" for n in sorted(set(after) - set(before))]
    notes += [f"{n} removed" for n in sorted(set(before) - set(after))]
    notes += [f"{n} modified" for n in sorted(set(after) & set(before))
              if after[n].get("sha256") != before[n].get("sha256")]
    return notes


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link a published folder into the work area (instant, no extra space); copy if not possible."""
    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)


class _Steps:
    """Remembers the current step (for the run log) and shows it in the work folder and on screen."""

    def __init__(self, work: Path | None, on_step: StepCallback | None) -> None:
        self.work, self.on_step, self.current = work, on_step, "start"

    def __call__(self, name: str) -> None:
        self.current = name
        if self.work is not None:
            (self.work / STEP_FILE).write_text(name, encoding="utf-8")
        if self.on_step and self.work is not None:  # recover and plan take milliseconds: not shown
            self.on_step(name)


def refresh(force: bool = False, lang: str = "es", min_age_seconds: float = DEFAULT_MIN_AGE_SECONDS,
            on_step: StepCallback | None = None) -> RefreshResult:
    """Refresh what changed and publish it atomically. Raises PipelineError on failure (logged).

    A snapshot whose own input fails (exit code 2) is left out and the others are published:
    the result's outcome is then `partial` and `failures` says which (the CLI exits with 2). If no
    other change was left to publish, the first failure is raised instead.
    """
    started = time.time()
    run_id = runlog.new_run_id()
    try:
        with lock.exclusive("refresh"):
            return _refresh_locked(run_id, started, force, lang, min_age_seconds, on_step)
    except lock.LockedError as error:
        runlog.append({"event": "end", "run_id": run_id, "started_at": runlog.now(), "finished_at": runlog.now(),
                       "outcome": "locked", "exit_code": error.exit_code, "error": error.problem})
        raise


def _refresh_locked(run_id: str, started: float, force: bool, lang: str, min_age_seconds: float,
                    on_step: StepCallback | None) -> RefreshResult:
    base: dict[str, Any] = {"run_id": run_id, "started_at": runlog.now(), "pid": os.getpid()}
    steps = _Steps(None, on_step)
    the_plan: Plan | None = None
    failures: list[SnapshotFailure] = []
    counts: dict[str, Any] = {}
    tried: list[str] = []  # the snapshots this run set out to rebuild (some may be left out)
    try:
        steps("recover")
        if publish.recover():
            base["recovered_interrupted_publish"] = True
        _remove_abandoned_work()
        steps("plan")
        state = publish.read_state()
        the_plan = plan(state, force=force, min_age_seconds=min_age_seconds)
        if not the_plan.changed and not the_plan.withdrawn:
            seconds = time.time() - started
            runlog.append({**base, "event": "end", "finished_at": runlog.now(), "outcome": "no_change",
                           "seconds": round(seconds, 3), "snapshots": [], "waiting": the_plan.waiting})
            return RefreshResult(run_id, "no_change", the_plan, seconds)
        runlog.append({**base, "event": "start", "snapshots": sorted(the_plan.changed),
                       "reasons": the_plan.changed, "affected": the_plan.affected, "waiting": the_plan.waiting,
                       "withdrawn": the_plan.withdrawn})
        steps.work = paths.work_dir() / f"refresh-{run_id}"
        steps.work.mkdir(parents=True)
        tried = sorted(the_plan.changed)
        counts = _ingest_changed(the_plan, state, steps.work, steps, failures)
        if not the_plan.changed and not the_plan.withdrawn:
            # Every change was left out (failed, or still being written): nothing to publish.
            shutil.rmtree(steps.work, ignore_errors=True)
            if failures:
                raise failures[0].error
            seconds = time.time() - started
            runlog.append({**base, "event": "end", "finished_at": runlog.now(), "outcome": "no_change",
                           "seconds": round(seconds, 3), "snapshots": tried, "waiting": the_plan.waiting})
            return RefreshResult(run_id, "no_change", the_plan, seconds)
        counts.update(_build_aside(the_plan, steps.work, lang, steps))
        steps("publish")
        publish.commit(_moves(the_plan, steps.work), _new_state(state, the_plan, run_id, counts),
                       removals=_removals(the_plan))
    except BaseException as error:
        # Every failure, early ones and panics included, ends the run's log entry (what
        # --on-failure reports) and clears the work folder. Ctrl-C too, then it goes on up.
        exit_code = error.exit_code if isinstance(error, PipelineError) else 1
        message = error.problem if isinstance(error, PipelineError) else f"{type(error).__name__}: {error}"
        failed_step = steps.current
        if failures and error is failures[0].error:
            failed_step = failures[0].step
        runlog.append({**base, "event": "end", "finished_at": runlog.now(), "outcome": "failed",
                       "seconds": round(time.time() - started, 3),
                       "snapshots": sorted({*tried, *(the_plan.changed if the_plan else [])}),
                       "failed_step": failed_step, "exit_code": exit_code, "error": message,
                       "file": getattr(error, "file", None),
                       "failures": {f.snapshot: f.as_record() for f in failures}})
        if steps.work is not None:
            shutil.rmtree(steps.work, ignore_errors=True)  # never published; the run log says what failed
        raise
    shutil.rmtree(steps.work, ignore_errors=True)
    seconds = time.time() - started
    outcome = "partial" if failures else "success"
    record: dict[str, Any] = {**base, "event": "end", "finished_at": runlog.now(), "outcome": outcome,
                              "seconds": round(seconds, 3), "snapshots": sorted({*the_plan.changed,
                                                                                 *(f.snapshot for f in failures)}),
                              "published": the_plan.affected, "withdrawn": the_plan.withdrawn, "counts": counts,
                              "waiting": the_plan.waiting}
    if failures:
        first = failures[0]
        record.update({"failures": {f.snapshot: f.as_record() for f in failures}, "failed_step": first.step,
                       "exit_code": first.error.exit_code, "error": first.error.problem,
                       "file": first.error.file})
    runlog.append(record)
    return RefreshResult(run_id, outcome, the_plan, seconds, counts, failures)


def _remove_abandoned_work() -> None:
    """Work folders of killed runs: never published (or recover() finished them), so just debris."""
    for leftover in paths.work_dir().glob("refresh-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _ingest_changed(the_plan: Plan, state: dict[str, Any], work: Path, step: _Steps,
                    failures: list[SnapshotFailure]) -> dict[str, Any]:
    """Ingest each changed snapshot into the work folder. One whose input fails (exit code 2), or
    whose files changed while they were read, is left out of this run (`_leave_out`): the others
    go on. Returns the row counts per ingested snapshot."""
    from pipelines.ingest.snapshot import ingest_snapshot

    counts: dict[str, Any] = {}
    for snapshot in [s for s in the_plan.snapshots if s in the_plan.changed and s not in the_plan.from_staging]:
        raw = paths.raw_dir(snapshot)  # resolved before the redirect
        step(f"ingest {snapshot}")
        try:
            with paths.outputs_redirected(work):
                result = ingest_snapshot(raw)
        except PipelineError as error:
            if error.exit_code != 2:
                raise
            failures.append(SnapshotFailure(snapshot, f"ingest {snapshot}", error))
            _leave_out(the_plan, state, snapshot, work)
            continue
        moved = sorted(name for name, (size, mtime) in _stats(raw).items()
                       if (the_plan.inputs[snapshot].get(name, {}).get("size"),
                           the_plan.inputs[snapshot].get(name, {}).get("mtime_ns")) != (size, mtime))
        moved += sorted(set(the_plan.inputs[snapshot]) - set(_stats(raw)))
        if moved:
            _leave_out(the_plan, state, snapshot, work)
            the_plan.waiting[snapshot] = f"changed while this run read it: {', '.join(moved)}"
            continue
        counts[snapshot] = {table: {"rows_read": sum(f.rows_read for f in result.files if f.table == table),
                                    "rows_valid": sum(f.rows_valid for f in result.files if f.table == table),
                                    "rows_quarantined": sum(f.rows_quarantined for f in result.files
                                                            if f.table == table)}
                            for table in ("entities", "positions")}
    return counts


def _leave_out(the_plan: Plan, state: dict[str, Any], snapshot: str, work: Path) -> None:
    """Take a changed snapshot out of this run: what is published for it stays as it is (rebuilt
    from its published staging if the code changed); a new one is simply not published yet."""
    for kind in ("staging", "quarantine"):
        shutil.rmtree(work / kind / snapshot, ignore_errors=True)
    del the_plan.changed[snapshot]
    entry = state.get("snapshots", {}).get(snapshot)
    if entry is None:
        the_plan.snapshots.remove(snapshot)
        the_plan.inputs.pop(snapshot, None)
        the_plan.series.pop(snapshot, None)
        return
    the_plan.inputs[snapshot] = entry.get("inputs", {})
    the_plan.series[snapshot] = entry.get("series") or SeriesInfo().as_dict()
    if the_plan.rebuild_all:
        the_plan.from_staging.add(snapshot)
        the_plan.changed[snapshot] = "rebuilt from its published staging (its new inputs were left out)"


def _build_aside(the_plan: Plan, work: Path, lang: str, step: _Steps) -> dict[str, Any]:
    from pipelines.build.warehouse import build
    from pipelines.report.render import render

    # Resolved before the redirect: inside it, paths.* point at the work folder.
    published_staging = {s: paths.staging_dir(s) for s in the_plan.snapshots}
    published_marts = {s: paths.marts_dir(s) for s in the_plan.snapshots}
    ingested = set(the_plan.changed) - the_plan.from_staging
    affected = the_plan.affected
    counts: dict[str, Any] = {}
    with paths.outputs_redirected(work):
        for snapshot in the_plan.snapshots:
            if snapshot not in ingested:
                _link_tree(published_staging[snapshot], paths.staging_dir(snapshot))
            if snapshot not in affected and published_marts[snapshot].is_dir():
                _link_tree(published_marts[snapshot], paths.marts_dir(snapshot))
        step("build")
        built = build(exports=affected)
        counts["dbt_tests_passed"] = built.tests_passed
        counts["mart_files"] = len(built.files)
        from pipelines.review.summary import classification_summary

        counts["classification"] = classification_summary(paths.warehouse_path(), affected)
        for snapshot in affected:
            step(f"report {snapshot}")
            counts.setdefault("report_pages", 0)
            counts["report_pages"] += len(render(snapshot, lang))
    return counts


def _moves(the_plan: Plan, work: Path) -> list[tuple[Path, Path]]:
    """Built -> published, in the order readers care least about: inputs first, reports last."""
    moves: list[tuple[Path, Path]] = []
    for snapshot in set(the_plan.changed) - the_plan.from_staging:
        for kind in ("staging", "quarantine"):
            built = work / kind / snapshot
            if built.exists():
                moves.append((built, paths.data_dir() / kind / snapshot))
    for snapshot in the_plan.affected:
        moves.append((work / "marts" / snapshot, paths.marts_dir(snapshot)))
    moves.append((work / "warehouse.duckdb", paths.warehouse_path()))
    for snapshot in the_plan.affected:
        moves.append((work / "reports" / snapshot, paths.reports_dir(snapshot)))
    return moves


def _removals(the_plan: Plan) -> list[Path]:
    """Everything published for a withdrawn snapshot (its warehouse rows go with the new warehouse,
    built without it)."""
    return [folder for snapshot in sorted(the_plan.withdrawn)
            for folder in (paths.staging_dir(snapshot), paths.quarantine_dir(snapshot), paths.marts_dir(snapshot),
                           paths.reports_dir(snapshot))]


def _new_state(state: dict[str, Any], the_plan: Plan, run_id: str, counts: dict[str, Any]) -> dict[str, Any]:
    snapshots = dict(state.get("snapshots", {}))
    withdrawn = dict(state.get("withdrawn", {}))
    now = runlog.now()
    for snapshot, why in the_plan.withdrawn.items():
        entry = snapshots.pop(snapshot)
        withdrawn[snapshot] = {"withdrawn_by": run_id, "withdrawn_at": now, "reason": why,
                               "series": entry.get("series"), "last_published_at": entry.get("published_at"),
                               "inputs": entry.get("inputs", {})}
    for snapshot in the_plan.affected:
        entry = dict(snapshots.get(snapshot, {}))
        if snapshot in the_plan.changed and snapshot not in the_plan.from_staging:
            entry.update({"inputs": the_plan.inputs[snapshot], "ingested_by": run_id, "ingested_at": now,
                          "source_dir": str(paths.raw_dir(snapshot)), "reason": the_plan.changed[snapshot],
                          "series": the_plan.series.get(snapshot)})
            if snapshot in counts:
                entry["rows"] = counts[snapshot]
        entry.update({"published_by": run_id, "published_at": now})
        snapshots[snapshot] = entry
        withdrawn.pop(snapshot, None)  # its raw folder came back
    return {"run_id": run_id, "published_at": now, "code_fingerprint": the_plan.code_fingerprint,
            "snapshots": snapshots, "withdrawn": withdrawn}
