"""A later snapshot of the synthetic sample (`evolve_snapshot`): determinism, and every count in
its summary re-derived here by comparing the two CSVs with polars, independently of the code.
The evolved files must ingest with nothing quarantined."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from conftest import run_ingest

from pipelines.ingest import contract
from pipelines.sample import evolve_snapshot, generate_sample
from pipelines.sample.evolve import RATE_KEYS, RATES_PATH, evolution_rates
from pipelines.sample.positions import REGIMES

BASE_DATE, NEW_DATE = "2016-05-31", "2016-11-30"
CATEGORIES = ("removed", "new", "reclassified", "occupant_changed", "vacated", "pay_changed")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("base") / BASE_DATE
    generate_sample(out, snapshot_date=BASE_DATE)
    return out


@pytest.fixture(scope="module")
def evolved(base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("evolved") / NEW_DATE
    return out, evolve_snapshot(base, out, NEW_DATE)


def read(folder: Path, table: str = "positions") -> pl.DataFrame:
    return pl.read_csv(folder / f"{table}.csv", infer_schema=False)


def pay(col: str) -> pl.Expr:
    return pl.col(col).str.replace_all(r"[S/ ,]", "").cast(pl.Float64)


@pytest.fixture(scope="module")
def compared(base: Path, evolved: tuple[Path, dict]) -> dict[str, pl.DataFrame]:
    """The two positions files joined on codigo_puesto, with each category derived from the values."""
    old, new = read(base), read(evolved[0])
    both = old.join(new, on="codigo_puesto", how="inner", suffix="_n").with_columns(
        reclassified=(pl.col("nivel_organizacional") != pl.col("nivel_organizacional_n"))
        | (pl.col("tipo_organo") != pl.col("tipo_organo_n")),
        occupant_changed=pl.col("dni_n").is_not_null() & pl.col("dni").ne_missing(pl.col("dni_n")),
        vacated=pl.col("dni").is_not_null() & pl.col("dni_n").is_null(),
        pay_changed=pay("remuneracion") != pay("remuneracion_n"),
    )
    return {
        "old": old, "new": new, "both": both,
        "removed": old.join(new, on="codigo_puesto", how="anti"),
        "added": new.join(old, on="codigo_puesto", how="anti"),
    }


def test_same_seed_same_bytes_whatever_the_block_size_and_other_seed_differs(
        base: Path, evolved: tuple[Path, dict], tmp_path: Path) -> None:
    evolve_snapshot(base, tmp_path / "again", NEW_DATE)
    evolve_snapshot(base, tmp_path / "small_blocks", NEW_DATE, chunk_bytes=40_000)
    other = evolve_snapshot(base, tmp_path / "other", NEW_DATE, seed=7)
    for name in ("entities.csv", "positions.csv", "README.md"):
        assert (tmp_path / "again" / name).read_bytes() == (evolved[0] / name).read_bytes(), name
        assert (tmp_path / "small_blocks" / name).read_bytes() == (evolved[0] / name).read_bytes(), name
    assert (tmp_path / "other" / "positions.csv").read_bytes() != (evolved[0] / "positions.csv").read_bytes()
    assert other["removed"] != evolved[1]["removed"] or other["new"] != evolved[1]["new"]


def test_summary_counts_equal_an_independent_comparison_of_the_csvs(
        evolved: tuple[Path, dict], compared: dict[str, pl.DataFrame]) -> None:
    summary, both = evolved[1], compared["both"]
    derived = {
        "removed": compared["removed"].height,
        "new": compared["added"].height,
        **{c: int(both[c].sum()) for c in CATEGORIES[2:]},
    }
    assert {c: summary[c] for c in CATEGORIES} == derived
    assert summary["rows_in"] == compared["old"].height
    assert summary["rows_out"] == compared["new"].height == summary["rows_in"] - derived["removed"] + derived["new"]
    detail = summary["detail"]
    assert detail["vacancies_filled"] == both.filter(pl.col("dni").is_null(), pl.col("dni_n").is_not_null()).height
    assert detail["reclassified_level"] == both.filter(
        pl.col("nivel_organizacional") != pl.col("nivel_organizacional_n")).height
    assert detail["reclassified_body"] == both.filter(pl.col("tipo_organo") != pl.col("tipo_organo_n")).height
    flags = ["reclassified", "occupant_changed", "vacated", "pay_changed"]
    assert summary["unchanged"] == both.filter(~pl.any_horizontal(flags)).height
    for pair, n in summary["overlaps"].items():
        a, b = pair.split("+")
        assert n == both.filter(pl.col(a), pl.col(b)).height, pair
    assert both.filter(pl.col("occupant_changed"), pl.col("vacated")).height == 0
    # Every change happens at plausible six-month rates (see evolution_rates.csv).
    n = summary["rows_in"]
    assert 0.01 < derived["removed"] / n < 0.06 and 0.01 < derived["new"] / n < 0.06
    assert 0.005 < derived["reclassified"] / n < 0.04 and 0.003 < derived["vacated"] / n < 0.03
    assert 0.05 < derived["occupant_changed"] / n < 0.2
    # The README states the exact counts.
    readme = (evolved[0] / "README.md").read_text(encoding="utf-8")
    for label, c in (("removed", "removed"), ("new", "new"), ("reclassified", "reclassified"),
                     ("occupant changed", "occupant_changed"), ("vacated", "vacated"), ("pay changed", "pay_changed")):
        line = next(x for x in readme.splitlines() if x.startswith("|") and f"/ {label}" in x)
        assert line.rstrip().endswith(f"| {derived[c]} |"), line


def test_every_cell_change_belongs_to_a_category(compared: dict[str, pl.DataFrame]) -> None:
    both = compared["both"]
    cols = [c for c in compared["old"].columns if c != "codigo_puesto"]

    def changed(c: str) -> pl.Expr:
        return pl.col(c).ne_missing(pl.col(f"{c}_n"))

    occupancy = pl.col("occupant_changed") | pl.col("vacated")
    untouched = both.filter(~pl.any_horizontal("reclassified", "occupant_changed", "vacated", "pay_changed"))
    assert untouched.filter(pl.any_horizontal([changed(c) for c in cols])).height == 0
    for c in ("codigo_entidad", "unidad_organica", "regimen_laboral", "reporta_a", "subordinados_directos",
              "subordinados_indirectos", "origen_datos"):
        assert both.filter(changed(c)).height == 0, c
    for c in ("cargo", "sexo", "fecha_inicio", "condicion"):
        assert both.filter(changed(c) & ~occupancy).height == 0, c
    assert both.filter(changed("tipo_funcion") & ~changed("tipo_organo")).height == 0
    # A reclassification moves exactly one of the two keys: the level by one within 2..4, or the body type.
    reclass = both.filter(pl.col("reclassified"))
    assert reclass.filter(changed("nivel_organizacional") & changed("tipo_organo")).height == 0
    moved = reclass.filter(changed("nivel_organizacional")).select(
        a=pl.col("nivel_organizacional").cast(pl.Int64), b=pl.col("nivel_organizacional_n").cast(pl.Int64))
    assert moved.height > 0 and ((moved["a"] - moved["b"]).abs() == 1).all()
    assert moved["b"].is_between(2, 4).all()
    assert reclass.filter(changed("tipo_organo")).height > 0
    # Vacated: blank occupant, condicion Vacante; new occupants start between the two snapshots.
    vacated = both.filter(pl.col("vacated"))
    assert vacated.height > 0
    assert vacated["sexo_n"].null_count() == vacated["fecha_inicio_n"].null_count() == vacated.height
    assert (vacated["condicion_n"] == "Vacante").all()


def parsed_dates(col: str) -> pl.Expr:
    months = {m: f"{i:02d}" for i, m in enumerate(("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "set",
                                                    "oct", "nov", "dic"), start=1)}
    text = pl.col(col)
    for name, num in months.items():
        text = text.str.replace(f" {name} ", f"/{num}/", literal=True)
    return pl.coalesce(text.str.to_date("%Y-%m-%d", strict=False), text.str.to_date("%d/%m/%Y", strict=False))


def test_new_ids_continue_each_entity_and_new_dnis_are_fresh(compared: dict[str, pl.DataFrame]) -> None:
    old, new, added, both = compared["old"], compared["new"], compared["added"], compared["both"]
    assert added.height > 0 and not set(added["codigo_puesto"]) & set(old["codigo_puesto"])
    seq = pl.col("codigo_puesto").str.extract(r"-(\d{6})$").cast(pl.Int64)
    assert (added["codigo_puesto"].str.extract(r"^(.*)-\d{6}$") == added["codigo_entidad"]).all()
    top = old.group_by("codigo_entidad").agg(top=seq.max())
    numbers = added.with_columns(seq=seq).join(top, on="codigo_entidad").group_by("codigo_entidad").agg(
        "top", lo=pl.col("seq").min(), hi=pl.col("seq").max(), n=pl.len())
    assert (numbers["lo"] == numbers["top"].list.first() + 1).all()
    assert (numbers["hi"] - numbers["lo"] + 1 == numbers["n"]).all()  # consecutive
    assert new["codigo_puesto"].is_unique().all()

    base_dnis = set(old["dni"].drop_nulls())
    fresh = pl.concat([added["dni"], both.filter(pl.col("occupant_changed"))["dni_n"]])
    assert fresh.null_count() == 0 and not set(fresh) & base_dnis
    assert fresh.str.contains(r"^9\d{7}$").all()
    assert new["dni"].drop_nulls().is_unique().all()
    starts = pl.concat([added.select("fecha_inicio"),
                        both.filter(pl.col("occupant_changed")).select(fecha_inicio="fecha_inicio_n")])
    dates = starts.select(parsed_dates("fecha_inicio")).to_series()
    assert dates.null_count() == 0
    assert dates.min() > date.fromisoformat(BASE_DATE) and dates.max() <= date.fromisoformat(NEW_DATE)


def test_entities_only_move_total_puestos_by_the_net_change(
        base: Path, evolved: tuple[Path, dict], compared: dict[str, pl.DataFrame]) -> None:
    old_e, new_e = read(base, "entities"), read(evolved[0], "entities")
    assert old_e.columns == new_e.columns and old_e["codigo_entidad"].to_list() == new_e["codigo_entidad"].to_list()
    assert old_e.drop("total_puestos").equals(new_e.drop("total_puestos"))
    net = pl.concat([
        compared["added"].group_by("codigo_entidad").len().with_columns(pl.col("len").cast(pl.Int64)),
        compared["removed"].group_by("codigo_entidad").len().with_columns(-pl.col("len").cast(pl.Int64)),
    ]).group_by("codigo_entidad").agg(net=pl.col("len").sum())
    check = old_e.join(net, on="codigo_entidad", how="left").with_columns(pl.col("net").fill_null(0))
    expected = check["total_puestos"].cast(pl.Int64) + check["net"]
    assert (new_e["total_puestos"].cast(pl.Int64) == expected).all()
    assert (check["net"] != 0).sum() == evolved[1]["entities"]["total_puestos_changed"] > 0


def test_same_format_and_values_the_contract_accepts(base: Path, evolved: tuple[Path, dict]) -> None:
    new = read(evolved[0])
    assert (base / "positions.csv").open(encoding="utf-8").readline() == \
        (evolved[0] / "positions.csv").open(encoding="utf-8").readline()
    assert new["remuneracion"].str.contains(r"^(\d+\.00|S/ \d+,\d{3}\.00)$").all()
    assert (new["origen_datos"] == "synthetic_sample").all()
    for column, domain in {"tipo_organo": "body_type", "condicion": "appointment_type",
                           "regimen_laboral": "labor_regime", "tipo_funcion": "function_type", "sexo": "sex"}.items():
        exact = contract.value_aliases(domain).exact
        assert {v for v in new[column].drop_nulls() if contract.fold(v) not in exact} == set(), column
    text = (evolved[0] / "positions.csv").read_text(encoding="utf-8")
    assert '""' not in text  # blank cells are empty, not a quoted empty string
    amounts = new.select(pay("remuneracion")).to_series()
    exceptions = set(pl.read_csv(Path(RATES_PATH).parent / "pay_exceptions.csv")["registry_id"])
    assert amounts.min() >= 0 and amounts.max() <= contract.MAX_MONTHLY_PAY
    assert set(new.filter(amounts > 30000)["codigo_entidad"]) <= exceptions
    readme = (evolved[0] / "README.md").read_text(encoding="utf-8")
    assert "synthetic_sample" in readme and "NOT an official registry" in readme
    assert f"**Corte / snapshot:** {NEW_DATE}" in readme and f"corte / snapshot {BASE_DATE}" in readme


def test_evolved_snapshot_ingests_with_nothing_quarantined(base: Path, data_root: Path) -> None:
    folder = data_root / "raw" / NEW_DATE
    evolve_snapshot(base, folder, NEW_DATE)
    ingested = run_ingest(folder)
    assert {Path(r.file).name: r.rows_quarantined for r in ingested.result.files} == \
        {"entities.csv": 0, "positions.csv": 0}
    assert ingested.staging["positions"].height == read(folder).height


def test_an_evolved_snapshot_evolves_again(evolved: tuple[Path, dict], base: Path, tmp_path: Path) -> None:
    """The README carries the date, so a chain of snapshots works; ids and DNIs stay fresh."""
    summary = evolve_snapshot(evolved[0], tmp_path / "2017-05-31", "2017-05-31")
    assert summary["base_snapshot"] == NEW_DATE
    third, first = read(tmp_path / "2017-05-31"), read(base)
    assert third["codigo_puesto"].is_unique().all() and third["dni"].drop_nulls().is_unique().all()
    added = third.join(read(evolved[0]), on="codigo_puesto", how="anti")
    assert not set(added["codigo_puesto"]) & set(first["codigo_puesto"])
    assert not set(added["dni"]) & set(first["dni"].drop_nulls())
    with pytest.raises(ValueError, match="after the base"):
        evolve_snapshot(base, tmp_path / "earlier", "2016-01-31")


def test_rates_table_is_complete_and_within_0_1(tmp_path: Path) -> None:
    rows = list(csv.DictReader(RATES_PATH.open(encoding="utf-8")))
    ids = [r["rate_id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert set(RATE_KEYS) <= set(ids), set(RATE_KEYS) - set(ids)
    assert {f"pay_general_{r}" for r in REGIMES} <= set(ids)  # every regime the generator writes
    for r in rows:
        assert 0.0 <= float(r["value"]) <= 1.0, r["rate_id"]
        assert len(r["description"]) > 40, r["rate_id"]
    assert evolution_rates() == {r["rate_id"]: float(r["value"]) for r in rows}
    broken = tmp_path / "rates.csv"
    broken.write_text("rate_id,value,description\n" + "".join(
        f"{r['rate_id']},{r['value']},x\n" for r in rows if r["rate_id"] != "vacated"), encoding="utf-8")
    with pytest.raises(KeyError, match="vacated"):
        evolution_rates(broken)
    broken.write_text("rate_id,value,description\n" + "".join(
        f"{r['rate_id']},{1.5 if r['rate_id'] == 'new' else r['value']},x\n" for r in rows), encoding="utf-8")
    with pytest.raises(ValueError, match="within"):
        evolution_rates(broken)
