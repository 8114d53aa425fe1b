"""Value normalization, with expected values written out by hand from the data contract."""

from datetime import date

import polars as pl
import pytest

from pipelines.ingest.normalize import date_expr, enum_expr, int_expr, map_headers, money_expr


def _apply(expr_fn, values: list[str | None]) -> list:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Utf8})
    return frame.select(expr_fn(pl.col("v"))).to_series().to_list()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S/ 12,345.67", 12345.67),
        ("S/. 12,345.67", 12345.67),
        ("12.345,67", 12345.67),
        ("12345.67", 12345.67),
        ("12345,67", 12345.67),
        ("1.234", 1234.0),  # dots as thousands separators: soles do not have three decimals
        ("1,234", 1234.0),
        ("S/ 8 500,00", 8500.0),
        ("-50", -50.0),  # parsed; the range check quarantines it
        ("abc", None),
        ("12,34,5", None),
        (None, None),
    ],
)
def test_money_formats(text: str | None, expected: float | None) -> None:
    assert _apply(money_expr, [text]) == [pytest.approx(expected) if expected is not None else None]


@pytest.mark.parametrize(
    "text", ["24 jun 2023", "24/06/2023", "2023-06-24", "24-06-2023", "24 de junio de 2023", "24 JUN 2023",
             "2023-06-24 00:00:00", "45101"],  # 45101 = Excel serial for 2023-06-24
)
def test_dates_in_every_accepted_form(text: str) -> None:
    assert _apply(date_expr, [text]) == [date(2023, 6, 24)]


def test_impossible_and_unreadable_dates_are_empty() -> None:
    assert _apply(date_expr, ["31/02/2020", "ayer", "2023-13-01"]) == [None, None, None]


def test_september_is_spelled_both_ways_in_peru() -> None:
    assert _apply(date_expr, ["3 set 2019", "3 sep 2019"]) == [date(2019, 9, 3)] * 2


@pytest.mark.parametrize(
    ("text", "expected"), [("3", 3), ("3.0", 3), ("Nivel 3", 3), ("3er nivel", 3), ("-1", -1), ("1.5", None),
                           ("tres", None)],
)
def test_integers(text: str, expected: int | None) -> None:
    assert _apply(int_expr, [text]) == [expected]


@pytest.mark.parametrize(
    ("domain", "text", "expected"),
    [
        ("government_level", "E", "national"),
        ("government_level", "R", "regional"),
        ("government_level", "M", "local"),
        ("government_level", "GOBIERNO NACIONAL", "national"),
        ("body_type", "ORGANO DE LÍNEA", "line"),
        ("body_type", "Órgano Desconcentrado (sede)", "decentralized"),
        ("body_type", "Órgano de Control Institucional", "institutional_control"),
        ("body_type", "Procuraduría Pública", "judicial_defense"),
        ("appointment_type", "Designado - Confianza", "appointed"),
        ("appointment_type", "Concurso Público de Méritos", "merit"),
        ("appointment_type", "Encargada", "interim"),
        ("labor_regime", "D.L. 276", "dl276"),
        ("labor_regime", "DL 728", "dl728"),
        ("labor_regime", "D.Leg. N° 1057", "cas"),
        ("labor_regime", "Ley 30057", "law30057"),
        ("labor_regime", "Gerente Público", "pmc"),
        ("entity_classification", "Organismo Técnico Especializado", "specialized_technical_agency"),
        ("entity_classification", "Municipalidad Metropolitana de Lima", "metropolitan_municipality_lima"),
        ("sex", "Mujer", "F"),
    ],
)
def test_spanish_spellings_map_to_contract_values(domain: str, text: str, expected: str) -> None:
    frame = pl.DataFrame({"v": [text]})
    assert frame.select(enum_expr(pl.col("v"), frame["v"], domain)).item() == expected


def test_unknown_spelling_is_kept_as_written_so_validation_can_show_it() -> None:
    frame = pl.DataFrame({"v": ["marciano"]})
    assert frame.select(enum_expr(pl.col("v"), frame["v"], "body_type")).item() == "marciano"


def test_headers_match_ignoring_case_accents_and_punctuation_and_names_are_dropped() -> None:
    mapping = map_headers(["Código Puesto", "CARGO", "Régimen-Laboral", "Apellidos y Nombres", "Nombres",
                           "codigo_entidad", "Color favorito"], "positions")
    assert mapping.recognized == {"Código Puesto": "position_id", "CARGO": "position_title",
                                  "Régimen-Laboral": "labor_regime", "codigo_entidad": "entity_id"}
    assert mapping.dropped_personal == ["Apellidos y Nombres", "Nombres"]
    assert mapping.ignored == ["Color favorito"]  # unknown columns are reported, never stored
    assert mapping.missing_required == []
