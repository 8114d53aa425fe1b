"""Write canonical values the way a SERVIR analyst's spreadsheet would: Spanish headers, Spanish
spellings that exist in `seeds/contract/value_aliases.csv`, and the small inconsistencies real
registries have (capitals, missing accents, 'Jefe de Oficina' without the article)."""

from __future__ import annotations

import numpy as np
import polars as pl

DATA_ORIGIN = "synthetic_sample"

ENTITY_HEADERS = {
    "entity_id": "codigo_entidad", "entity_name": "entidad", "government_level": "nivel_gobierno",
    "entity_classification": "tipo_entidad", "sector": "sector", "parent_entity_id": "entidad_padre",
    "is_type_b": "tipo_b", "tpm_annex_09": "anexo_09", "total_positions": "total_puestos",
    "budget_pia": "pia", "department": "departamento", "data_origin": "origen_datos",
}
POSITION_HEADERS = {
    "position_id": "codigo_puesto", "entity_id": "codigo_entidad", "position_title": "cargo",
    "unit_name": "unidad_organica", "organizational_level": "nivel_organizacional",
    "body_type": "tipo_organo", "appointment_type": "condicion", "labor_regime": "regimen_laboral",
    "monthly_pay": "remuneracion", "reports_to": "reporta_a", "function_type": "tipo_funcion",
    "direct_reports": "subordinados_directos", "indirect_reports": "subordinados_indirectos",
    "occupant_id": "dni", "sex": "sexo", "start_date": "fecha_inicio", "data_origin": "origen_datos",
}

GOVERNMENT_LEVEL = {"national": "E", "regional": "R"}
ENTITY_CLASSIFICATION = {
    "ministry": "Ministerio", "public_executing_agency": "Organismo Público Ejecutor",
    "specialized_technical_agency": "Organismo Técnico Especializado",
    "regulatory_agency": "Organismo Regulador",
    "administrative_system_body": "Ente Rector de Sistema Administrativo",
    "constitutionally_autonomous_agency": "Organismo Constitucionalmente Autónomo",
    "judicial_branch": "Poder Judicial", "social_security_fund": "Seguro Social de Salud",
    "regional_government_hq": "Gobierno Regional (sede)",
    "metropolitan_municipality_lima": "Municipalidad Metropolitana de Lima",
    "regional_public_agency": "Organismo Público Regional", "program": "Programa",
    "special_project": "Proyecto Especial", "decentralized_body": "Órgano Desconcentrado",
    "public_university": "Universidad Pública", "central_reserve_bank": "Banco Central de Reserva",
}
BODY_TYPE = {
    "senior_management": "Alta Dirección", "line": "Órgano de línea", "consultative": "Órgano consultivo",
    "decentralized": "Órgano desconcentrado", "support": "Órgano de apoyo",
    "advisory": "Órgano de asesoramiento", "institutional_control": "Órgano de Control Institucional",
    "judicial_defense": "Procuraduría Pública",
}
REPORTS_TO = {"public_officer": "Funcionario", "public_manager": "Directivo"}
FUNCTION_TYPE = {"substantive": "Sustantiva", "internal_administration": "Administración interna"}
BOOL = {True: "Sí", False: "No"}
# (spelling, probability) per canonical value; every spelling is an exact alias in value_aliases.csv.
APPOINTMENT = {
    "appointed": (("Confianza", 0.6), ("Designado", 0.3), ("De confianza", 0.1)),
    "merit": (("Concurso público", 0.8), ("Concurso", 0.2)),
    "interim": (("Encargado", 0.8), ("Encargatura", 0.2)),
    "vacant": (("Vacante", 1.0),),
}
REGIME = {
    "dl276": (("D.L. 276", 0.7), ("D.Leg. 276", 0.2), ("276", 0.1)),
    "dl728": (("DL 728", 0.8), ("728", 0.2)),
    "cas": (("CAS", 0.75), ("D.Leg. 1057", 0.25)),
    "pmc": (("Gerente Público", 0.8), ("D.Leg. 1024", 0.2)),
    "law30057": (("Ley 30057", 1.0),),
    "special_career": (("Carrera especial", 1.0),),
}
MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "set", "oct", "nov", "dic")
_ACCENTS = dict(zip("áéíóúÁÉÍÓÚ", "aeiouAEIOU", strict=True))


def _spell(values: pl.Series, table: dict[str, tuple[tuple[str, float], ...]], u: np.ndarray) -> pl.Series:
    """Pick one of several real-world spellings per row, vectorized."""
    vals = values.to_numpy()
    out = np.full(len(vals), "", dtype=object)
    for canonical, options in table.items():
        mask = vals == canonical
        cum = np.cumsum([p for _, p in options])
        which = np.minimum((u[:, None] > cum[None, :-1]).sum(1), len(options) - 1) if len(options) > 1 \
            else np.zeros(len(vals), dtype=np.int64)
        out = np.where(mask, np.array([s for s, _ in options], dtype=object)[which], out)
    return pl.Series(values.name, out, dtype=pl.Utf8)


def strip_accents(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_many(list(_ACCENTS), list(_ACCENTS.values()))


def styled_text(expr: pl.Expr, style: pl.Expr, noise: pl.Expr) -> pl.Expr:
    """Entity house style (0 as written, 1 UPPER CASE, 2 no accents, 3 upper without accents)
    plus a little row noise: some clerks drop accents whatever the house style."""
    text = pl.when(noise < 0.04).then(strip_accents(expr)).otherwise(expr)
    return (pl.when(style == 1).then(text.str.to_uppercase())
            .when(style == 2).then(strip_accents(text))
            .when(style == 3).then(strip_accents(text).str.to_uppercase())
            .otherwise(text))


def entities_table(ent: pl.DataFrame) -> pl.DataFrame:
    return ent.select(
        codigo_entidad=pl.col("registry_id"),
        entidad=pl.col("entity_name"),
        nivel_gobierno=pl.col("government_level").replace_strict(GOVERNMENT_LEVEL),
        tipo_entidad=pl.col("entity_classification").replace_strict(ENTITY_CLASSIFICATION),
        sector=pl.col("sector"),
        entidad_padre=pl.when(pl.col("is_type_b")).then(pl.col("parent_registry_id")).otherwise(pl.lit("")),
        tipo_b=pl.col("is_type_b").replace_strict(BOOL, return_dtype=pl.Utf8),
        anexo_09=pl.col("tpm_annex_09").replace_strict(BOOL, return_dtype=pl.Utf8),
        total_puestos=pl.col("total_positions").cast(pl.Utf8),
        pia=pl.col("budget_pia").map_batches(lambda s: s.round(2).cast(pl.Utf8), return_dtype=pl.Utf8)
        .fill_null(""),
        departamento=pl.col("department"),
        origen_datos=pl.lit(DATA_ORIGIN),
    ).with_columns(pia=pl.when(pl.col("pia") == "").then(pl.lit(""))
                   .otherwise(pl.format("{}", pl.col("pia")).str.replace(r"\.(\d)$", ".${1}0")
                              .str.replace(r"^(\d+)$", "${1}.00")))


def positions_table(rows: pl.DataFrame, entity_ids: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    n = rows.height
    u = rng.random((n, 6))
    pay = rows["monthly_pay"].cast(pl.Int64)
    fmt_pay = pl.when(pl.lit(pl.Series(u[:, 2])) < 0.1).then(
        pl.format("S/ {},{}.00", pay // 1000, (pay % 1000).cast(pl.Utf8).str.zfill(3))
    ).otherwise(pl.format("{}.00", pay))
    date = pl.col("start_date")
    fmt_date = (pl.when(date.is_null()).then(pl.lit(""))
                .when(pl.lit(pl.Series(u[:, 3])) < 0.15).then(date.dt.strftime("%d/%m/%Y"))
                .when(pl.lit(pl.Series(u[:, 3])) < 0.20).then(pl.format(
                    "{} {} {}", date.dt.strftime("%d"),
                    date.dt.month().replace_strict(dict(enumerate(MONTHS, start=1)), return_dtype=pl.Utf8),
                    date.dt.year()))
                .otherwise(date.dt.strftime("%Y-%m-%d")))
    # The article drops in some registries: "Jefe de Oficina de Logística".
    title = pl.col("position_title")
    title = pl.when(pl.lit(pl.Series(u[:, 4])) < 0.15).then(
        title.str.replace(r"^(Jef[ea]) de la ", "${1} de ")).otherwise(title)
    noise = pl.lit(pl.Series(u[:, 5]))
    return rows.select(
        codigo_puesto=pl.format("{}-{}", pl.lit(pl.Series(entity_ids[rows["e"].to_numpy()])),
                                pl.col("position_seq").cast(pl.Utf8).str.zfill(6)),
        codigo_entidad=pl.lit(pl.Series(entity_ids[rows["e"].to_numpy()])),
        cargo=styled_text(title, pl.col("style"), noise),
        unidad_organica=styled_text(pl.col("unit_name"), pl.col("style"), noise),
        nivel_organizacional=pl.col("organizational_level").cast(pl.Utf8),
        tipo_organo=pl.col("body_type").replace_strict(BODY_TYPE),
        condicion=_spell(rows["appointment_type"], APPOINTMENT, u[:, 0]),
        regimen_laboral=_spell(rows["labor_regime"], REGIME, u[:, 1]),
        remuneracion=fmt_pay,
        reporta_a=pl.col("reports_to").replace_strict(REPORTS_TO),
        tipo_funcion=pl.col("function_type").replace_strict(FUNCTION_TYPE),
        subordinados_directos=pl.col("direct_reports").cast(pl.Utf8),
        subordinados_indirectos=pl.col("indirect_reports").cast(pl.Utf8),
        dni=pl.col("occupant_id"),
        sexo=pl.col("sex"),
        fecha_inicio=fmt_date,
        origen_datos=pl.lit(DATA_ORIGIN),
    )
