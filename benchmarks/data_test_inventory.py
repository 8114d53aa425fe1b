"""List every data check of a dbt manifest as (model, column, check, arguments, where) lines.

A generic test that checks several columns or expressions at once (tests/generic/model_checks.sql,
one node per model; formerly not_null_columns, accepted_values_columns and expressions_are_true) is
listed as the one-column or one-expression checks it stands for, so two manifests can be compared check by check
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
        if name == "model_checks":
            yield from _model_checks(model, kwargs, where)
        elif name == "expressions_are_true":
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


def _model_checks(model: str, kwargs: dict[str, Any], where: str) -> Iterator[tuple[str, str, str, str, str]]:
    """tests/generic/model_checks.sql's arguments as the one-check tests they mean."""
    for column in kwargs.get("not_null", []):
        yield model, column, "not_null", _arguments("not_null", {}), where
    for column in kwargs.get("unique", []):
        yield model, column, "unique", _arguments("unique", {}), where
    for columns in kwargs.get("unique_combinations", []):
        yield model, "", "unique_combination", _arguments("unique_combination", {"columns": columns}), where
    for item in kwargs.get("accepted_values", []):
        detail = {k: v for k, v in item.items() if k != "column"}
        yield model, item["column"], "accepted_values", _arguments("accepted_values", detail), where
    for item in kwargs.get("relationships", []):
        # a relationship's own `where` filters the model for that check, as a test's where config did
        detail = {"to": item["to"], "field": item["field"]}
        yield model, item["column"], "relationships", _arguments("relationships", detail), item.get("where", where)
    for item in kwargs.get("expressions", []):
        column, expression = ("", item) if isinstance(item, str) else (item["column"], item["expression"])
        yield model, column, "expression_is_true", _arguments("expression_is_true", {"expression": expression}), where


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
