"""The refresh's plan and the first `make run`, without dbt: which snapshots a change affects
(same series only), series.json as an input, and when the sample may be generated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ENTITY_HEADER, ENTITY_ROWS, POSITION_HEADER, position, write_csv
from typer.testing import CliRunner

from pipelines import paths
from pipelines.cli import app
from pipelines.embedded import snapshots as embedded
from pipelines.refresh import bootstrap
from pipelines.refresh import cycle as refresh

SAMPLE = {"series": "muestra-sintetica-2016", "origin": "synthetic"}
REAL = {"series": "gobpe-directorio", "origin": "real"}
S1, R, S2, S3 = "2016-05-31", "2016-08-31", "2016-11-30", "2017-05-31"


def _plan(changed: dict[str, str], withdrawn: dict[str, str] | None = None,
          published_series: dict[str, str] | None = None) -> refresh.Plan:
    """Sample S1, S2, S3 and a real R dated between S1 and S2."""
    return refresh.Plan(snapshots=[S1, R, S2, S3], changed=changed,
                        series={S1: SAMPLE, R: REAL, S2: SAMPLE, S3: SAMPLE},
                        published_series=published_series or {}, withdrawn=withdrawn or {})


def test_a_change_affects_the_later_snapshots_of_its_own_series_only() -> None:
    assert _plan({R: "new snapshot"}).affected == [R]  # the sample's S2, S3 do not compare with R
    assert _plan({S1: "inputs changed"}).affected == [S1, S2, S3]  # R is later, but another series
    assert _plan({S2: "inputs changed"}).affected == [S2, S3]


def test_a_withdrawn_snapshot_affects_the_later_ones_of_its_series() -> None:
    plan = _plan({}, withdrawn={"2016-06-30": "raw folder removed"},
                 published_series={"2016-06-30": "muestra-sintetica-2016"})
    assert plan.affected == [S2, S3]


def test_a_snapshot_moved_to_another_series_affects_both() -> None:
    # R was published in the sample's series and now says gobpe-directorio: S2 and S3 lose it as
    # a predecessor; R itself starts its new series.
    plan = _plan({R: "inputs changed: series.json modified"}, published_series={R: "muestra-sintetica-2016"})
    assert plan.affected == [R, S2, S3]


@pytest.fixture
def tiny(data_root: Path) -> Path:
    folder = data_root / "raw" / "2020-01-31"
    write_csv(folder / "entities.csv", ENTITY_HEADER, ENTITY_ROWS)
    write_csv(folder / "positions.csv", POSITION_HEADER, [position("P1")])
    (folder / "series.json").write_text(json.dumps(REAL), encoding="utf-8")
    return folder


def test_series_json_is_an_input_a_change_of_it_rebuilds(tiny: Path) -> None:
    first = refresh.plan({"snapshots": {}})
    assert first.series[tiny.name]["series"] == "gobpe-directorio"
    assert first.inputs[tiny.name]["series.json"]["table"] == "series"
    state = {"code_fingerprint": first.code_fingerprint,
             "snapshots": {tiny.name: {"inputs": first.inputs[tiny.name], "series": first.series[tiny.name]}}}
    assert refresh.plan(state).changed == {}
    (tiny / "series.json").write_text(json.dumps({"series": "otra-serie", "origin": "real"}), encoding="utf-8")
    assert refresh.plan(state).changed == {tiny.name: "inputs changed: series.json modified"}


def test_a_folder_holding_only_series_json_is_not_a_snapshot(data_root: Path, tiny: Path) -> None:
    lone = data_root / "raw" / "2021-01-31"
    lone.mkdir()
    (lone / "series.json").write_text(json.dumps(REAL), encoding="utf-8")
    assert refresh.plan({"snapshots": {}}).snapshots == [tiny.name]


def test_first_run_generates_the_sample_and_installs_embedded_snapshots(
        data_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "embedded" / "2025-01-31"  # a tiny stand-in for the shipped real snapshot
    write_csv(fake / "entidades.csv", ENTITY_HEADER, ENTITY_ROWS)
    write_csv(fake / "puestos.csv", POSITION_HEADER, [position("P1")])
    (fake / "series.json").write_text(json.dumps(REAL), encoding="utf-8")
    monkeypatch.setattr(embedded, "EMBEDDED_ROOT", tmp_path / "embedded")
    assert bootstrap.is_fresh_checkout()
    written = bootstrap.prepare_fresh_checkout()
    assert sorted(p.name for p in written) == [paths.SAMPLE_SNAPSHOT, paths.SAMPLE_NEXT_SNAPSHOT, "2025-01-31"]
    for name in (paths.SAMPLE_SNAPSHOT, paths.SAMPLE_NEXT_SNAPSHOT):
        assert json.loads((data_root / "raw" / name / "series.json").read_text())["origin"] == "synthetic"
    assert (data_root / "raw" / "2025-01-31" / "puestos.csv").is_file()
    # Not fresh any more: a second call writes nothing, even after the sample is deleted.
    for name in (paths.SAMPLE_SNAPSHOT, paths.SAMPLE_NEXT_SNAPSHOT):
        for file in (data_root / "raw" / name).iterdir():
            file.unlink()
        (data_root / "raw" / name).rmdir()
    assert not bootstrap.is_fresh_checkout()
    assert bootstrap.prepare_fresh_checkout() == []
    assert sorted(p.name for p in (data_root / "raw").iterdir()) == ["2025-01-31"]


def test_ingest_without_a_folder_asks_for_one_and_generates_nothing(data_root: Path) -> None:
    result = CliRunner().invoke(app, ["ingest"])
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "no snapshot folder given" in out and "servir-pm ingest data/raw/2025-03-31" in out
    assert not (data_root / "raw" / paths.SAMPLE_SNAPSHOT).exists()


def test_sample_command_generates_both_snapshots_on_request(data_root: Path) -> None:
    result = CliRunner().invoke(app, ["sample"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (data_root / "raw").iterdir()) == [paths.SAMPLE_SNAPSHOT,
                                                                      paths.SAMPLE_NEXT_SNAPSHOT]
