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


def test_pia_2014_is_its_own_optional_entity_column() -> None:
    """The valuation's budget range is set on the PIA of 2014 (seed 000 line 1880): a registry
    that carries it names it apart from the snapshot year's PIA (docs/DATA_CONTRACT.md)."""
    aliases = contract.header_aliases("entities")
    assert aliases[contract.header_key("PIA 2014")] == "budget_pia_2014"
    assert aliases[contract.header_key("Presupuesto PIA 2014")] == "budget_pia_2014"
    assert aliases[contract.header_key("PIA")] == "budget_pia"
    column = contract.column("entities", "budget_pia_2014")
    assert not column.required and column.kind == "decimal" and column.minimum == 0
    assert contract.staging_columns("entities")["budget_pia_2014"] == "Float64"
