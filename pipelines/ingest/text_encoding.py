"""A text file's encoding: decoded (or checked) into UTF-8 bytes with LF line endings.

UTF-8 is checked in pieces, never decoded whole into a Python string; other encodings
(UTF-16 with a byte-order mark, cp1252) are decoded and re-encoded as UTF-8. A large file that
is UTF-8 already, without a byte-order mark or CR line endings, is not rewritten at all: the
reader hands its path to the record counter and to polars (`readable_from_disk`).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import polars as pl

from pipelines.errors import UnreadableFileError
from pipelines.ingest.csv_records import normalize_line_endings

SNIFF_BYTES = 64 * 1024
_DECODE_BYTES = 16 * 2**20  # UTF-8 is checked in pieces this large
STREAM_FROM_BYTES = 16 * 2**20  # UTF-8 files this large (LF, no BOM) are read from disk, not held whole
_NOT_BLANK_BYTE = re.compile(rb"[^\s\x00\x1c-\x1f]")
# A text file may hold a stray NUL byte (row quarantined); more than this share of NULs, or other
# control characters, means binary data.
_MAX_NUL_SHARE = 0.001
_MAX_STRAY_NULS = 8


def _check_utf8(data: memoryview) -> None:
    """Raise UnicodeDecodeError unless `data` is UTF-8; decoded in pieces, never held whole as text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for offset in range(0, len(data), _DECODE_BYTES):
        decoder.decode(data[offset:offset + _DECODE_BYTES], final=False)
    decoder.decode(b"", final=True)


def _last_char_start(piece: bytes) -> int:
    """Where the piece's last character starts (it may be cut short by the piece's end): the piece
    can be split there and each part checked alone. A byte from 0x80 to 0xBF continues a
    character; a character is at most 4 bytes, so this looks at most 3 bytes back."""
    at = len(piece) - 1
    while at > max(0, len(piece) - 4) and piece[at] & 0xC0 == 0x80:
        at -= 1
    return at if piece[at] >= 0x80 else len(piece)


def _is_utf8(piece: bytes) -> bool:
    """Whether `piece` is UTF-8, checked by polars' vectorized validation (about 3x less CPU than
    Python's decoder, and no text is made)."""
    try:
        pl.Series([piece], dtype=pl.Binary).cast(pl.Utf8)
    except pl.exceptions.PolarsError:
        return False
    return True


def _has_text(data: bytes) -> bool:
    """Anything but whitespace and NUL bytes (str.isspace's whitespace, as str.strip removes it)."""
    at = 0
    while (found := _NOT_BLANK_BYTE.search(data, at)) is not None:
        if data[found.start()] < 0x80:
            return True
        char = data[found.start():found.start() + 4].decode("utf-8", errors="replace")[:1]
        if not char.isspace():
            return True
        at = found.start() + len(char.encode("utf-8"))
    return False


def _decode(data: bytes, path: Path) -> tuple[str | None, str]:
    """(text, encoding); text is None when the bytes are UTF-8 already (read as they are)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a byte-order mark (usually tab-separated).
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableFileError(
                "the file starts like UTF-16 text (byte-order mark) but does not decode as UTF-16",
                "export the table again as CSV UTF-8", path) from None
    sample = data[:SNIFF_BYTES]
    nuls = sample.count(b"\x00")
    if nuls and max(sample[0::2].count(b"\x00"), sample[1::2].count(b"\x00")) > len(sample) // 4:
        raise UnreadableFileError(
            "the file looks like UTF-16 text without a byte-order mark (every other byte is NUL)",
            "in Excel use 'Save as' CSV UTF-8 (or 'Unicode text', which carries the mark); "
            "or convert it: iconv -f UTF-16LE -t UTF-8", path)
    other_controls = sum(sample.count(bytes([b])) for b in range(1, 32) if b not in (9, 10, 13))
    if nuls and (nuls > max(_MAX_STRAY_NULS, len(sample) * _MAX_NUL_SHARE) or other_controls > len(sample) // 200):
        raise UnreadableFileError(
            "the file holds binary data, not text (NUL bytes found); it is not a CSV",
            "export the table again as CSV (UTF-8 or Latin-1), or as .xlsx/.parquet with that extension",
            path)
    if data.startswith(b"\xef\xbb\xbf"):
        _check_utf8(memoryview(data)[3:])  # a BOM then bytes that are not UTF-8: an error, as before
        return None, "utf-8-sig"
    try:
        _check_utf8(memoryview(data))
        return None, "utf-8"
    except UnicodeDecodeError:
        pass
    # A UTF-8 export with a few stray bytes must not be decoded whole as cp1252 (every accent
    # would turn into 'Ã³'): when valid multi-byte characters outnumber the bad bytes, keep UTF-8
    # and mark the bad bytes with U+FFFD, saying so in the encoding reported.
    as_utf8 = data.decode("utf-8", errors="replace")
    bad = as_utf8.count("\ufffd")
    good_multibyte = sum(1 for ch in as_utf8 if ord(ch) > 127) - bad
    if good_multibyte > bad:
        return as_utf8, f"utf-8 ({bad} undecodable byte(s) replaced with \ufffd)"
    # Peruvian exports from Windows tools are usually cp1252; it is a superset of Latin-1
    # for printable text. Reject files where too much decodes to control characters.
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:SNIFF_BYTES] if ord(ch) < 32 and ch not in "\r\n\t\x00")
    if controls > max(10, len(text[:SNIFF_BYTES]) // 100) or text.count("\ufffd") > len(text) // 100 + 5:
        raise UnreadableFileError(
            "the file is not readable text in UTF-8 or Latin-1/cp1252 (binary or unknown encoding)",
            "export the table again as CSV in UTF-8 or Latin-1", path)
    return text, "cp1252"


def utf8_payload(path: Path) -> tuple[bytes, str]:
    """The file as UTF-8 bytes with LF line endings, and the encoding it was read in."""
    data = path.read_bytes()
    text, encoding = _decode(data, path)
    if not (_has_text(data) if text is None else text.strip().strip("\x00")):
        raise UnreadableFileError("the file holds only blank space",
                                  "export the registry again with its header row", path)
    # Hand polars and the record counter the same UTF-8 bytes with LF line endings (CR-only files
    # from old Excel for Mac would otherwise read as one line).
    if text is not None:
        payload = text.encode("utf-8")
        del text
    else:
        payload = data[3:] if encoding == "utf-8-sig" else data
    del data
    return normalize_line_endings(payload), encoding


def head_bytes(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(SNIFF_BYTES)


def readable_from_disk(path: Path) -> bool:
    """A large file already in UTF-8 (no byte-order mark) with LF line endings needs no rewriting:
    the record counter and polars read it from disk, and it is never held whole in memory."""
    if path.stat().st_size < STREAM_FROM_BYTES:
        return False
    head = head_bytes(path)
    try:  # the same binary / UTF-16 checks as for the whole file (they look at its first 64 KB)
        text, encoding = _decode(head, path)
    except UnreadableFileError:
        return False  # read whole: the same message is raised there
    if text is not None or encoding != "utf-8" or not _has_text(head):
        return False
    carry = b""  # a character cut by the end of the previous piece
    with path.open("rb") as handle:
        while piece := handle.read(_DECODE_BYTES):
            if b"\r" in piece:
                return False
            if carry:
                piece = carry + piece
            cut = _last_char_start(piece)
            if not _is_utf8(piece if cut == len(piece) else piece[:cut]):
                return False
            carry = piece[cut:]
    return _is_utf8(carry)
