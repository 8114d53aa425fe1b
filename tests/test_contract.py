from pipelines.ingest import contract


def test_fold_ignores_case_accents_spaces_and_punctuation() -> None:
    assert contract.fold("Nivel  Organizacional") == "nivelorganizacional"
    assert contract.fold("Órgano de Línea") == "organodelinea"
    assert contract.fold("D.Leg. 1057") == "dleg1057"


def test_spanish_headers_map_to_contract_columns() -> None:
    aliases = contract.header_aliases("positions")
    assert aliases[contract.fold("VC_PERSONAL_CARGO")] == "position_title"
    assert aliases[contract.fold("Régimen Laboral")] == "labor_regime"
    assert aliases[contract.fold("DNI")] == "occupant_id"


def test_every_alias_points_at_a_contract_column() -> None:
    for table in contract.TABLES:
        names = {c.name for c in contract.COLUMNS[table]}
        assert set(contract.header_aliases(table).values()) <= names


def test_staging_schema_never_holds_names_or_raw_ids() -> None:
    cols = contract.staging_columns("positions")
    assert "occupant_name" not in cols and "occupant_id" not in cols
    assert cols["occupant_key"] == "Utf8"
