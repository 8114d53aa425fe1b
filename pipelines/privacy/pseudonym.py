"""Occupant IDs become keyed pseudonyms: HMAC-SHA256 with the secret key of `pipelines.privacy.salt`.

The ID is normalized first, so the same person gets the same key from a CSV, an Excel sheet
and a Parquet file: spaces, dots and dashes removed, a leading 'DNI' label dropped, a float
written by a spreadsheet or a Parquet double (`98393471.0`, `9.8393471E7`) turned back into its
digits, and a digits-only ID shorter than a DNI padded with its lost leading zeros to 8 digits
(`1234567` -> `01234567`). Longer documents (carné de extranjería, RUC) keep their digits.
"""

from __future__ import annotations

import hashlib

import polars as pl

from pipelines.privacy.salt import key

DNI_DIGITS = 8
_SLICE = 100_000  # IDs hashed per batch of Python strings
KEY_HEX_CHARS = 20  # 80 bits: no collisions among a country's public servants, short to store


def person_id_expr(raw: pl.Expr) -> pl.Expr:
    """The ID as it is hashed (null when empty)."""
    text = raw.str.strip_chars().str.to_uppercase().str.replace(r"^D\.?\s?N\.?\s?I\.?\s*[:\-N°º]*\s*", "")
    plain_float = text.str.extract(r"^(\d+)\.0+$", 1)
    as_float = text.cast(pl.Float64, strict=False)
    scientific = (pl.when(text.str.contains(r"^\d+(\.\d+)?E\+?\d+$") & (as_float == as_float.floor()))
                  .then(as_float.cast(pl.Int64, strict=False).cast(pl.Utf8)))
    compact = pl.coalesce(plain_float, scientific, text).str.replace_all(r"[^0-9A-Z]", "")
    padded = (pl.when(compact.str.contains(r"^\d+$") & (compact.str.len_chars() < DNI_DIGITS))
              .then(compact.str.zfill(DNI_DIGITS)).otherwise(compact))
    return pl.when(padded == "").then(None).otherwise(padded)


def normalize_ids(ids: pl.Series) -> pl.Series:
    """`person_id_expr` of each ID. An ID that is already 8 digits (nearly all of a registry's) is
    its own normal form: the expression's regular expressions run only on the others."""
    as_is = ids.str.contains(f"^[0-9]{{{DNI_DIGITS}}}$").fill_null(False)
    others = (~as_is).arg_true()
    if not others.len():
        return ids
    fixed = ids.gather(others).to_frame("id").select(person_id_expr(pl.col("id")))
    return ids.clone().scatter(others, fixed.to_series())


def keyed_digests(secret: bytes, values: list[str]) -> list[str]:
    """HMAC-SHA256(secret, value) of each value (RFC 2104), its first KEY_HEX_CHARS hex characters."""
    return [d.hex() for d in _digest_prefixes(secret, [v.encode("utf-8") for v in values])]


def _digest_prefixes(secret: bytes, values: list[bytes]) -> list[bytes]:
    """The first KEY_HEX_CHARS / 2 bytes of HMAC-SHA256(secret, value) of each value (RFC 2104).
    The key's inner and outer pads are hashed once; each value then costs two SHA-256 updates
    (`hmac.new` per value repeats the key set-up: twice as slow over a national file's IDs). Bytes in
    and out: the text encoding and the hex form are done by polars on whole columns (a fifth less
    time in this loop, which holds the GIL)."""
    block = hashlib.sha256().block_size
    padded = (secret if len(secret) <= block else hashlib.sha256(secret).digest()).ljust(block, b"\0")
    inner_copy = hashlib.sha256(bytes(b ^ 0x36 for b in padded)).copy
    outer_copy = hashlib.sha256(bytes(b ^ 0x5C for b in padded)).copy
    size = KEY_HEX_CHARS // 2
    digests = []
    append = digests.append
    for value in values:
        inner, outer = inner_copy(), outer_copy()
        inner.update(value)
        outer.update(inner.digest())
        append(outer.digest()[:size])
    return digests


def pseudonymize(values: pl.Series) -> pl.Series:
    """HMAC-SHA256(key, normalized ID), first 20 hex characters; null stays null.
    Neither polars nor DuckDB has an HMAC: it is computed in Python for each row holding an ID.
    (A registry has about one position per person, so hashing distinct IDs and joining back
    costs more memory than it saves time.)"""
    secret = key()[0].encode("utf-8")
    normalized = normalize_ids(values.cast(pl.Utf8))
    present = normalized.is_not_null().arg_true()
    ids = normalized.gather(present).cast(pl.Binary)  # UTF-8 bytes
    # In slices, so a national file's IDs are never all Python objects at once.
    keys = [pl.Series(_digest_prefixes(secret, ids.slice(at, _SLICE).to_list()), dtype=pl.Binary)
            for at in range(0, ids.len(), _SLICE)]
    out = pl.repeat(None, values.len(), dtype=pl.Utf8, eager=True).alias(values.name)
    return out.scatter(present, pl.concat(keys).bin.encode("hex")) if keys else out
