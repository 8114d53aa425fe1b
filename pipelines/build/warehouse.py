"""Stage 3: classify every position and publish the marts.

`build()` runs `dbt build` (seeds, staging, classification, marts and their data tests) on the
staged snapshots, then exports every mart per snapshot (pipelines.build.export). The lead's CLI wires
`servir-pm build [SNAPSHOT]` to it.

A full build (`dbt build --full-refresh`) makes every table from every staged snapshot. An
incremental one (`incremental=True`, what a refresh runs when it may: pipelines.refresh.kind)
works on a copy of the published warehouse with only the batch staged: staging and intermediate
tables are made from the batch, the marts replace the batch's rows and keep the others
(macros/batch.sql). Before dbt starts, the batch goes into the table `warehouse_batch`; after it,
`warehouse_build` says what the warehouse was built from (pipelines.build.stamp).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines import paths
from pipelines.build import export, rule_checks, stamp
from pipelines.build.dbt_runner import run_dbt
from pipelines.errors import BuildError

ASSUMPTIONS = ("A1", "A2", "A3", "A4")  # seeds/rules/assumptions.csv; var assume_<a1|a2|a3|a4>


@dataclass(frozen=True)
class BuildResult:
    snapshots: tuple[str, ...]
    files: tuple[Path, ...]
    dbt_seconds: float  # the whole dbt call: imports, parse, then execution
    dbt_execution_seconds: float  # dbt's own "Finished running ... in" time (seeds, models, tests)
    export_seconds: float
    tests_passed: int = 0  # dbt data tests (and unit tests, if run) that passed
    kind: str = stamp.FULL  # stamp.FULL or stamp.INCREMENTAL
    rule_checks_reused: int = 0  # seed-only tests left out: passed by a build of the same code (rule_checks)


def staged_snapshots(snapshot: str | None = None) -> list[str]:
    """Snapshot folders under data/staging holding both Parquet files (one, if `snapshot` given)."""
    root = paths.staging_dir()
    if snapshot is not None:
        folder = root / snapshot
        missing = [t for t in ("entities", "positions") if not (folder / f"{t}.parquet").is_file()]
        if missing:
            raise BuildError(
                problem=f"snapshot {snapshot!r} is not staged: missing "
                + ", ".join(f"{m}.parquet" for m in missing),
                fix=f"run ingestion for it first (servir-pm ingest {snapshot})",
                file=folder,
            )
        return [snapshot]
    found = sorted(
        d.name for d in root.glob("*")
        if d.is_dir() and (d / "entities.parquet").is_file() and (d / "positions.parquet").is_file()
    )
    if not found:
        raise BuildError(
            problem="no staging snapshot found (expected <snapshot>/entities.parquet and positions.parquet)",
            fix="run ingestion first (servir-pm ingest) or set SERVIR_PM_DATA to the data folder",
            file=root,
        )
    return found


def build(
    snapshot: str | None = None,
    *,
    assumptions: Mapping[str, bool] | None = None,
    unit_tests: bool = False,
    export_marts: bool = True,
    exports: Sequence[str] | None = None,
    project_dir: Path | None = None,
    incremental: bool = False,
) -> BuildResult:
    """Build the warehouse from every staged snapshot; export one snapshot's marts (all if None).

    assumptions: e.g. {"A2": False} switches assumption A2 off for this build (default: all on).
    unit_tests: also run the dbt unit tests (logic tests of the rules; ~10 s more). They do not
    depend on the data, so `make test` runs them and a routine refresh can skip them.
    exports: export these snapshots instead (a refresh exports only what its change affects).
    project_dir: a copy of the dbt project to build instead of this one (tests edit seeds there).
    incremental: the warehouse is a copy of the published one, built by this code with the same
    settings (pipelines.refresh.kind decides), and staging holds only the batch to (re)build.
    Raises BuildError (file, problem, fix) on any failure; the previous marts stay in place.
    """
    snapshots = staged_snapshots(snapshot)
    # dbt always reads every staged snapshot: the history marts compare each snapshot with the
    # one before it, so building one snapshot alone would export it without its history.
    # `snapshot` only narrows what is exported. (An incremental build's staging holds its batch.)
    batch = staged_snapshots()
    dbt_vars: dict[str, object] = {"snapshot": "*"}
    for name, on in (assumptions or {}).items():
        if name.upper() not in ASSUMPTIONS:
            raise BuildError(problem=f"unknown assumption {name!r}",
                             fix=f"use one of {', '.join(ASSUMPTIONS)}")
        dbt_vars[f"assume_{name.lower()}"] = bool(on)
    built_stamp = stamp.Stamp(stamp.FULL, stamp.fingerprint(project_dir), stamp.settings_of(dbt_vars),
                              tuple(batch))
    if incremental:
        before = stamp.read(paths.warehouse_path())
        if before is None or not before.matches(built_stamp):
            raise BuildError(problem="an incremental build needs a warehouse built by this code with the same "
                             "settings", fix="build everything (servir-pm build)", file=paths.warehouse_path())
        built_stamp = built_stamp.after_batch(before)
        # Seeds are unchanged (the code fingerprint covers them) and already in the copy.
        command = ["build", "--exclude-resource-type", "seed"]
    else:
        command = ["build", "--full-refresh"]  # seeds are replaced, so an edited seed's new columns load
    stamp.write_batch(paths.warehouse_path(), batch)
    if not unit_tests:
        command += ["--exclude-resource-type", "unit_test"]
    target = paths.dbt_target_dir(project_dir)
    reused = rule_checks.passed_before(target, built_stamp.code_fingerprint, built_stamp.settings)
    if reused:
        command += ["--exclude", *reused]
    started = time.perf_counter()
    # `snapshot: "*"` is dbt_project.yml's own default: passed on the command line it only changes
    # the vars dbt's partial parsing compares, so every other dbt call (docs, unit tests, ad hoc)
    # made the next build parse the whole project again (~5 s), and the build did the same to them.
    cli_vars = {name: value for name, value in dbt_vars.items() if name != "snapshot"}
    result = run_dbt(command, dbt_vars=cli_vars, project_dir=project_dir, manifest_json=False)
    dbt_seconds = time.perf_counter() - started
    # What dbt read must be what the stamp and the rule-check record name: a seed edited while dbt
    # ran (servir-pm review --apply) would otherwise be published as the rules of before, and its
    # checks may have been left out.
    if stamp.fingerprint(project_dir) != built_stamp.code_fingerprint:
        raise BuildError(problem="the code or the rules (seeds) changed while the build ran",
                         fix="build again once the edit is done (nothing was exported)",
                         file=project_dir or paths.PROJECT_ROOT)
    stamp.write(paths.warehouse_path(), built_stamp)
    ran = rule_checks.seed_only_tests(getattr(result, "results", None) or [])
    if ran:
        rule_checks.remember(target, built_stamp.code_fingerprint, built_stamp.settings, [*reused, *ran])
    execution_seconds = float(getattr(result, "elapsed_time", 0.0) or 0.0)
    files: list[Path] = []
    started = time.perf_counter()
    if exports is not None:
        snapshots = list(exports)
    if export_marts:
        files = export.export_marts(snapshots)
    tests_passed = sum(1 for r in getattr(result, "results", None) or []
                       if getattr(getattr(r, "node", None), "resource_type", "") in ("test", "unit_test")
                       and str(r.status).lower() == "pass")
    return BuildResult(tuple(snapshots), tuple(files), dbt_seconds, execution_seconds,
                       time.perf_counter() - started, tests_passed, built_stamp.kind, len(reused))
