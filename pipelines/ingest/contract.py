"""The input data contract (../shared/domain/DATA_CONTRACT.md) as data the code reads.

Column types and requiredness live here; the Spanish header aliases and the value spellings
live in `seeds/contract/*.csv` so an analyst can add a new spelling without touching code.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from pipelines.paths import PROJECT_ROOT

CONTRACT_SEEDS = PROJECT_ROOT / "seeds" / "contract"

TABLES = ("entities", "positions")
NAME_KEY = "entity_name_key"

# Pay above 10x a Minister's monthly pay (S/ 30,000 since D.S. 023-2014-EF) is absurd.
MAX_MONTHLY_PAY = 300_000.0
# Longer free text is a broken extract (a whole document pasted into a cell), not a title.
MAX_TEXT_LENGTH = 500


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | enum | int | decimal | bool | date | personal_id | personal_name
    required: bool = False
    domain: str | None = None  # enum domain in value_aliases.csv
    required_unless: str | None = None  # not required when this other column is present
    minimum: float | None = None
    maximum: float | None = None


ENTITY_COLUMNS: tuple[Column, ...] = (
    Column("entity_id", "text", required=True),
    Column("entity_name", "text", required=True),
    # Optional since issue 12: when absent they are inferred from the name and the branch
    # (int_entities_classified, seeds/inference), with a source and a confidence.
    Column("government_level", "enum", domain="government_level"),
    Column("entity_classification", "enum", domain="entity_classification"),
    Column("branch", "text"),  # Portal de Transparencia tipo_poder: a hint for inference, not a class
    Column("sector", "text"),
    Column("parent_entity_id", "text"),
    Column("is_type_b", "bool"),
    Column("tpm_annex_09", "bool"),
    Column("total_positions", "int", minimum=0),
    Column("budget_pia", "decimal", minimum=0),
    Column("budget_pia_2014", "decimal", minimum=0),  # budget range of the valuation (000:1880)
    Column("department", "text"),
    Column("data_origin", "text"),
)

POSITION_COLUMNS: tuple[Column, ...] = (
    Column("position_id", "text", required=True),
    # A file with the institution's name and no entity id is linked by name (pipelines.ingest.linking).
    Column("entity_id", "text", required=True, required_unless="entity_name"),
    Column("entity_name", "text"),
    Column("position_title", "text", required=True),
    Column("unit_name", "text"),
    Column("organizational_level", "int", minimum=1, maximum=6),
    Column("body_type", "enum", domain="body_type"),
    Column("appointment_type", "enum", domain="appointment_type"),
    Column("labor_regime", "enum", domain="labor_regime"),
    Column("monthly_pay", "decimal", minimum=0, maximum=MAX_MONTHLY_PAY),
    Column("reports_to", "enum", domain="reports_to"),
    Column("function_type", "enum", domain="function_type"),
    Column("direct_reports", "int", minimum=0),
    Column("indirect_reports", "int", minimum=0),
    Column("occupant_id", "personal_id"),
    Column("occupant_name", "personal_name"),
    Column("sex", "enum", domain="sex"),
    Column("start_date", "date"),
    Column("is_prioritized", "bool"),
    Column("data_origin", "text"),
)

COLUMNS: dict[str, tuple[Column, ...]] = {"entities": ENTITY_COLUMNS, "positions": POSITION_COLUMNS}

# Key columns: unique within a snapshot (duplicates after the first are quarantined).
KEYS = {"entities": "entity_id", "positions": "position_id"}


def column(table: str, name: str) -> Column:
    return next(c for c in COLUMNS[table] if c.name == name)


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Matching key: lower case, no accents, no spaces or punctuation ("Nivel  Org." -> "nivelorg")."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", ascii_only.lower())


def read_contract_seed(name: str) -> list[dict[str, str]]:
    with (CONTRACT_SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def header_connectors() -> frozenset[str]:
    """Words a header may carry that do not change its meaning ('Código de Puesto')."""
    return frozenset(fold(row["word"]) for row in read_contract_seed("header_connectors.csv"))


_WORD = re.compile(r"[0-9a-z]+")


def header_key(text: str) -> str:
    """Matching key of a header: `fold` without the connector words of
    seeds/contract/header_connectors.csv ("Nombre de la Entidad" -> "nombreentidad")."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    words = _WORD.findall(ascii_only)
    kept = [w for w in words if w not in header_connectors()]
    return "".join(kept or words)


@cache
def header_aliases(table: str) -> dict[str, str]:
    """header key -> canonical column, for one table. Canonical names match themselves."""
    aliases = {header_key(c.name): c.name for c in COLUMNS[table]}
    for row in read_contract_seed("column_aliases.csv"):
        if row["table"] in (table, "*"):
            aliases[header_key(row["alias"])] = row["column"]
    return aliases


@cache
def header_spellings(table: str) -> dict[str, str]:
    """header key -> the header as the contract writes it (contract name or seed alias), to show."""
    spellings = {header_key(c.name): c.name for c in COLUMNS[table]}
    for row in read_contract_seed("column_aliases.csv"):
        if row["table"] in (table, "*"):
            spellings.setdefault(header_key(row["alias"]), row["alias"])
    return spellings


@dataclass(frozen=True)
class ValueAliases:
    exact: dict[str, str]  # folded spelling -> canonical value
    contains: tuple[tuple[str, str], ...]  # (folded fragment, canonical value), first match wins
    canonical: frozenset[str]


@cache
def value_aliases(domain: str) -> ValueAliases:
    exact: dict[str, str] = {}
    contains: list[tuple[str, str]] = []
    canonical: set[str] = set()
    for row in read_contract_seed("value_aliases.csv"):
        if row["domain"] != domain:
            continue
        canonical.add(row["canonical"])
        exact.setdefault(fold(row["canonical"]), row["canonical"])
        if row["match"] == "contains":
            contains.append((fold(row["alias"]), row["canonical"]))
        else:
            exact[fold(row["alias"])] = row["canonical"]
    if not canonical:
        raise KeyError(f"no values for domain {domain!r} in {CONTRACT_SEEDS / 'value_aliases.csv'}")
    return ValueAliases(exact, tuple(contains), frozenset(canonical))


def allowed_values(domain: str) -> list[str]:
    return sorted(value_aliases(domain).canonical)


@dataclass(frozen=True)
class Reason:
    code: str
    text: str  # {column} is filled in
    fix: str


# Every reason a row can be quarantined for, in the order they are checked (the first one
# that applies is the row's reason_code; the reason text lists every problem found).
REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        # The row itself is broken (read as it was, never silently emptied or zeroed):
        Reason("nul_byte", "the row holds NUL bytes (binary data inside a text file)",
               "remove the NUL characters from that line, or export the file again"),
        Reason("too_few_fields", "the row has fewer fields than the header",
               "check that line: a field is missing, or a line break splits the row"),
        Reason("too_many_fields", "the row has more fields than the header",
               "check that line: a value holds the delimiter and must be quoted"),
        Reason("formula_without_value", "{column} is a formula whose computed value is not stored in the file",
               "open the workbook in Excel or LibreOffice and save it, so the values are stored"),
        Reason("unsupported_value", "{column} holds a list, struct or binary value, not one value",
               "write one text, number or date per cell"),
        Reason("missing_required", "required value {column} is empty", "fill {column} in the source file"),
        Reason("text_too_long", f"{{column}} is longer than {MAX_TEXT_LENGTH} characters",
               "check the extract: a cell holds a whole document"),
        Reason("invalid_enum", "{column} value is not a known spelling",
               "use one of the contract's values or add the spelling to seeds/contract/value_aliases.csv"),
        Reason("non_numeric", "{column} is not a number",
               "write numbers like 12345.67, 12,345.67 or 12.345,67"),
        Reason("out_of_range", "{column} is outside its allowed range", "correct the value in the source"),
        Reason("duplicate_key", "{column} repeats an earlier row (the first is kept)",
               "remove the duplicate or give the row its own id"),
        Reason("unknown_entity", "entity_id is not in this snapshot's entities file",
               "add the entity to the entities file or correct the entity_id"),
        Reason("entity_quarantined", "the position's entity is in the entities file but was quarantined",
               "fix the entity's row (see the entities quarantine file) and re-run"),
    )
}


# --- What ingestion writes: data/staging/<snapshot>/<table>.parquet ------------------------
# The interface dbt's staging models read. Personal names never get here; occupant IDs arrive
# only as `occupant_key`, a salted hash. `source_file`/`source_row` trace a row to its origin
# (source_row counts like a spreadsheet: the header is row N, the first data row N+1).
STAGING_TYPES = {
    "text": "Utf8",
    "enum": "Utf8",
    "int": "Int32",
    "decimal": "Float64",
    "bool": "Boolean",
    "date": "Date",
    "personal_id": "Utf8",
}


def staging_columns(table: str) -> dict[str, str]:
    """Ordered column -> polars dtype name of the staging Parquet for `table`."""
    out: dict[str, str] = {}
    for col in COLUMNS[table]:
        if col.kind == "personal_name":
            continue  # dropped on read, never stored
        name = "occupant_key" if col.kind == "personal_id" else col.name
        out[name] = STAGING_TYPES[col.kind]
    if "entity_name" in out:
        out[NAME_KEY] = "Utf8"  # pipelines.ingest.names: the normalized name inference and linking match on
    out["source_file"] = "Utf8"
    out["source_row"] = "Int64"
    return out
