"""Count a CSV's records from its bytes, independently of the CSV parser.

The reader compares this count with what polars parsed and stops when they disagree, so a row
can never be lost without anyone knowing. One vectorized pass (numpy, chunk by chunk) over UTF-8
bytes whose line endings were made LF: a record ends at a newline outside double quotes (an even
number of quotes before it, looked up among the quotes' positions); for each record it gives
the line it starts on, its number of fields (delimiters outside quotes + 1), whether it holds any
content at all and whether it holds NUL bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_LF, _QUOTE, _NUL, _SPACE, _TAB = 10, 34, 0, 32, 9
_CHUNK_BYTES = 8 * 2**20


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
    view = memoryview(data)
    return count_records_in((view[at:at + _CHUNK_BYTES] for at in range(0, len(view), _CHUNK_BYTES)), delimiter)


def count_file_records(path: Path, delimiter: str) -> Records:
    """`count_records` of a file's bytes, read piece by piece (never held whole)."""
    def pieces() -> Iterator[bytes]:
        with path.open("rb") as handle:
            while piece := handle.read(_CHUNK_BYTES):
                yield piece
    return count_records_in(pieces(), delimiter)


def _outside_quotes(positions: np.ndarray, quotes: np.ndarray, parity: int) -> np.ndarray:
    """The positions not inside quotes: an even number of quotes before them (`parity`: the
    quotes' parity where the chunk starts)."""
    return positions[(np.searchsorted(quotes, positions, side="right") + parity) % 2 == 0]


def _inside_quotes_before(delimiters: np.ndarray, quotes: np.ndarray, parity: int, size: int,
                          starts: np.ndarray) -> tuple[np.ndarray, int]:
    """(for each record start, the delimiters inside quotes before it; all delimiters inside quotes
    in the chunk). Quotes are few, so this works on the quoted spans (from an odd-numbered quote to
    the next; one open at the chunk's start when `parity` is 1, one open to its end when the count
    is odd) instead of testing every delimiter. A record start is never inside a span (the newline
    before it is outside quotes), so the spans before it are those closed before it."""
    bounds = np.concatenate([[-1], quotes]) if parity else quotes
    if bounds.size % 2:
        bounds = np.concatenate([bounds, [size]])
    opens, closes = bounds[0::2], bounds[1::2]
    inside = np.searchsorted(delimiters, closes) - np.searchsorted(delimiters, opens)
    before = np.concatenate([[0], np.cumsum(inside)])[np.searchsorted(closes, starts, side="left")]
    return before, int(inside.sum())


def count_records_in(pieces: Iterable[bytes | memoryview], delimiter: str) -> Records:
    """Records of the concatenated `pieces`. Memory stays a few times the size of one piece plus a
    few integers per record, whatever the file's size."""
    delim = ord(delimiter)
    # Bytes that are not content: a record made only of them is blank.
    blank_bytes = sorted({_SPACE, _TAB, _LF, _QUOTE, delim})
    starts, newlines = [np.zeros(1, dtype=np.int64)], []
    # Per record start: how many delimiters (outside quotes), blank bytes and NULs come before it.
    before: list[list[np.ndarray]] = [[np.zeros(1, dtype=np.int64)] for _ in range(3)]
    totals = [0, 0, 0]
    parity = 0
    offset = 0
    for piece in pieces:
        chunk = np.frombuffer(piece, dtype=np.uint8)
        if not chunk.size:
            continue
        # Inside quotes = an odd number of quotes so far; quotes are few, so their parity at a
        # position is looked up among the quotes' positions, not accumulated over every byte.
        # Each byte value is located by one comparison (much faster than a lookup table over every
        # byte) and counted before each record start by binary search.
        quotes, lf, delimiters, nuls = (np.flatnonzero(chunk == value) for value in (_QUOTE, _LF, delim, _NUL))
        newlines.append(lf + offset)
        new_starts = _outside_quotes(lf, quotes, parity) + 1  # chunk-local (len(chunk): next chunk's start)
        starts.append(new_starts + offset)
        quoted_before, quoted = _inside_quotes_before(delimiters, quotes, parity, chunk.size, new_starts)
        blanks_before, blanks = np.zeros(new_starts.size, dtype=np.int64), 0
        # The other blank bytes one at a time, each array freed before the next: holding them all
        # at once left tens of MB of the C heap fragmented (kept by the process) after the count.
        for value in blank_bytes:
            where = {_QUOTE: quotes, _LF: lf, delim: delimiters}.get(value)
            where = np.flatnonzero(chunk == value) if where is None else where
            blanks_before += np.searchsorted(where, new_starts)
            blanks += where.size
        found = (np.searchsorted(delimiters, new_starts) - quoted_before, blanks_before,
                 np.searchsorted(nuls, new_starts))
        sizes = (delimiters.size - quoted, blanks, nuls.size)
        parity = (parity + quotes.size) % 2
        for k in range(3):
            before[k].append(totals[k] + found[k])
            totals[k] += sizes[k]
        offset += chunk.size
    record_starts = np.concatenate(starts)
    counts = [np.concatenate([*parts, [total]]) for parts, total in zip(before, totals, strict=True)]
    bounds = np.concatenate([record_starts, [offset]])
    if record_starts[-1] >= offset:  # the file ends with a newline (or is empty): no record after it
        record_starts, bounds, counts = record_starts[:-1], bounds[:-1], [c[:-1] for c in counts]
    delimiters, blanks, nuls = (np.diff(c) for c in counts)
    content = (np.diff(bounds) - blanks) > 0
    all_newlines = np.concatenate(newlines) if newlines else np.zeros(0, dtype=np.int64)
    lines = np.searchsorted(all_newlines, record_starts, side="left") + 1
    return Records(record_starts, lines, delimiters + 1, content, nuls > 0, unclosed_quote=bool(parity))


def first_line_with_odd_quotes(data: bytes) -> int | None:
    """Where an unclosed or stray quote probably is (1-based line), for the error message."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.count(b'"') % 2:
            return number
    return None
