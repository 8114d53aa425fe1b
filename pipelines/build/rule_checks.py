"""The rule checks a build may leave out: data tests that read seeds only (the rules), already
passed by an earlier build of the very same code, settings and tools.

What such a test answers depends on nothing but the seed files, their YAML, the test's SQL, the
project files that load them, the dbt settings and the versions of dbt and DuckDB: the code
fingerprint (pipelines.refresh.plan.code_fingerprint: seeds, their YAML, tests, macros,
dbt_project.yml), the settings and `tools()` cover all of them. Running them again costs every
build dbt's own per-node Python (~40-80 ms each, 47 of them) and, worse, at the start of the
build: the classification waits for every check of the seeds it reads, while the positions are
already staged. Measured at scale 127 in paired full builds: ~2.3 s of a ~36 s build.

A build that passes writes, in dbt's target folder (beside dbt's own partial-parsing cache), the
fingerprint, the settings, the tools and the seed-only tests it ran or left out. The next build
with the same fingerprint, settings and tools excludes those tests; any change to a seed (an
analyst's review decision included), a test, the code or a version runs them all again. An
incremental build relies on the same record (its warehouse was made by the same code). The record
is a cache: when it cannot be read or written, every check runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

RECORD_FILE = "rule_checks_passed.json"
SEED_PREFIX = "seed."
TEST_RESOURCE_TYPES = ("test",)


def tools() -> dict[str, str]:
    """The versions a seed check's answer could depend on (how dbt loads a seed, how DuckDB runs SQL):
    the packages the run manifest records (dbt-core, dbt-duckdb, duckdb among them) and Python's."""
    from pipelines.ingest.manifest import package_versions

    return package_versions()


def seed_only_tests(results: Iterable[Any]) -> list[str]:
    """Passed data tests of a dbt result whose every parent is a seed, as dbt selectors (fqn:...:
    a test's full name, never another node's)."""
    selectors = []
    for result in results:
        node = getattr(result, "node", None)
        parents = list(getattr(getattr(node, "depends_on", None), "nodes", None) or [])
        if (str(getattr(node, "resource_type", "")) in TEST_RESOURCE_TYPES
                and parents and all(parent.startswith(SEED_PREFIX) for parent in parents)
                and str(result.status).lower() == "pass"):
            selectors.append("fqn:" + ".".join(node.fqn))
    return sorted(selectors)


def passed_before(target: Path, fingerprint: str, settings: str) -> list[str]:
    """The seed-only tests (selectors) a build of this fingerprint, settings and tools passed."""
    try:
        record = json.loads((target / RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(record, dict) or [record.get(k) for k in ("fingerprint", "settings", "tools")] != [
            fingerprint, settings, tools()]:
        return []
    tests = record.get("tests")
    return [name for name in tests if isinstance(name, str)] if isinstance(tests, list) else []


def remember(target: Path, fingerprint: str, settings: str, tests: Sequence[str]) -> None:
    """Record the seed-only tests a passed build ran or left out. A cache: a failed write is ignored."""
    record = {"fingerprint": fingerprint, "settings": settings, "tools": tools(), "tests": sorted(set(tests))}
    temporary = target / f".{RECORD_FILE}.{os.getpid()}.tmp"
    try:
        target.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        temporary.replace(target / RECORD_FILE)
    except OSError:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
