"""The analysts' review loop for titles (issue 11) and entities (issue 12) inference cannot settle.

`write_workbook` turns `mart_positions_to_review` (and `mart_entities_to_review` when it exists)
into one XLSX with Spanish headers: one row per decision key (normalized title, normalized unit,
entity classification) with how many positions it covers, what the rules suggest and why, and
empty columns for the analyst's decision. `apply_workbook` reads the filled workbook back into
`seeds/review/position_review_decisions.csv`, which the next build reads (source = review).
Decisions are keyed by the normalized title, so they hold for every snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipelines import paths
from pipelines.build import marts
from pipelines.errors import ContractError
from pipelines.review import entities as review_entities
from pipelines.review.vocabulary import spanish, vocabulary

REVIEW_SEEDS = paths.PROJECT_ROOT / "seeds" / "review"
DECISIONS_PATH = REVIEW_SEEDS / "position_review_decisions.csv"
DECISION_COLUMNS = ("decision_id", "title_key", "unit_key", "entity_classification", "reading",
                    "organizational_level", "body_type", "decided_by", "decided_on", "note")
SHEET = "Puestos por revisar"

# Workbook column (Spanish header) <- mart column. The first three are the decision key.
SHOWN = {
    "titulo_normalizado": "title_key",
    "unidad_normalizada": "unit_key",
    "clasificacion_entidad": "entity_classification",
    "nivel_gobierno": "government_level",
    "ejemplo_cargo": "example_title",
    "ejemplo_unidad": "example_unit",
    "ejemplo_entidad": "example_entity",
    "puestos": "positions",
    "entidades": "entities",
    "sugerencia_lectura": "suggested_reading",
    "sugerencia_nivel": "suggested_level",
    "sugerencia_tipo_organo": "suggested_body_type",
    "contado_como": "counted_as",
    "regla": "inference_rule",
    "confianza": "inference_confidence",
    "por_que": "why",
}
ANSWERS = ("decision_lectura", "decision_nivel", "decision_tipo_organo", "decidido_por", "nota")


def review_frame(snapshot: str | None = None) -> pl.DataFrame:
    """The rows to review, Spanish headers, biggest first; suggestions in Spanish words."""
    try:
        frame = marts.load("positions_to_review", snapshot)
    except FileNotFoundError as error:
        raise ContractError(f"no list of positions to review ({error})",
                            "run `servir-pm refresh` (or `servir-pm build`) first, then `servir-pm review`",
                            paths.marts_dir(snapshot)) from None
    readings, bodies = spanish("reading"), spanish("body_type")
    shown = frame.sort(["positions", "title_key"], descending=[True, False]).select(
        [pl.col(source).alias(header) for header, source in SHOWN.items()])
    return shown.with_columns(
        pl.col("sugerencia_lectura").replace_strict(readings, default=pl.col("sugerencia_lectura")),
        pl.col("sugerencia_tipo_organo").replace_strict(bodies, default=pl.col("sugerencia_tipo_organo")),
        *[pl.lit(None, dtype=pl.Utf8).alias(a) for a in ANSWERS],
    )


def write_workbook(out: Path, snapshot: str | None = None) -> tuple[Path, int, int]:
    """Write the review workbook; returns (path, decision keys, positions they cover)."""
    import xlsxwriter

    frame = review_frame(snapshot)
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        _instructions(workbook)
        frame.write_excel(workbook=workbook, worksheet=SHEET, autofit=True, freeze_panes=(1, 3))
        sheet = workbook.get_worksheet_by_name(SHEET)
        last = max(frame.height, 1)
        first_answer = len(SHOWN)
        lists = {0: sorted(set(spanish("reading").values())), 2: sorted(set(spanish("body_type").values()))}
        for offset, values in lists.items():
            sheet.data_validation(1, first_answer + offset, last, first_answer + offset,
                                  {"validate": "list", "source": values, "ignore_blank": True})
        sheet.data_validation(1, first_answer + 1, last, first_answer + 1,
                              {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 6})
        entities = review_entities.entity_frame(snapshot)
        if entities is not None and entities.height:
            review_entities.write_sheet(workbook, entities)
    finally:
        workbook.close()
    return out, frame.height, int(frame["puestos"].sum() or 0)


def _instructions(workbook) -> None:  # type: ignore[no-untyped-def]
    sheet = workbook.add_worksheet("Instrucciones")
    lines = [
        "Puestos cuyo cargo no basta para clasificarlos con seguridad (SERVIR 2016, Tablas 5, 7/8 y 19).",
        "Cada fila agrupa los puestos con el mismo cargo normalizado, unidad y clasificación de entidad.",
        "Complete decision_lectura (puesto directivo / funcionario público / no es puesto directivo);",
        "para un puesto directivo, también decision_nivel (1 a 6) y decision_tipo_organo.",
        "Deje en blanco las filas que no decida. No cambie las tres primeras columnas (son la clave).",
        "Guarde el archivo y ejecute: servir-pm review --apply <este archivo>",
        "Las decisiones se guardan en seeds/review/position_review_decisions.csv y se aplican en la",
        "próxima actualización a todos los cortes (fuente = review). Los valores del registro prevalecen.",
    ]
    for row, text in enumerate(lines):
        sheet.write(row, 0, text)
    sheet.set_column(0, 0, 110)


@dataclass(frozen=True)
class Applied:
    added: int
    replaced: int
    total: int
    entities_decided: int = 0


def read_decisions(path: Path) -> pl.DataFrame:
    """The decided rows of a filled workbook, as rows of position_review_decisions.csv."""
    try:
        sheet = pl.read_excel(path, sheet_name=SHEET, infer_schema_length=0)
    except Exception as error:  # fastexcel raises its own types for a missing sheet or a bad file
        raise ContractError(f"cannot read the sheet {SHEET!r} of the review workbook ({error})",
                            "give the workbook written by `servir-pm review`, saved as .xlsx", path) from None
    missing = [c for c in (*list(SHOWN)[:3], *ANSWERS[:3]) if c not in sheet.columns]
    if missing:
        raise ContractError(f"the review sheet lacks column(s) {', '.join(missing)}",
                            "keep the columns of the workbook written by `servir-pm review`", path)
    readings, bodies = vocabulary("reading"), vocabulary("body_type")
    decided = sheet.with_row_index("excel_row", offset=2).filter(
        pl.col("decision_lectura").str.strip_chars().fill_null("") != "")
    rows = decided.select(
        "excel_row",
        pl.col("titulo_normalizado").fill_null("").alias("title_key"),
        pl.col("unidad_normalizada").fill_null("").alias("unit_key"),
        pl.col("clasificacion_entidad").fill_null("").alias("entity_classification"),
        pl.col("decision_lectura").str.strip_chars().str.to_lowercase()
        .replace_strict(readings, default=None).alias("reading"),
        pl.col("decision_lectura").alias("reading_written"),
        pl.col("decision_nivel").str.strip_chars().str.replace(r"\.0+$", "")
        .cast(pl.Int32, strict=False).alias("organizational_level"),
        pl.col("decision_tipo_organo").str.strip_chars().str.to_lowercase()
        .replace_strict(bodies, default=None).alias("body_type"),
        pl.col("decision_tipo_organo").alias("body_written"),
        pl.col("decidido_por").fill_null("").alias("decided_by"),
        pl.col("nota").fill_null("").alias("note"),
    )
    _check(rows, path)
    today = date.today().isoformat()
    return rows.select(
        # The key itself, readable: the same decision applied twice replaces itself.
        pl.concat_str("title_key", "unit_key", "entity_classification", separator="|").alias("decision_id"),
        "title_key", "unit_key", "entity_classification", "reading",
        pl.when(pl.col("reading") == "management").then(pl.col("organizational_level").cast(pl.Utf8))
        .otherwise(pl.lit("")).alias("organizational_level"),
        pl.when(pl.col("reading") == "management").then(pl.col("body_type")).otherwise(pl.lit("")).alias("body_type"),
        "decided_by", pl.lit(today).alias("decided_on"), "note",
    )


def _check(rows: pl.DataFrame, path: Path) -> None:
    """Every decided row must say something the build can use; name the Excel row otherwise."""
    problems = rows.filter(
        pl.col("reading").is_null()
        | ((pl.col("reading") == "management")
           & (pl.col("organizational_level").is_null() | ~pl.col("organizational_level").is_between(1, 6)
              | pl.col("body_type").is_null()))
        | (pl.col("title_key") == ""))
    if problems.height:
        first = problems.row(0, named=True)
        raise ContractError(
            f"{problems.height} decided row(s) cannot be used; first at Excel row {first['excel_row']}: "
            f"decision_lectura {first['reading_written']!r}, decision_nivel {first['organizational_level']!r}, "
            f"decision_tipo_organo {first['body_written']!r}",
            "decision_lectura must be one of the list; a 'puesto directivo' needs decision_nivel 1-6 and a "
            "decision_tipo_organo of the list", path)


def apply_workbook(path: Path, decisions_path: Path = DECISIONS_PATH,
                   entity_decisions_path: Path | None = review_entities.DECISIONS_PATH) -> Applied:
    """Merge the workbook's decisions into the decisions seed (a newer decision on a key replaces
    the older one; the same workbook applied twice changes nothing)."""
    new = read_decisions(Path(path)).select(DECISION_COLUMNS).cast(pl.Utf8)
    old = pl.read_csv(decisions_path, infer_schema=False) if decisions_path.stat().st_size else pl.DataFrame()
    old = old if old.width else pl.DataFrame(schema=dict.fromkeys(DECISION_COLUMNS, pl.Utf8))
    # A decision already recorded with the same answer keeps its original date.
    same = [c for c in DECISION_COLUMNS if c != "decided_on"]
    new = new.join(old.select(same).fill_null(""), on=same, how="anti", nulls_equal=True)
    replaced = old.filter(pl.col("decision_id").is_in(new["decision_id"].implode())).height
    merged = pl.concat([old.filter(~pl.col("decision_id").is_in(new["decision_id"].implode())), new],
                       how="vertical_relaxed")
    merged = merged.unique("decision_id", keep="last", maintain_order=True).sort("title_key", "decision_id")
    if new.height:
        merged.write_csv(decisions_path)
    entities = review_entities.apply(Path(path), entity_decisions_path) if entity_decisions_path else (0, 0)
    return Applied(added=new.height - replaced, replaced=replaced, total=merged.height, entities_decided=entities[0])
