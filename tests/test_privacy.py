"""No raw identifier leaves ingestion, and pseudonyms cannot be reversed with a public key
(issue 14 items 2 and 3).

Known DNIs and names are planted in inputs, good and broken (CR-only lines, a name with an
unquoted comma that shifts every later field, a short row, an unclosed quote, a file whose first
line is data); then every file under data/ and every stdout/stderr of the commands is searched.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import polars as pl
import pytest
from conftest import ENTITY_HEADER, ENTITY_ROWS, POSITION_HEADER, TEST_KEY, position, run_ingest, write_csv
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.errors import ContractError

DNI_A, DNI_B = "41234567", "09876543"
SECRETS = (DNI_A, DNI_B, DNI_B.lstrip("0"), "QUISPE", "MAMANI", "ROSA ELVIRA", "TORRES")
PEOPLE_HEADER = "position_id,apellidos_nombres,entity_id,position_title,monthly_pay,dni"
PEOPLE_ROWS = [
    f'P1,"QUISPE MAMANI, ROSA ELVIRA",E001,Directora,15000,{DNI_A}',   # line 2: valid
    f"P2,QUISPE MAMANI, ROSA ELVIRA,E001,Jefa,9000,{DNI_A}",           # line 3: unquoted comma, 7 fields
    f"P3,TORRES VEGA LUIS,E001,Jefe,abc,{DNI_B}",                       # line 4: non-numeric pay
    "P4,TORRES VEGA LUIS,E001",                                          # line 5: 3 fields of 6
]
runner = CliRunner()


def hmac_key(secret: str, normalized_id: str) -> str:
    return hmac.new(secret.encode(), normalized_id.encode(), hashlib.sha256).hexdigest()[:20]


def outputs_text(root: Path) -> str:
    """Every value written under `root` except the analyst's own raw inputs."""
    texts = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "raw" in path.relative_to(root).parts:
            continue
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            texts += [*frame.columns, *(str(v) for c in frame.columns for v in frame[c].to_list())]
        else:
            texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(texts)


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} found in {where}"


def command_output(args: list[str]) -> tuple[int, str]:
    result = runner.invoke(app, args)
    return result.exit_code, result.output + (result.stderr or "")


def test_planted_ids_and_names_reach_no_output_and_no_stream(snap: Path, tmp_path: Path) -> None:
    (snap / "entities.csv").write_bytes(
        "\r".join(",".join(r) for r in [ENTITY_HEADER, *ENTITY_ROWS]).encode())             # CR-only
    (snap / "positions.csv").write_bytes("\r\n".join([PEOPLE_HEADER, *PEOPLE_ROWS]).encode() + b"\r\n")
    streams = []
    code, out = command_output(["ingest", str(snap)])
    assert code == 0, out
    streams.append(out)
    code, out = command_output(["validate", str(snap / "positions.csv")])
    assert code == 0, out
    streams.append(out)
    # A file whose first line is data: its cells would be taken as headers.
    noheader = tmp_path / "puestos_sin_cabecera.csv"
    noheader.write_text(f"P9,QUISPE MAMANI ROSA ELVIRA,E001,Directora,{DNI_A}\n"
                        f"P8,TORRES VEGA LUIS,E001,Jefe,{DNI_B}\n", encoding="utf-8")
    code, out = command_output(["validate", str(noheader)])
    assert code == 2 and "missing required" in out
    streams.append(out)
    # A parse error on a line holding a DNI and a name.
    broken = tmp_path / "data" / "raw" / "2020-02-29"
    write_csv(broken / "entities.csv", ENTITY_HEADER, ENTITY_ROWS)
    (broken / "positions.csv").write_text(
        f'{PEOPLE_HEADER}\nP1,"QUISPE MAMANI, ROSA ELVIRA,E001,Directora,15000,{DNI_A}\n', encoding="utf-8")
    code, out = command_output(["ingest", str(broken)])
    assert code == 2 and "line 2" in out
    streams.append(out)
    code, out = command_output(["validate", str(broken / "positions.csv")])
    assert code == 2
    streams.append(out)

    for index, text in enumerate(streams):
        assert_no_secret(text, f"output of command #{index}")
    data = tmp_path / "data"
    assert_no_secret(outputs_text(data), "files under data/")
    # The accounting still holds: 4 rows = 1 valid + 3 quarantined, misaligned cells withheld.
    quarantine = pl.read_csv(data / "quarantine" / "2020-01-31" / "positions.csv", infer_schema=False)
    assert dict(zip(quarantine["source_row"], quarantine["reason_code"], strict=True)) == {
        "3": "too_many_fields", "4": "non_numeric", "5": "too_few_fields"}
    assert quarantine.filter(pl.col("source_row") == "3")["entity_id"].to_list() == [None]
    manifest = json.loads((data / "staging" / "2020-01-31" / "manifest.json").read_text())
    positions = next(f for f in manifest["files"] if f["table"] == "positions")
    assert (positions["rows_counted"], positions["rows_valid"], positions["rows_quarantined"]) == (4, 1, 3)
    assert TEST_KEY not in outputs_text(data)  # the key itself is never written


def test_refresh_failure_log_and_hook_carry_no_identifier(data_root: Path, tmp_path: Path) -> None:
    snapshot = data_root / "raw" / "2020-01-31"
    write_csv(snapshot / "entities.csv", ENTITY_HEADER, ENTITY_ROWS)
    (snapshot / "positions.csv").write_text(
        f'{PEOPLE_HEADER}\nP1,"QUISPE MAMANI, ROSA ELVIRA,E001,Directora,15000,{DNI_A}\n', encoding="utf-8")
    hook_out = tmp_path / "hook.txt"
    hook = f'printf "%s" "$SERVIR_PM_ERROR" > {hook_out}; printf "%s" "$SERVIR_PM_KEY" > {hook_out}.key'
    code, out = command_output(["refresh", "--min-age", "0", "--on-failure", hook])
    assert code == 2, out
    hook = hook_out.read_text(encoding="utf-8")
    assert (tmp_path / "hook.txt.key").read_text() == ""  # the key is not handed to the alert command
    assert "positions.csv" in hook or "quote" in hook
    runs = (data_root / "runs.jsonl").read_text(encoding="utf-8")
    assert '"outcome": "failed"' in runs
    code, status = command_output(["status"])
    for text, where in ((out, "refresh output"), (hook, "SERVIR_PM_ERROR"), (runs, "runs.jsonl"),
                        (status, "status")):
        assert_no_secret(text, where)
    assert_no_secret(outputs_text(data_root), "files under data/")


def test_redaction_masks_every_document_number_shape() -> None:
    from pipelines.privacy.redact import MASK, redact, redact_any

    text = f"found '{DNI_A}', {DNI_A}.0, 1234567, RUC 20123456789, CE 001234567; run 20261129T072319Z, 1,234,567 rows"
    assert redact(text) == (f"found '{MASK}', {MASK}, {MASK}, RUC {MASK}, CE {MASK}; run 20261129T072319Z, "
                            "1,234,567 rows")
    assert redact_any({"a": [f"x {DNI_A}"], "sha256": "12345678"}, keep=frozenset({"sha256"})) == {
        "a": [f"x {MASK}"], "sha256": "12345678"}


def test_error_messages_are_redacted_at_the_source() -> None:
    error = ContractError(f"value {DNI_A} is odd", f"remove {DNI_B}", "positions.csv")
    assert DNI_A not in str(error) and DNI_B not in str(error) and "positions.csv" in str(error)


# --- keyed pseudonyms ---------------------------------------------------------------------


def _people(snap: Path) -> None:
    write_csv(snap / "entities.csv", ENTITY_HEADER, ENTITY_ROWS)
    write_csv(snap / "positions.csv", [*POSITION_HEADER, "dni"], [[*position("P1"), DNI_A]])


def test_real_snapshot_with_ids_refuses_the_default_key(snap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Brute-forcing 10^8 DNIs against the public default key is not possible on real data:
    ingestion refuses to produce such keys at all."""
    monkeypatch.delenv("SERVIR_PM_KEY")
    _people(snap)
    with pytest.raises(ContractError) as info:
        run_ingest(snap)
    err = info.value
    assert err.exit_code == 2 and Path(err.file).name == "positions.csv"
    assert "SERVIR_PM_KEY" in err.problem and "export SERVIR_PM_KEY=" in err.fix
    assert not (snap.parent.parent / "staging").exists()
    code, out = command_output(["ingest", str(snap)])
    assert code == 2 and "SERVIR_PM_KEY" in out and "Traceback" not in out


def test_synthetic_snapshot_may_use_the_default_key(snap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Known property of the sample: its keys are made with a public key and can be reversed."""
    from pipelines.privacy.salt import DEFAULT_KEY
    from pipelines.refresh.series import SeriesInfo, write_series

    monkeypatch.delenv("SERVIR_PM_KEY")
    _people(snap)
    write_series(snap, SeriesInfo(series="test", origin="synthetic"))
    out = run_ingest(snap)
    assert out.staging["positions"]["occupant_key"].to_list() == [hmac_key(DEFAULT_KEY, DNI_A)]
    assert json.loads(out.result.manifest_path.read_text())["salt_source"] == "default"


def test_real_snapshot_without_ids_needs_no_key(snap: Path, entities_csv: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SERVIR_PM_KEY")
    write_csv(snap / "positions.csv", [*POSITION_HEADER, "dni"], [[*position("P1"), " "]])
    assert run_ingest(snap).staging["positions"]["occupant_key"].to_list() == [None]


def test_deprecated_salt_variable_is_still_the_key(snap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SERVIR_PM_KEY")
    monkeypatch.setenv("SERVIR_PM_SALT", "old-secret")
    _people(snap)
    out = run_ingest(snap)
    assert out.staging["positions"]["occupant_key"].to_list() == [hmac_key("old-secret", DNI_A)]
    assert "deprecated" in json.loads(out.result.manifest_path.read_text())["salt_source"]


def test_same_person_same_key_from_csv_xlsx_and_parquet(snap: Path, entities_csv: Path) -> None:
    import xlsxwriter

    write_csv(snap / "positions_a.csv", ["position_id", "entity_id", "position_title", "dni"],
              [["P1", "E001", "Director", "01234567"], ["P2", "E001", "Jefe", "DNI 41.234.567"]])
    book = xlsxwriter.Workbook(str(snap / "positions_b.xlsx"))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["position_id", "entity_id", "position_title", "dni"])
    sheet.write_row(1, 0, ["P3", "E001", "Director"])
    sheet.write_number(1, 3, 1234567)               # Excel dropped the leading zero
    book.close()
    pl.DataFrame({"position_id": ["P4", "P5"], "entity_id": ["E001", "E001"], "position_title": ["D", "J"],
                  "dni": [1234567.0, 41234567.0]}).write_parquet(snap / "positions_c.parquet")  # doubles
    keys = dict(run_ingest(snap).staging["positions"].select("position_id", "occupant_key").iter_rows())
    same, other = hmac_key(TEST_KEY, "01234567"), hmac_key(TEST_KEY, DNI_A)
    assert keys == {"P1": same, "P3": same, "P4": same, "P2": other, "P5": other}


def test_key_fingerprint_changes_with_the_key_and_hides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.privacy.salt import salt_fingerprint

    monkeypatch.setenv("SERVIR_PM_KEY", "one")
    first = salt_fingerprint()
    monkeypatch.setenv("SERVIR_PM_KEY", "two")
    assert salt_fingerprint() != first and "two" not in salt_fingerprint()


def test_our_own_names_are_not_taken_for_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot folder may be named 20250331: the run log and manifest keep it as it is."""
    from pipelines.ingest.manifest import build_manifest
    from pipelines.refresh import runlog

    monkeypatch.setenv("SERVIR_PM_DATA", str(tmp_path / "data"))
    runlog.append({"run_id": "r1", "snapshots": ["20250331"], "error": f"bad value {DNI_A}"})
    record = runlog.read()[-1]
    assert record["snapshots"] == ["20250331"] and DNI_A not in record["error"]
    body = build_manifest("20250331", tmp_path / "20250331", [{"table": "positions", "rows_read": 1, "rows_valid": 1,
                          "rows_quarantined": 0, "file": "raw/20250331/p.csv", "columns_ignored": [DNI_A]}], {}, 0.0)
    assert body["snapshot"] == "20250331" and body["files"][0]["file"] == "raw/20250331/p.csv"
    assert body["files"][0]["columns_ignored"] == ["[ID redacted]"]
