"""The entity sheet of the review workbook (pipelines.review.workbook): entities whose classification or
government level neither the input nor a confident name rule settles (mart_entities_to_review),
with Spanish headers and decision columns; decisions go to seeds/review/entity_review_decisions.csv
keyed by the normalized entity name, so they hold for every snapshot."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import polars as pl

from pipelines import paths
from pipelines.build import marts
from pipelines.errors import ContractError
from pipelines.review.vocabulary import spanish, vocabulary

ENTITY_SHEET = "Entidades por revisar"
DECISIONS_PATH = paths.PROJECT_ROOT / "seeds" / "review" / "entity_review_decisions.csv"
CLASSIFICATIONS_PATH = paths.PROJECT_ROOT / "seeds" / "rules" / "entity_classifications.csv"
DECISION_COLUMNS = ("entity_id", "entity_name_key", "entity_classification", "government_level",
                    "decided_by", "decided_on", "note")
SHOWN = {
    "clave_nombre": "entity_name_key",
    "codigo_entidad": "entity_id",
    "entidad": "entity_name",
    "poder": "branch",
    "sector": "sector",
    "nivel_gobierno": "government_level",
    "sugerencia_clasificacion": "suggestion",
    "confianza": "confidence",
    "por_que": "why",
    "candidatas": "candidates",
    "puestos": "positions",
}
ANSWERS = ("decision_clasificacion", "decision_nivel_gobierno", "decidido_por", "nota")


def classifications() -> dict[str, str]:
    """Spanish label (lower case) or canonical value -> canonical classification."""
    with CLASSIFICATIONS_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {**{r["label_es"].strip().lower(): r["entity_classification"] for r in rows},
            **{r["entity_classification"]: r["entity_classification"] for r in rows}}


def entity_frame(snapshot: str | None) -> pl.DataFrame | None:
    try:
        frame = marts.load("entities_to_review", snapshot)
    except FileNotFoundError:
        return None
    present = {h: c for h, c in SHOWN.items() if c in frame.columns}
    return frame.sort(["positions", "entity_name"], descending=[True, False]).select(
        [pl.col(c).alias(h) for h, c in present.items()]).with_columns(
        *[pl.lit(None, dtype=pl.Utf8).alias(a) for a in ANSWERS])


def write_sheet(workbook, frame: pl.DataFrame) -> None:  # type: ignore[no-untyped-def]
    frame.write_excel(workbook=workbook, worksheet=ENTITY_SHEET, autofit=True, freeze_panes=(1, 3))
    sheet = workbook.get_worksheet_by_name(ENTITY_SHEET)
    first = frame.columns.index(ANSWERS[0])
    last = max(frame.height, 1)
    with CLASSIFICATIONS_PATH.open(encoding="utf-8", newline="") as handle:
        labels = [r["label_es"] for r in csv.DictReader(handle)]
    # Excel caps an inline list at 255 characters: the classifications live in a hidden sheet.
    lists = workbook.add_worksheet("Listas")
    lists.write_column(0, 0, labels)
    lists.hide()
    sheet.data_validation(1, first, last, first, {"validate": "list", "source": f"=Listas!$A$1:$A${len(labels)}",
                                                  "ignore_blank": True})
    levels = list(dict.fromkeys(spanish("government_level").values()))
    sheet.data_validation(1, first + 1, last, first + 1, {"validate": "list", "source": levels, "ignore_blank": True})


def read_decisions(path: Path) -> pl.DataFrame:
    """Decided rows of the entity sheet as rows of entity_review_decisions.csv (none if no sheet)."""
    try:
        sheet = pl.read_excel(path, sheet_name=ENTITY_SHEET, infer_schema_length=0)
    except Exception:  # no entity sheet in this workbook: nothing to apply
        return pl.DataFrame(schema=dict.fromkeys(DECISION_COLUMNS, pl.Utf8))
    if "decision_clasificacion" not in sheet.columns:
        return pl.DataFrame(schema=dict.fromkeys(DECISION_COLUMNS, pl.Utf8))
    answered = sheet.with_row_index("excel_row", offset=2).filter(
        (pl.col("decision_clasificacion").fill_null("").str.strip_chars() != "")
        | (pl.col("decision_nivel_gobierno").fill_null("").str.strip_chars() != ""))
    rows = answered.select(
        "excel_row",
        pl.col("clave_nombre").fill_null("").alias("entity_name_key"),
        pl.col("decision_clasificacion").fill_null("").str.strip_chars().alias("class_written"),
        pl.col("decision_nivel_gobierno").fill_null("").str.strip_chars().alias("level_written"),
        pl.col("decidido_por").fill_null("").alias("decided_by"),
        pl.col("nota").fill_null("").alias("note"),
    ).with_columns(
        pl.col("class_written").str.to_lowercase().replace_strict(classifications(), default=None)
        .alias("entity_classification"),
        pl.col("level_written").str.to_lowercase().replace_strict(vocabulary("government_level"), default=None)
        .alias("government_level"),
    )
    bad = rows.filter((pl.col("entity_name_key") == "")
                      | ((pl.col("class_written") != "") & pl.col("entity_classification").is_null())
                      | ((pl.col("level_written") != "") & pl.col("government_level").is_null()))
    if bad.height:
        first = bad.row(0, named=True)
        raise ContractError(
            f"{bad.height} decided entity row(s) cannot be used; first at Excel row {first['excel_row']} of "
            f"{ENTITY_SHEET!r}: classification {first['class_written']!r}, level {first['level_written']!r}",
            "choose the classification and the government level from the sheet's lists", path)
    return rows.select(
        pl.lit("").alias("entity_id"), "entity_name_key",
        pl.col("entity_classification").fill_null(""), pl.col("government_level").fill_null(""),
        "decided_by", pl.lit(date.today().isoformat()).alias("decided_on"), "note")


def apply(path: Path, decisions_path: Path = DECISIONS_PATH) -> tuple[int, int]:
    """Merge the sheet's decisions (keyed by entity_name_key); returns (new or changed, total)."""
    new = read_decisions(path).cast(pl.Utf8)
    old = pl.read_csv(decisions_path, infer_schema=False)
    same = [c for c in DECISION_COLUMNS if c != "decided_on"]
    new = new.join(old.select(same).fill_null(""), on=same, how="anti", nulls_equal=True)
    merged = pl.concat([old.filter(~pl.col("entity_name_key").is_in(new["entity_name_key"].implode())), new],
                       how="vertical_relaxed").sort("entity_name_key")
    if new.height:
        merged.write_csv(decisions_path)
    return new.height, merged.height
