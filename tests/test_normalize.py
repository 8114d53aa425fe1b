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


# Text columns are taken as read when cleaning would change none of their values; these cases have
# one value to clean, or none, and the expected values are the contract's cleaning done by hand
# (blanks around a value removed, an empty text is no value, a code '12.0' is '12').
TEXT_CASES = {
    "nothing to clean": (["P1", "P2", "", None], ["P1", "P2", None, None]),
    "blanks around one value": (["P1", " P2\u00a0", "  ", None], ["P1", "P2", None, None]),
    "a code written as a number": (["P1", "12.0", "0012.00", ""], ["P1", "12", "0012", None]),
}


@pytest.mark.parametrize("case", TEXT_CASES)
def test_text_columns_are_cleaned_whether_or_not_any_value_needs_it(case: str) -> None:
    from pipelines.ingest.normalize import normalize

    values, expected = TEXT_CASES[case]
    frame = pl.DataFrame({"codigo_puesto": values, "codigo_entidad": ["E1"] * 4, "cargo": values},
                         schema={"codigo_puesto": pl.Utf8, "codigo_entidad": pl.Utf8, "cargo": pl.Utf8})
    typed = normalize(frame, map_headers(frame.columns, "positions"), "positions")
    assert typed["position_id"].to_list() == expected
    # A title is text, not a code: only blanks are cleaned from it.
    assert typed["position_title"].to_list() == [
        None if v is None or not v.strip() else v.strip() for v in values]
