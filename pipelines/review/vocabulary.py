"""The Spanish words of the review workbook and the contract values they mean
(seeds/review/review_vocabulary.csv), shared by the titles and the entities sheets."""

from __future__ import annotations

import csv

from pipelines.paths import PROJECT_ROOT

VOCABULARY_PATH = PROJECT_ROOT / "seeds" / "review" / "review_vocabulary.csv"


def vocabulary(domain: str) -> dict[str, str]:
    """Spanish word (and canonical value) -> canonical value, for one domain of the workbook."""
    with VOCABULARY_PATH.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["domain"] == domain]
    out = {r["spanish"].strip().lower(): r["canonical"] for r in rows}
    out.update({r["canonical"]: r["canonical"] for r in rows})
    return out


def spanish(domain: str) -> dict[str, str]:
    """canonical -> Spanish word shown in the workbook."""
    with VOCABULARY_PATH.open(encoding="utf-8", newline="") as handle:
        return {r["canonical"]: r["spanish"] for r in csv.DictReader(handle) if r["domain"] == domain}
