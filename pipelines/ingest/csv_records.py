"""Count a CSV's records from its bytes, independently of the CSV parser.

The reader compares this count with what polars parsed and stops when they disagree, so a row
can never be lost without anyone knowing. One vectorized pass (numpy) over UTF-8 bytes whose line
endings were made LF: a record ends at a newline outside double quotes; for each record it gives
the line it starts on, its number of fields (delimiters outside quotes + 1), whether it holds any
content at all and whether it holds NUL bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_LF, _QUOTE, _NUL, _SPACE, _TAB = 10, 34, 0, 32, 9


@dataclass
class Records:
    """Per record (header first), arrays of the same length."""

    starts: np.ndarray  # byte offset where the record starts
    lines: np.ndarray  # 1-based line of the file (of the bytes given) where it starts
    fields: np.ndarray  # number of fields
    has_content: np.ndarray  # bool: anything but blanks, delimiters and quotes
    has_nul: np.ndarray  # bool
    unclosed_quote: bool = False  # a quote opened and never closed: every later line is swallowed

    def __len__(self) -> int:
        return len(self.starts)


def normalize_line_endings(data: bytes) -> bytes:
    """CRLF and lone CR (old Excel for Mac) become LF, so every parser sees the same records."""
    if b"\r" not in data:
        return data
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def count_records(data: bytes, delimiter: str) -> Records:
    """Records of `data` (UTF-8, LF line endings). A final record without a newline counts;
    an empty tail after the last newline does not."""
    arr = np.frombuffer(data, dtype=np.uint8)
    if arr.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Records(empty, empty, empty, empty.astype(bool), empty.astype(bool))
    # Parity of the quotes seen so far (uint8 wraps around: parity survives, memory stays 1 byte/byte).
    inside = (np.cumsum(arr == _QUOTE, dtype=np.uint8) % 2).astype(bool)
    newline = arr == _LF
    ends = np.flatnonzero(newline & ~inside)
    starts = np.concatenate(([0], ends + 1))
    if starts[-1] >= arr.size:
        starts = starts[:-1]  # the file ends with a newline: no record after it

    def per_record(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask, starts, dtype=np.int64)

    delimiters = per_record((arr == ord(delimiter)) & ~inside)
    blank = np.isin(arr, np.array([_SPACE, _TAB, _LF, _QUOTE, ord(delimiter)], dtype=np.uint8))
    content = per_record(~blank) > 0
    nul = per_record(arr == _NUL) > 0
    lines = np.searchsorted(np.flatnonzero(newline), starts, side="left") + 1
    return Records(starts, lines, delimiters + 1, content, nul, unclosed_quote=bool(inside[-1]))


def first_line_with_odd_quotes(data: bytes) -> int | None:
    """Where an unclosed or stray quote probably is (1-based line), for the error message."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.count(b'"') % 2:
            return number
    return None
