"""A CSV file in parseable blocks of whole rows, so a large sample is never read whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any


def row_blocks(path: Path, block_bytes: int, digest: Any = None) -> Iterator[bytes]:
    """The CSV in parseable pieces: the header line plus about `block_bytes` of whole rows each
    (a newline inside a quoted cell does not end a row). `digest` sees every byte of the file."""
    with path.open("rb") as fh:
        header = fh.readline()
        if digest is not None:
            digest.update(header)
        carry = b""
        while data := fh.read(block_bytes):
            if digest is not None:
                digest.update(data)
            buf = carry + data
            cut = buf.rfind(b"\n")
            while cut >= 0 and buf.count(b'"', 0, cut) % 2:  # that newline is inside quotes
                cut = buf.rfind(b"\n", 0, cut)
            if cut < 0:
                carry = buf
                continue
            yield header + buf[:cut + 1]
            carry = buf[cut + 1:]
        if carry.strip():
            yield header + carry
