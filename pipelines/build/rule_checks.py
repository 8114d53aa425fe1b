"""The rule checks a build may leave out: data tests that read seeds only (the rules), already
passed by an earlier build of the very same code and settings.

What such a test answers depends on nothing but the seed files, their YAML, the test's SQL and the
dbt settings: the code fingerprint (pipelines.refresh.plan.code_fingerprint, which covers all of
them) and the settings decide it. Running them again costs every build dbt's own per-node Python
(~40-80 ms each, 47 of them) and, worse, at the start of the build: the classification waits for
every check of the seeds it reads, while the positions are already staged. Measured at scale 127
in paired full builds: ~4 s of a ~41-45 s build.

A build that passes writes, in dbt's target folder (beside dbt's own partial-parsing cache), the
fingerprint, the settings and the names of the seed-only tests it ran. The next build with the same
fingerprint and settings excludes those tests; any change to a seed (an analyst's review decision
included), a test or the code runs them all again. An incremental build relies on the same record
(its warehouse was made by the same code, whose checks passed).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

RECORD_FILE = "rule_checks_passed.json"
SEED_PREFIX = "seed."
TEST_RESOURCE_TYPES = ("test",)


def seed_only_tests(results: Iterable[Any]) -> list[str]:
    """Names of the passed data tests of a dbt result whose every parent is a seed."""
    names = []
    for result in results:
        node = getattr(result, "node", None)
        parents = list(getattr(getattr(node, "depends_on", None), "nodes", None) or [])
        if (str(getattr(node, "resource_type", "")) in TEST_RESOURCE_TYPES
                and parents and all(parent.startswith(SEED_PREFIX) for parent in parents)
                and str(result.status).lower() == "pass"):
            names.append(node.name)
    return sorted(names)


def passed_before(target: Path, fingerprint: str, settings: str) -> list[str]:
    """The seed-only tests a build of this fingerprint and settings passed (none if no such build)."""
    try:
        record = json.loads((target / RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(record, dict) or (record.get("fingerprint"), record.get("settings")) != (fingerprint, settings):
        return []
    tests = record.get("tests")
    return [name for name in tests if isinstance(name, str)] if isinstance(tests, list) else []


def remember(target: Path, fingerprint: str, settings: str, tests: Sequence[str]) -> None:
    """Record the seed-only tests this (passed) build ran; a build that reused a record keeps it."""
    target.mkdir(parents=True, exist_ok=True)
    record = {"fingerprint": fingerprint, "settings": settings, "tests": sorted(tests)}
    temporary = target / f".{RECORD_FILE}.tmp"
    temporary.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    temporary.replace(target / RECORD_FILE)

