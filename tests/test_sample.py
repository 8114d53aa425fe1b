"""Embedded synthetic sample: determinism, calibration to SERVIR's published input marginals,
entity counts, pay bounds, contract spellings and labels. Every figure is recomputed from the
written CSVs with polars, independently of the generator's internals."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest import contract
from pipelines.sample import generate_sample
from pipelines.sample.reference import REFERENCE_DIR

TARGETS = {r["figure_id"]: r for r in csv.DictReader((REFERENCE_DIR / "calibration_targets.csv").open())}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate_sample(out)
    return out


@pytest.fixture(scope="module")
def entities(sample: Path) -> pl.DataFrame:
    return pl.read_csv(sample / "entities.csv", infer_schema=False)


@pytest.fixture(scope="module")
def positions(sample: Path, entities: pl.DataFrame) -> pl.DataFrame:
    pos = pl.read_csv(sample / "positions.csv", infer_schema=False)
    ent = entities.select("codigo_entidad", "nivel_gobierno", "tipo_entidad", "sector")
    return pos.join(ent, on="codigo_entidad", how="left").with_columns(
        level=pl.col("nivel_organizacional").cast(pl.Int64),
        pay=pl.col("remuneracion").str.replace_all(r"[S/ ,]", "").cast(pl.Float64),
    )


def check(figure_id: str, actual: float) -> None:
    """Compare with the published value using the tolerance recorded next to the target."""
    row = TARGETS[figure_id]
    target, tol = float(row["value"]), float(row["tolerance"])
    if row["tolerance_kind"] == "relative":
        assert abs(actual - target) <= tol * target, (figure_id, actual, target)
    elif row["tolerance_kind"] == "lower_bound":
        assert actual > target, (figure_id, actual, target)
    else:
        assert abs(actual - target) <= tol, (figure_id, actual, target)


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path, sample: Path) -> None:
    generate_sample(tmp_path / "again")
    generate_sample(tmp_path / "other", seed=7)
    for name in ("entities.csv", "positions.csv", "README.md"):
        assert (tmp_path / "again" / name).read_bytes() == (sample / name).read_bytes()
    assert (tmp_path / "other" / "positions.csv").read_bytes() != (sample / "positions.csv").read_bytes()


def test_entity_and_type_b_counts(entities: pl.DataFrame) -> None:
    counts = {(a, b): n for a, b, n in entities.group_by("nivel_gobierno", "tipo_b").len().iter_rows()}
    check("entities_processed_national", counts[("E", "No")])
    check("entities_processed_regional", counts[("R", "No")])
    check("units_processed_national", counts[("E", "Sí")])
    check("units_processed_regional", counts[("R", "Sí")])
    units = entities.filter(pl.col("tipo_b") == "Sí")
    assert units["entidad_padre"].null_count() == 0
    assert set(units["entidad_padre"]) <= set(entities.filter(pl.col("tipo_b") == "No")["codigo_entidad"])
    assert entities["codigo_entidad"].is_unique().all()


def test_position_totals_and_levels(positions: pl.DataFrame) -> None:
    nat = positions.filter(pl.col("nivel_gobierno") == "E")
    reg = positions.filter(pl.col("nivel_gobierno") == "R")
    check("mgmt_positions_national", nat.height)
    check("mgmt_positions_regional", reg.height)
    check("level4_positions_national", nat.filter(pl.col("level") == 4).height)
    check("level4_positions_regional", reg.filter(pl.col("level") == 4).height)
    check("senior_mgmt_non_ministry_national",
          nat.filter(pl.col("level") == 1, pl.col("tipo_entidad") != "Ministerio").height)
    check("share_levels_2_3", positions.filter(pl.col("level").is_in([2, 3])).height / positions.height)
    l2, l3 = nat.filter(pl.col("level") == 2).height, nat.filter(pl.col("level") == 3).height
    check("ratio_level3_to_level2_national", l3 / l2)
    assert positions["codigo_puesto"].is_unique().all()


def test_body_type_group_and_sector_shares(positions: pl.DataFrame) -> None:
    n = positions.height
    body = positions["tipo_organo"].map_elements(
        lambda v: contract.value_aliases("body_type").exact[contract.fold(v)], return_dtype=pl.Utf8)
    share = {b: (body == b).sum() / n for b in body.unique()}
    check("share_body_senior_management", share.get("senior_management", 0))
    check("share_body_line", share.get("line", 0) + share.get("consultative", 0))
    check("share_body_decentralized", share.get("decentralized", 0))
    support_group = ("support", "advisory", "institutional_control", "judicial_defense")
    check("share_body_support_advisory", sum(share.get(b, 0) for b in support_group))
    group = positions["tipo_entidad"].value_counts()
    by_group = {k: v / n for k, v in group.iter_rows()}
    check("share_group_regional_hq", by_group["Gobierno Regional (sede)"])
    check("share_group_technical_specialized", by_group["Organismo Técnico Especializado"])
    check("share_group_ministries", by_group["Ministerio"])
    by_sector = {k: v / n for k, v in positions["sector"].value_counts().iter_rows()}
    check("share_sector_education", by_sector["EDUCACION"])
    check("share_sector_economy_finance", by_sector["ECONOMIA Y FINANZAS"])
    check("share_sector_health", by_sector["SALUD"])
    appointed = positions["condicion"].map_elements(
        lambda v: contract.value_aliases("appointment_type").exact[contract.fold(v)], return_dtype=pl.Utf8)
    check("share_appointed_mgmt", (appointed == "appointed").sum() / n)


def test_regional_hq_has_the_four_tpm_managements(positions: pl.DataFrame) -> None:
    hq2 = positions.filter(pl.col("tipo_entidad") == "Gobierno Regional (sede)", pl.col("level") == 2)
    folded = hq2.with_columns(u=pl.col("unidad_organica").map_elements(contract.fold, return_dtype=pl.Utf8))
    for fragment in ("desarrolloeconomico", "desarrollosocial", "infraestructura", "recursosnaturales"):
        per_hq = folded.filter(pl.col("u").str.contains(fragment)).group_by("codigo_entidad").len()
        assert per_hq.height == 25, fragment


def test_pay_bounds(positions: pl.DataFrame) -> None:
    exceptions = set(pl.read_csv(REFERENCE_DIR / "pay_exceptions.csv")["registry_id"])
    above = positions.filter(pl.col("pay") > 30000)
    assert set(above["codigo_entidad"]) <= exceptions
    assert 0 < above.height < 20  # "a few documented exceptions"
    gm = positions.filter(pl.col("tipo_entidad") == "Gobierno Regional (sede)", pl.col("level") == 1)
    assert gm.height == 25 and gm["pay"].is_between(6000, 16000).all()
    regime = positions["regimen_laboral"].map_elements(
        lambda v: contract.value_aliases("labor_regime").exact[contract.fold(v)], return_dtype=pl.Utf8)
    pmc = positions.filter(regime == "pmc")
    assert pmc.height > 0 and pmc["pay"].is_between(7000, 18500).all()
    # Gaps between regimes and government levels: 728 above 276, national above regional.
    med = positions.group_by("nivel_gobierno").agg(pl.col("pay").median())
    assert dict(med.iter_rows())["E"] > dict(med.iter_rows())["R"]


ENTITY_DOMAINS = {"nivel_gobierno": "government_level", "tipo_entidad": "entity_classification",
                  "tipo_b": "bool", "anexo_09": "bool"}
POSITION_DOMAINS = {"tipo_organo": "body_type", "condicion": "appointment_type",
                    "regimen_laboral": "labor_regime", "reporta_a": "reports_to",
                    "tipo_funcion": "function_type", "sexo": "sex"}


@pytest.mark.parametrize(("table", "domains"),
                         [("entities", ENTITY_DOMAINS), ("positions", POSITION_DOMAINS)])
def test_every_header_and_value_is_recognized_by_the_contract(sample: Path, table: str,
                                                              domains: dict[str, str]) -> None:
    df = pl.read_csv(sample / f"{table}.csv", infer_schema=False)
    headers = contract.header_aliases(table)
    assert all(contract.fold(h) in headers for h in df.columns), df.columns
    for column, domain in domains.items():
        aliases = contract.value_aliases(domain)
        values = set(df[column].drop_nulls())
        unknown = {v for v in values if contract.fold(v) not in aliases.exact}
        assert not unknown, (column, unknown)
    assert (df["origen_datos"] == "synthetic_sample").all()


def test_readme_says_what_is_real_and_what_is_synthetic(sample: Path) -> None:
    text = (sample / "README.md").read_text(encoding="utf-8")
    assert "synthetic_sample" in text and "Sintético" in text and "Synthetic" in text
    assert "pte_entidades.tsv" in text and "mef_consulta_amigable" in text


def test_scale_streams_in_chunks(tmp_path: Path) -> None:
    summary = generate_sample(tmp_path, scale=3, chunk_rows=5000)
    assert summary["chunks"] > 1
    rows = pl.scan_csv(tmp_path / "positions.csv", infer_schema=False).select(pl.len()).collect().item()
    assert rows == summary["rows"]["positions"]
    assert abs(rows - 3 * 11003) <= 0.01 * 3 * 11003
    ids = pl.scan_csv(tmp_path / "positions.csv", infer_schema=False).select(pl.col("dni").drop_nulls())
    assert ids.select(pl.col("dni").is_unique().all()).collect().item()


def test_classification_profiles_cover_the_registry_and_mixes_sum_to_one() -> None:
    """The sample's shape table is edited by hand: every class the generator can pick needs a row,
    and each row's labor-regime mix is a distribution."""
    from pipelines.sample import frame, reference

    profiles = reference.classification_profiles()
    eligible = set(frame.NATIONAL_ENTITY_CLASSES + frame.REGIONAL_ENTITY_CLASSES + frame.TYPE_B_CLASSES)
    assert eligible <= set(profiles), eligible - set(profiles)
    for name, row in profiles.items():
        mix = sum(v for k, v in row.items() if k.startswith("mix_"))
        assert abs(mix - 1.0) < 1e-9, (name, mix)
        assert row["base_size"] > 0 and row["total_positions_ratio"] > 1
