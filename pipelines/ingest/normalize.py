"""Turn a file's text columns into the contract's typed columns, one expression per column.

Each typed column comes with an `__unparsed__<column>` companion holding the original text
wherever it could not be understood (non-numeric pay, unknown boolean, unreadable date), so
validation can quarantine the row, or warn, with the original value in hand.
"""

from __future__ import annotations

import csv
import difflib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from pipelines.errors import ContractError
from pipelines.ingest.contract import (
    COLUMNS,
    CONTRACT_SEEDS,
    Column,
    fold,
    header_aliases,
    header_key,
    header_spellings,
    value_aliases,
)
from pipelines.ingest.distinct import by_distinct
from pipelines.privacy.pseudonym import pseudonymize
from pipelines.privacy.salt import DEFAULT_SALT, SALT_ENV, salt  # noqa: F401 (re-exported)

UNPARSED = "__unparsed__"
ID_COLUMNS = {"entity_id", "position_id", "parent_entity_id"}
# Kinds whose parsing (regular expressions, value spellings) runs once per distinct value.
_PARSED_ONCE_PER_VALUE = ("enum", "bool", "int", "decimal", "date")


@dataclass
class HeaderMapping:
    """How each header of a file was understood."""

    recognized: dict[str, str] = field(default_factory=dict)  # original header -> canonical column
    how: dict[str, str] = field(default_factory=dict)  # original header -> "contract name" | "alias"
    ignored: list[str] = field(default_factory=list)  # headers the contract does not know (dropped)
    repeated: list[str] = field(default_factory=list)  # second header for an already-mapped column
    missing_required: list[str] = field(default_factory=list)
    dropped_personal: list[str] = field(default_factory=list)  # names: dropped on read, never stored
    # ignored header -> "<accepted spelling> (<column>)" it is close to: probably a typo
    suggestions: dict[str, str] = field(default_factory=dict)


# How close an unknown header must be to an accepted one to be suggested (difflib ratio).
SUGGESTION_CUTOFF = 0.8


def map_headers(headers: list[str], table: str) -> HeaderMapping:
    aliases = header_aliases(table)
    kinds = {c.name: c.kind for c in COLUMNS[table]}
    mapping = HeaderMapping()
    taken: set[str] = set()
    for header in headers:
        canonical = aliases.get(header_key(header)) if header_key(header) else None
        if canonical is None:
            mapping.ignored.append(header)
            close = difflib.get_close_matches(header_key(header), list(aliases), n=1, cutoff=SUGGESTION_CUTOFF)
            if close:
                mapping.suggestions[header] = f"{header_spellings(table)[close[0]]} ({aliases[close[0]]})"
        elif kinds[canonical] == "personal_name":
            mapping.dropped_personal.append(header)
        elif canonical in taken:
            mapping.repeated.append(header)
        else:
            taken.add(canonical)
            mapping.recognized[header] = canonical
            mapping.how[header] = "contract name" if header_key(header) == header_key(canonical) else "alias"
    mapping.missing_required = [c.name for c in COLUMNS[table] if c.required and c.name not in taken
                                and c.required_unless not in taken]
    return mapping


def require_columns(mapping: HeaderMapping, table: str, file: str) -> None:
    if not mapping.missing_required:
        return
    seen = ", ".join(f"{h} -> {c}" for h, c in mapping.recognized.items()) or "none"
    accepted = {c: _header_spellings(table, c) for c in mapping.missing_required}
    hints = "; ".join(f"{c} (accepted headers: {', '.join(names)})" for c, names in accepted.items())
    close = "".join(f" Header {h!r} is close to {s}: a typo?" for h, s in mapping.suggestions.items())
    raise ContractError(
        f"missing required {table} column(s): {', '.join(mapping.missing_required)}. "
        f"Columns recognized: {seen}.{close}",
        f"add a column for {hints}. Matching ignores case, accents, spaces, punctuation and the words "
        f"of seeds/contract/header_connectors.csv ('de', 'la', ...)", file)


def _header_spellings(table: str, column: str) -> list[str]:
    """Headers an analyst can copy into the file: the contract name and the seed's aliases as written
    (not their folded matching keys, which read like 'desccargoestructural')."""
    with (CONTRACT_SEEDS / "column_aliases.csv").open(encoding="utf-8", newline="") as handle:
        aliases = [r["alias"] for r in csv.DictReader(handle) if r["table"] in (table, "*") and r["column"] == column]
    return [column, *sorted(dict.fromkeys(aliases))]


def few_valued_headers(mapping: HeaderMapping, table: str) -> list[str]:
    """Headers whose values are parsed once per distinct value: few distinct values (categories,
    numbers, dates), so they are held as Categorical (`distinct.as_categories`)."""
    kinds = {c.name: c.kind for c in COLUMNS[table]}
    return [h for h, c in mapping.recognized.items() if kinds[c] in _PARSED_ONCE_PER_VALUE]


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    stripped = expr.str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """Vectorized twin of `contract.fold`."""
    return (expr.str.normalize("NFKD").str.replace_all(r"\p{M}", "")
            .str.to_lowercase().str.replace_all(r"[^0-9a-z]+", ""))


def _resolve(folded: str, domain: str) -> str | None:
    aliases = value_aliases(domain)
    if folded in aliases.exact:
        return aliases.exact[folded]
    return next((canon for fragment, canon in aliases.contains if fragment in folded), None)


def enum_expr(raw: pl.Expr, values: pl.Series, domain: str) -> pl.Expr:
    """Map spellings to canonical values; an unknown spelling is kept as written so the
    enum check fails on it and the quarantine shows what was there."""
    # Resolve each distinct spelling once (a handful), not each row.
    folded_values = values.drop_nulls().unique().to_list()
    mapping = {f: _resolve(f, domain) for f in (fold(v) for v in folded_values)}
    mapped = fold_expr(raw).replace_strict(
        {k: v for k, v in mapping.items() if v is not None}, default=None, return_dtype=pl.Utf8)
    return pl.coalesce(mapped, raw)


def money_expr(raw: pl.Expr) -> pl.Expr:
    """'S/ 12,345.67', '12.345,67', '12345.67', '1.2345e4' -> 12345.67; anything else -> null."""
    cleaned = raw.str.replace_all(r"(?i)s/\.?|pen|soles|\s", "")
    sign = pl.when(cleaned.str.starts_with("-")).then(-1.0).otherwise(1.0)
    body = cleaned.str.strip_prefix("-")
    number = (
        pl.when(body.str.contains(r"^\d{1,3}(,\d{3})+(\.\d+)?$")).then(body.str.replace_all(",", ""))
        # Dots as thousands separators: '12.345,67' and also '1.234' (a sol amount with three
        # decimals is not a thing; a thousands separator is).
        .when(body.str.contains(r"^\d{1,3}(\.\d{3})+(,\d+)?$"))
        .then(body.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(body.str.contains(r"^\d+([.,]\d+)?$")).then(body.str.replace(",", "."))
        .when(body.str.contains(r"^\d+(\.\d+)?[eE][+-]?\d+$")).then(body)
        .otherwise(None)
    )
    return number.cast(pl.Float64, strict=False) * sign


def int_expr(raw: pl.Expr) -> pl.Expr:
    """'3', '3.0', 'Nivel 3', '3er nivel', '-1' -> int; '1.5', 'tres' -> null."""
    digits = raw.str.extract(r"^[^\d\-]{0,20}?(-?\d{1,9})(?:\.0+)?[^\d.,]{0,20}$", 1)
    return digits.cast(pl.Int32, strict=False)


def _month_map() -> dict[str, str]:
    return value_aliases("month").exact


def _date_from(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    y, m, d = (part.cast(pl.Int32, strict=False) for part in (year, month, day))
    valid = m.is_between(1, 12) & d.is_between(1, 31) & y.is_between(1900, 2100)
    # pl.date raises on 31 February; build a string and parse it non-strictly instead.
    text = pl.format("{}-{}-{}", y, m.cast(pl.Utf8).str.zfill(2), d.cast(pl.Utf8).str.zfill(2))
    return pl.when(valid).then(text.str.strptime(pl.Date, "%Y-%m-%d", strict=False))


def date_expr(raw: pl.Expr) -> pl.Expr:
    """ISO, dd/mm/yyyy, dd-mm-yyyy, '24 jun 2023', '24 de junio de 2023', Excel serial -> Date."""
    text = raw.str.to_lowercase()
    iso = text.str.extract(r"^(\d{4}-\d{2}-\d{2})", 1).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    dmy_parts = text.str.extract_groups(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
    dmy = _date_from(dmy_parts.struct[2], dmy_parts.struct[1], dmy_parts.struct[0])
    named = text.str.extract_groups(r"^(\d{1,2})[\s\-/]+(?:de\s+)?([a-zñ]+)\.?[\s\-/]+(?:de[l]?\s+)?(\d{4})$")
    month = fold_expr(named.struct[1]).replace_strict(_month_map(), default=None, return_dtype=pl.Utf8)
    named_date = _date_from(named.struct[2], month, named.struct[0])
    serial = text.str.extract(r"^(\d{5})(?:\.\d+)?$", 1).cast(pl.Int32, strict=False)
    # Excel stores dates as days since 1899-12-30.
    excel = (pl.date(1899, 12, 30) + pl.duration(days=serial)).cast(pl.Date)
    return pl.coalesce(iso, dmy, named_date, excel)


_SPREADSHEET_NUMBER = r"^(\d+)\.0+$"


def _clean_id(raw: pl.Expr) -> pl.Expr:
    # Excel turns codes into numbers: '1.0' must match '1'. Leading zeros are kept as written.
    return raw.str.replace(_SPREADSHEET_NUMBER, "${1}")


def _kept_as_read(frame: pl.DataFrame, headers: dict[str, str]) -> set[str]:
    """Of these text columns (contract name -> header), those their cleaning would leave unchanged
    (no value with blanks around it, no code written as a spreadsheet number): taken as read, they
    share the file's text instead of holding a copy of it (about 220 MB for the five text columns
    of a national file)."""
    if not headers:
        return set()
    changed = frame.select(
        ((pl.col(h).str.strip_chars() != pl.col(h)).any()
         | (pl.col(h).str.contains(_SPREADSHEET_NUMBER).any() if name in ID_COLUMNS else pl.lit(False)))
        .alias(name) for name, h in headers.items()).row(0, named=True)
    return {name for name, change in changed.items() if not change}


def occupant_ids(frame: pl.DataFrame, mapping: HeaderMapping) -> pl.Series | None:
    """The file's occupant IDs, an empty one as no value (None when the file has no ID column)."""
    header = next((h for h, c in mapping.recognized.items() if c == "occupant_id"), None)
    return None if header is None else frame.select(_blank_to_null(pl.col(header)).alias("occupant_key")).to_series()


def normalize(frame: pl.DataFrame, mapping: HeaderMapping, table: str,
              keys: Future[pl.Series] | None = None) -> pl.DataFrame:
    """Typed contract columns (absent optional ones as nulls) plus `__unparsed__` companions.
    `keys`: `pseudonymize(occupant_ids(...))` already under way in another thread (else started here)."""
    source_of = {canonical: header for header, canonical in mapping.recognized.items()}
    if keys is None and (ids := occupant_ids(frame, mapping)) is not None:
        # The occupant keys (an HMAC per ID, a Python loop: pipelines.privacy.pseudonym) are computed
        # in a second thread while polars types the other columns; polars releases the GIL, so on two
        # cores both run at once instead of one after the other.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return normalize(frame, mapping, table, pool.submit(pseudonymize, ids))
    typed = _typed_columns(frame, source_of, table)
    return typed if keys is None else typed.with_columns(keys.result())


def _typed_columns(frame: pl.DataFrame, source_of: dict[str, str], table: str) -> pl.DataFrame:
    """The contract's columns, typed (occupant_key still the raw ID: `normalize` replaces it)."""
    exprs: list[pl.Expr | pl.Series] = []
    as_read = _kept_as_read(frame, {c.name: source_of[c.name] for c in COLUMNS[table]
                                    if c.kind == "text" and c.name in source_of})
    for col in COLUMNS[table]:
        if col.kind == "personal_name":
            continue
        header = source_of.get(col.name)
        if col.name in as_read:  # what _typed gives, without a copy of the text
            exprs.append(pl.when(pl.col(header) == "").then(None).otherwise(pl.col(header)).alias(col.name))
            continue
        if header and col.kind in _PARSED_ONCE_PER_VALUE:
            exprs.extend(by_distinct(frame, header, lambda values, c=col, h=header:
                                     _typed(c, _blank_to_null(pl.col(h)), values)))
            continue
        raw = _blank_to_null(pl.col(header)) if header else pl.lit(None, dtype=pl.Utf8)
        exprs.extend(_typed(col, raw, frame[header] if header else None))
    return frame.select(exprs)


def _typed(col: Column, raw: pl.Expr, values: pl.Series | None) -> list[pl.Expr]:
    name = col.name
    if col.kind == "text":
        return [(_clean_id(raw) if name in ID_COLUMNS else raw).alias(name)]
    if col.kind == "personal_id":
        return [raw.alias("occupant_key")]  # hashed right after; the raw ID never leaves this function
    if col.kind == "enum":
        if values is None:
            return [pl.lit(None, dtype=pl.Utf8).alias(name)]
        return [enum_expr(raw, values.str.strip_chars(), col.domain or name).alias(name)]
    if col.kind == "bool":
        if values is None:
            return [pl.lit(None, dtype=pl.Boolean).alias(name),
                    pl.lit(None, dtype=pl.Utf8).alias(UNPARSED + name)]
        mapped = enum_expr(raw, values.str.strip_chars(), "bool")
        typed = mapped.replace_strict({"true": True, "false": False}, default=None,
                                      return_dtype=pl.Boolean)
        return [typed.alias(name), pl.when(typed.is_null()).then(raw).alias(UNPARSED + name)]
    parse = {"int": int_expr, "decimal": money_expr, "date": date_expr}[col.kind]
    typed = parse(raw)
    return [typed.alias(name), pl.when(typed.is_null()).then(raw).alias(UNPARSED + name)]
