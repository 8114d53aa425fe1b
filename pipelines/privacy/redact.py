"""One redaction step for everything a person or a scheduler reads: messages, run-log lines,
manifest fields, hook variables, `validate` reports.

Anything that looks like a personal document number is masked: a DNI (8 digits), a carné de
extranjería (9-12 digits), a RUC (11 digits), and a DNI that lost its leading zero (7 digits),
also when written as a float (`41234567.0`). A run of digits inside a word (a run id such as
`20261129T072319Z`, a hex hash) is left alone (the pattern uses word boundaries, not look-arounds,
so polars' Rust regex runs the same one). Counts and line numbers in our own messages are
printed with thousands separators (`1,234,567`), so they are never mistaken for IDs.

Names cannot be recognized by a pattern: they are kept out at the source instead (name columns
are dropped on read, parse errors never echo a row, misaligned rows are not echoed).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # light on purpose: errors, the run log and the refresh's no-change path import it
    import polars as pl

# 7 to 12 digits, optionally with a float's '.0', as a whole word (not inside a run id or a hash).
ID_PATTERN = r"\b\d{7,12}(?:\.0+)?\b"
_ID = re.compile(ID_PATTERN)
MASK = "[ID redacted]"


def redact(text: str) -> str:
    """`text` with every ID-like number masked."""
    return _ID.sub(MASK, text)


def redact_fields(record: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    """`record` with only the named free-text fields redacted (the rest are our own names:
    a snapshot folder may well be called `20250331`)."""
    return {k: redact_any(v) if k in fields else v for k, v in record.items()}


def redact_any(value: Any, keep: frozenset[str] = frozenset()) -> Any:
    """Redact every string inside dicts/lists (keys of `keep` are left as they are, e.g. hashes)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(k) if isinstance(k, str) else k: (v if k in keep else redact_any(v, keep))
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_any(v, keep) for v in value]
    return value


def redact_expr(expr: pl.Expr) -> pl.Expr:
    """Vectorized twin of `redact` for a text column."""
    return expr.str.replace_all(ID_PATTERN, MASK)
