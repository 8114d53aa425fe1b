"""Count a CSV's records from its bytes, independently of the CSV parser.

The reader compares this count with what polars parsed and stops when they disagree, so a row
can never be lost without anyone knowing. One vectorized pass (numpy, chunk by chunk) over UTF-8
bytes whose line endings were made LF: a record ends at a newline outside double quotes (an even
number of quotes before it, looked up among the quotes' positions); for each record it gives
the line it starts on, its number of fields (delimiters outside quotes + 1), whether it holds any
content at all (settled from its first bytes; only a record starting with blanks is looked at
further) and whether it holds NUL bytes.
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


# Segments whose first bytes are blank are settled this many bytes deep, one vectorized step per
# byte (all-quoted files start every record with a quote), before any per-segment work.
_DEPTH = 4
# More undecided segments than this in a chunk: one lookup over the whole chunk instead of a loop.
_LOOP_SEGMENTS = 256


def _segments_with_content(chunk: np.ndarray, bounds: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """For each segment [bounds[i], bounds[i+1]) of the chunk: does it hold a byte that is not
    blank (`blank`: a lookup table by byte value)? A record's first bytes settle nearly every
    segment, so the chunk's spaces and tabs are never located one by one (the former approach
    cost two extra passes over every chunk)."""
    starts, ends = bounds[:-1], bounds[1:]
    content = np.zeros(starts.size, dtype=bool)
    open_ = np.flatnonzero(starts < ends)
    for depth in range(_DEPTH):
        if not open_.size:
            return content
        at = starts[open_] + depth
        inside = at < ends[open_]
        found = inside & ~blank[chunk[np.minimum(at, chunk.size - 1)]]
        content[open_[found]] = True
        open_ = open_[inside & ~found]
    if open_.size > _LOOP_SEGMENTS:
        not_blank = ~blank[chunk]
        for i in open_:
            content[i] = not_blank[starts[i]:ends[i]].any()
    else:
        for i in open_:
            content[i] = not blank[chunk[starts[i]:ends[i]]].all()
    return content


def count_records_in(pieces: Iterable[bytes | memoryview], delimiter: str) -> Records:
    """Records of the concatenated `pieces`. Memory stays a few times the size of one piece plus a
    few integers per record, whatever the file's size."""
    delim = ord(delimiter)
    # Bytes that are not content: a record made only of them is blank.
    blank = np.zeros(256, dtype=bool)
    blank[[_SPACE, _TAB, _LF, _QUOTE, delim]] = True
    starts, newlines = [np.zeros(1, dtype=np.int64)], []
    # Per record start: how many delimiters (outside quotes) and NULs come before it.
    before: list[list[np.ndarray]] = [[np.zeros(1, dtype=np.int64)] for _ in range(2)]
    totals = [0, 0]
    # Content of the records closed so far, and of the record still open (it may span chunks).
    closed: list[np.ndarray] = []
    open_content = False
    parity = 0
    offset = 0
    for piece in pieces:
        chunk = np.frombuffer(piece, dtype=np.uint8)
        if not chunk.size:
            continue
        # Inside quotes = an odd number of quotes so far; quotes are few, so their parity at a
        # position is looked up among the quotes' positions, not accumulated over every byte.
        # Each byte value is located by one comparison (much faster than a lookup table over every
        # byte) and counted before each record start by binary search. NULs are rare: located only
        # when the chunk holds one (its minimum is 0).
        quotes, lf, delimiters = (np.flatnonzero(chunk == value) for value in (_QUOTE, _LF, delim))
        nuls = np.flatnonzero(chunk == _NUL) if chunk.min() == _NUL else np.zeros(0, dtype=np.int64)
        newlines.append(lf + offset)
        new_starts = _outside_quotes(lf, quotes, parity) + 1  # chunk-local (len(chunk): next chunk's start)
        starts.append(new_starts + offset)
        quoted_before, quoted = _inside_quotes_before(delimiters, quotes, parity, chunk.size, new_starts)
        # Each new start closes the record open until then; the last one stays open.
        inner = new_starts[new_starts < chunk.size]
        segments = _segments_with_content(chunk, np.concatenate([[0], inner, [chunk.size]]), blank)
        if new_starts.size:
            closed.append(np.concatenate([[open_content or segments[0]], segments[1:new_starts.size]]))
            open_content = bool(segments[new_starts.size]) if inner.size == new_starts.size else False
        else:
            open_content = open_content or bool(segments[0])
        found = (np.searchsorted(delimiters, new_starts) - quoted_before, np.searchsorted(nuls, new_starts))
        sizes = (delimiters.size - quoted, nuls.size)
        parity = (parity + quotes.size) % 2
        for k in range(2):
            before[k].append(totals[k] + found[k])
            totals[k] += sizes[k]
        offset += chunk.size
    record_starts = np.concatenate(starts)
    counts = [np.concatenate([*parts, [total]]) for parts, total in zip(before, totals, strict=True)]
    content = np.concatenate([*closed, [open_content]]).astype(bool)
    if record_starts[-1] >= offset:  # the file ends with a newline (or is empty): no record after it
        record_starts, counts, content = record_starts[:-1], [c[:-1] for c in counts], content[:-1]
    delimiters, nuls = (np.diff(c) for c in counts)
    all_newlines = np.concatenate(newlines) if newlines else np.zeros(0, dtype=np.int64)
    lines = np.searchsorted(all_newlines, record_starts, side="left") + 1
    return Records(record_starts, lines, delimiters + 1, content, nuls > 0, unclosed_quote=bool(parity))


def first_line_with_odd_quotes(data: bytes) -> int | None:
    """Where an unclosed or stray quote probably is (1-based line), for the error message."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.count(b'"') % 2:
            return number
    return None
