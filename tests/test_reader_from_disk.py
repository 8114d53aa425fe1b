"""A large UTF-8 CSV is read from disk (record counter and polars on the file, never held whole);
a small one from its bytes. Both ways must give the same table, issues, row numbers and messages:
here every file is read both ways (the size threshold set to 0, then out of reach)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.errors import UnreadableFileError
from pipelines.ingest import text_encoding
from pipelines.ingest.readers import read_table

HEADER = "position_id,entity_id,position_title,organizational_level,monthly_pay\n"
CASES = {
    "plain": HEADER + "P1,E001,Director,1,15000\nP2,E001,Jefe,2,9000\n",
    "no final newline": HEADER + "P1,E001,Director,1,15000",
    "ragged rows": HEADER + "P1,E001,Director\nP2,E001,Jefe,2,9000,extra,more\n",
    "NUL byte": HEADER + "P1,E001,Dir\x00ector,1,15000\n",
    "blank lines": HEADER + "P1,E001,Director,1,15000\n\nP2,E001,Jefe,2,9000\n,,,,\n\n  \n",
    "quoted newline": HEADER + 'P1,E001,"Director\nGeneral",1,"15,000"\n',
    "title lines": "Registro de puestos 2020\n\n" + HEADER + "P1,E001,Director,1,15000\n",
    "accents": HEADER + "P1,E001,Jefa de Órgano de Línea,1,15000\n",
    "semicolons": HEADER.replace(",", ";") + "P1;E001;Director;1;15.000,50\n",
}
BYTES = {
    "byte-order mark": b"\xef\xbb\xbf" + CASES["plain"].encode(),
    "CRLF": CASES["plain"].replace("\n", "\r\n").encode(),
    "cp1252": CASES["accents"].encode("cp1252"),
}


def _read_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> list:
    outcomes = []
    for threshold in (0, 2**62):
        monkeypatch.setattr(text_encoding, "STREAM_FROM_BYTES", threshold)
        try:
            raw = read_table(path, "positions")
        except UnreadableFileError as error:
            outcomes.append(("error", str(error)))
            continue
        outcomes.append((raw.frame.to_dicts(), raw.frame.columns, raw.issues.to_dicts(), raw.rows_counted,
                         raw.source_rows.to_list(), raw.header_row, raw.encoding, raw.delimiter, raw.notes))
    return outcomes


@pytest.mark.parametrize("name", [*CASES, *BYTES])
def test_read_from_disk_equals_read_from_bytes(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "positions.csv"
    path.write_bytes(BYTES[name] if name in BYTES else CASES[name].encode("utf-8"))
    from_disk, from_bytes = _read_both_ways(path, monkeypatch)
    assert from_disk == from_bytes
    monkeypatch.setattr(text_encoding, "STREAM_FROM_BYTES", 0)
    assert text_encoding.readable_from_disk(path) is (name in CASES)  # UTF-8, LF, no byte-order mark


def test_unclosed_quote_gives_the_same_message_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "positions.csv"
    path.write_text(HEADER + 'P1,E001,"Director,1,15000\nP2,E001,Jefe,2,9000\n', encoding="utf-8")
    from_disk, from_bytes = _read_both_ways(path, monkeypatch)
    assert from_disk == from_bytes and from_disk[0] == "error" and "line 2" in from_disk[1]


# Characters of 1 to 4 bytes, then bytes that are not UTF-8: a stray continuation byte, a character
# cut short at the end, an overlong form, a surrogate, four continuation bytes in a row.
UTF8_TEXTS = [HEADER + "P1,E001,Jefa de Órgano de Línea € 😀,1,15000\n" * 3]
NOT_UTF8 = [HEADER.encode() + tail for tail in (b"P1,\x80,x\n", b"P1,E001,\xc3", b"P1,\xc0\xaf\n",
                                                b"P1,\xed\xa0\x80\n", b"P1,\xc3\xa9\x80\x80\x80\x80\n")]


@pytest.mark.parametrize("piece", [1, 2, 3, 5, 7, 1 << 20])
def test_utf8_is_checked_the_same_in_pieces_of_any_size(piece: int, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The check splits the file in pieces, each at the start of a character: a character cut by a
    piece's end must neither fail a sound file nor hide a broken one (Python's decoder decides)."""
    monkeypatch.setattr(text_encoding, "STREAM_FROM_BYTES", 0)
    monkeypatch.setattr(text_encoding, "_DECODE_BYTES", piece)
    path = tmp_path / "positions.csv"
    for data in [t.encode("utf-8") for t in UTF8_TEXTS] + NOT_UTF8:
        path.write_bytes(data)
        try:
            expected = bool(data.decode("utf-8"))
        except UnicodeDecodeError:
            expected = False
        assert text_encoding.readable_from_disk(path) is expected, (data, piece)
