"""Publication parameters (seeds/publication/publication_parameters.csv): how exports are written.

Read without the data libraries; every value is a string in the seed and typed here.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.paths import PROJECT_ROOT

PARAMETERS_PATH = PROJECT_ROOT / "seeds" / "publication" / "publication_parameters.csv"


@dataclass(frozen=True)
class PublicationSettings:
    zero_is_small_cell: bool  # a count of 0 is blanked like 1..threshold-1
    float_significant_digits: int  # floats are rounded to this before any file is written
    workbook_created: dt.datetime  # creation date written into marts.xlsx
    parquet_compression: str
    parquet_compression_level: int
    parquet_row_group_size: int


@cache
def settings(path: Path = PARAMETERS_PATH) -> PublicationSettings:
    with path.open(encoding="utf-8", newline="") as handle:
        values = {row["parameter"]: row["value"].strip() for row in csv.DictReader(handle)}
    return PublicationSettings(
        zero_is_small_cell=values["zero_is_small_cell"].lower() == "true",
        float_significant_digits=int(values["float_significant_digits"]),
        workbook_created=dt.datetime.fromisoformat(values["workbook_created"]),
        parquet_compression=values["parquet_compression"],
        parquet_compression_level=int(values["parquet_compression_level"]),
        parquet_row_group_size=int(values["parquet_row_group_size"]),
    )
