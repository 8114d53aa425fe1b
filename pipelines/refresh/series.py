"""Which series a snapshot belongs to, read from the small metadata file beside its inputs.

A raw snapshot folder (`data/raw/<snapshot>/`) may hold `series.json`:

    {"series": "gobpe-directorio", "origin": "real", "source": "gob.pe ...", "description": "..."}

- `series`: snapshots are compared (history, trends, turnover) only with the previous snapshot
  of the same series; a folder without the file belongs to the series "default".
- `origin`: "real" or "synthetic". Only synthetic snapshots carry the synthetic banner and may be
  ingested with the default pseudonym key.
- `source`, `description`: free text shown in reports and `status`.

Light on purpose (json only): the refresh's no-change path reads it without polars or duckdb.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from pipelines.errors import ContractError

SERIES_FILE = "series.json"
DEFAULT_SERIES = "default"
ORIGINS = ("real", "synthetic")


@dataclass(frozen=True)
class SeriesInfo:
    series: str = DEFAULT_SERIES
    origin: str = "real"
    source: str = ""
    description: str = ""

    @property
    def is_synthetic(self) -> bool:
        return self.origin == "synthetic"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def read_series(snapshot_dir: Path) -> SeriesInfo:
    """The folder's series metadata; defaults (series "default", origin "real") when absent."""
    path = Path(snapshot_dir) / SERIES_FILE
    if not path.is_file():
        return SeriesInfo()
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ContractError(f"the series metadata file is not valid JSON ({error})",
                            'write it like {"series": "my-series", "origin": "real"}', path) from None
    if not isinstance(body, dict):
        raise ContractError("the series metadata file must hold one JSON object",
                            'write it like {"series": "my-series", "origin": "real"}', path)
    origin = str(body.get("origin", "real")).strip().lower()
    if origin not in ORIGINS:
        raise ContractError(f"origin {origin!r} is not one of {', '.join(ORIGINS)}",
                            'set "origin" to "real" or "synthetic"', path)
    series = str(body.get("series") or DEFAULT_SERIES).strip() or DEFAULT_SERIES
    return SeriesInfo(series=series, origin=origin, source=str(body.get("source", "")),
                      description=str(body.get("description", "")))


def write_series(snapshot_dir: Path, info: SeriesInfo) -> Path:
    path = Path(snapshot_dir) / SERIES_FILE
    path.write_text(json.dumps(info.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
