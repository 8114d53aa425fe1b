"""Which files of a snapshot folder are inputs, and their content hashes.

Kept free of polars and duckdb so that `servir-pm refresh` can decide there is nothing to do
without importing either (the no-change path must stay well under two seconds).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines.ingest.contract import TABLES, fold

# Readable table formats (pipelines.ingest.readers reads them; kept here so discovery stays light).
SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")

# File names an analyst may use for each table (matched on the folded start of the name,
# so `positions_2025_part1.csv` and `Puestos Directivos.xlsx` both count).
TABLE_FILE_PREFIXES = {
    "entities": ("entities", "entidades", "entity"),
    "positions": ("positions", "puestos", "cargos", "position"),
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover_files(snapshot_dir: Path) -> dict[str, list[Path]]:
    """Input files of a snapshot folder by table; hidden files and Office lock files are skipped."""
    found: dict[str, list[Path]] = {t: [] for t in TABLES}
    for path in sorted(snapshot_dir.iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        stem = fold(path.stem)
        for table, prefixes in TABLE_FILE_PREFIXES.items():
            if stem.startswith(prefixes):
                found[table].append(path)
    return found


def unsupported_table_files(snapshot_dir: Path) -> list[Path]:
    """Files named like a table in a format ingestion cannot read (e.g. `puestos.xls`): a snapshot
    must not be ingested without them silently."""
    out = []
    for path in sorted(snapshot_dir.iterdir()):
        if (path.is_file() and not path.name.startswith((".", "~$")) and path.suffix.lower() not in SUPPORTED_SUFFIXES
                and path.suffix.lower() not in _NOT_TABLES and fold(path.stem).startswith(_ALL_PREFIXES)):
            out.append(path)
    return out


_ALL_PREFIXES = tuple(p for prefixes in TABLE_FILE_PREFIXES.values() for p in prefixes)
# Companions an analyst may keep beside the tables (notes, metadata): not tables.
_NOT_TABLES = (".json", ".md", ".pdf", ".docx", ".doc", ".zip", ".bak", ".sha256")


def hidden_folders(raw_root: Path) -> list[Path]:
    """Folders of data/raw whose name starts with a dot: never ingested (said, not silent)."""
    if not raw_root.is_dir():
        return []
    return sorted(p for p in raw_root.iterdir() if p.is_dir() and p.name.startswith("."))
