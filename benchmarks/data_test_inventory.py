"""List every data check of a dbt manifest as (model, column, check, arguments, where) lines.

A generic test that checks several columns or expressions at once (tests/generic/
not_null_columns.sql, accepted_values_columns.sql, expressions_are_true.sql) is listed as the
one-column or one-expression checks it stands for, so two manifests can be compared check by check
whatever tests carry them: `python -m benchmarks.data_test_inventory target/manifest.json`, once
per version, then `diff` the two outputs (issue 16: fewer test nodes, the same checks).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# A multi-column test -> the one-column test each of its items is.
_PER_COLUMN = {"not_null_columns": "not_null", "accepted_values_columns": "accepted_values"}


def _arguments(check: str, kwargs: dict[str, Any]) -> str:
    args = {k: v for k, v in kwargs.items() if k not in ("model", "column_name")}
    if check == "accepted_values":
        args.setdefault("quote", True)
    return json.dumps(args, sort_keys=True)


def checks(manifest: dict[str, Any]) -> Iterator[tuple[str, str, str, str, str]]:
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        meta = node.get("test_metadata") or {}
        name = meta.get("name") or "singular:" + node["name"]
        kwargs = meta.get("kwargs") or {}
        model = (node.get("attached_node") or "-").split(".")[-1]
        where = node["config"].get("where") or ""
        if name == "expressions_are_true":
            for expression in kwargs["expressions"]:
                yield model, "", "expression_is_true", _arguments(name, {"expression": expression}), where
        elif name in _PER_COLUMN:
            for item in kwargs["columns"]:
                column = item if isinstance(item, str) else item["column"]
                detail = {} if isinstance(item, str) else {k: v for k, v in item.items() if k != "column"}
                yield model, column, _PER_COLUMN[name], _arguments(_PER_COLUMN[name], detail), where
        else:
            column = kwargs.get("column_name") or node.get("column_name") or ""
            yield model, column, name, _arguments(name, kwargs), where


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m benchmarks.data_test_inventory <target/manifest.json>", file=sys.stderr)
        return 2
    manifest = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    for line in sorted(checks(manifest)):
        print("\t".join(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
