"""The CSV record counter (pipelines.ingest.csv_records) against a plain byte-by-byte reading of the
rules its docstring states: a record ends at a newline outside double quotes; its fields are the
delimiters outside quotes + 1; it has content when it holds a byte other than blanks (space, tab,
newline, quote, the delimiter); NUL bytes are flagged. Hand-made cases, then random byte strings cut
into pieces as small as one byte (every quoted span and record straddling a piece boundary)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from pipelines.ingest import csv_records


def reference(data: bytes, delimiter: str) -> tuple[list[tuple[int, int, int, bool, bool]], bool]:
    """((start, line, fields, has_content, has_nul) per record, a quote left open), byte by byte."""
    delim = ord(delimiter)
    blank = {ord(" "), ord("\t"), ord("\n"), ord('"'), delim}
    records = []
    inside, start, fields, content, nul = False, 0, 1, False, False
    for at, byte in enumerate(data):
        if byte == ord('"'):
            inside = not inside
        elif byte == delim and not inside:
            fields += 1
        content = content or byte not in blank
        nul = nul or byte == 0
        if byte == ord("\n") and not inside:
            records.append((start, data.count(b"\n", 0, start) + 1, fields, content, nul))
            start, fields, content, nul = at + 1, 1, False, False
    if start < len(data):  # a last record without a final newline
        records.append((start, data.count(b"\n", 0, start) + 1, fields, content, nul))
    return records, inside


def counted(data: bytes, delimiter: str, piece: int) -> tuple[list[tuple[int, int, int, bool, bool]], bool]:
    pieces = [data[at:at + piece] for at in range(0, len(data), piece)]
    found = csv_records.count_records_in(pieces, delimiter)
    rows = list(zip(found.starts.tolist(), found.lines.tolist(), found.fields.tolist(),
                    found.has_content.tolist(), found.has_nul.tolist(), strict=True))
    return rows, found.unclosed_quote


HAND_MADE = {
    "plain": (b"a,b\n1,2\n", [(0, 1, 2, True, False), (4, 2, 2, True, False)], False),
    "no final newline": (b"a,b\n1,2", [(0, 1, 2, True, False), (4, 2, 2, True, False)], False),
    "quoted delimiter and newline": (b'a,b\n"x,\ny",2\n', [(0, 1, 2, True, False), (4, 2, 2, True, False)], False),
    "blank lines": (b'a,b\n\n , ,"" \n', [(0, 1, 2, True, False), (4, 2, 1, False, False),
                                         (5, 3, 3, False, False)], False),
    "NUL": (b"a,b\n1\x00,2\n", [(0, 1, 2, True, False), (4, 2, 2, True, True)], False),
    "unclosed quote": (b'a,b\n"1,2\n3,4\n', [(0, 1, 2, True, False), (4, 2, 1, True, False)], True),
    "empty": (b"", [], False),
}


@pytest.mark.parametrize("name", HAND_MADE)
@pytest.mark.parametrize("piece", [1, 3, 1 << 20])
def test_hand_made_cases(name: str, piece: int) -> None:
    data, expected, unclosed = HAND_MADE[name]
    assert reference(data, ",") == (expected, unclosed)  # the reference reads them as intended
    assert counted(data, ",", piece) == (expected, unclosed)


# (bytes looked at per record start, undecided segments settled one by one): the defaults, then
# settings that force each other way of settling a segment (by its bytes, by a whole-chunk lookup).
SETTLING = [(csv_records._DEPTH, csv_records._LOOP_SEGMENTS), (0, 1 << 30), (1, 0), (0, 0)]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize(("depth", "loop_segments"), SETTLING)
def test_random_bytes_in_small_pieces_agree_with_the_byte_by_byte_reading(
        delimiter: str, depth: int, loop_segments: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_records, "_DEPTH", depth)
    monkeypatch.setattr(csv_records, "_LOOP_SEGMENTS", loop_segments)
    rng = random.Random(20160531)
    alphabet = [b"a", b"7", b" ", b"\t", b"\n", b"\n", b'"', b",", b";", b"|", b"\x00", "é".encode()]
    for _ in range(250):
        data = b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        for piece in (1, 2, 5, 17):
            assert counted(data, delimiter, piece) == reference(data, delimiter), (data, piece)


def test_count_records_reads_bytes_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_records, "_CHUNK_BYTES", 4)
    data = b'id,name\n1,"a\nb"\n2,c\n'
    found = csv_records.count_records(data, ",")
    assert found.starts.tolist() == [0, 8, 16] and found.lines.tolist() == [1, 2, 4]
    assert np.array_equal(found.fields, [2, 2, 2])
