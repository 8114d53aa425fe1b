"""pipelines.privacy.pseudonym.keyed_digests is HMAC-SHA256 as the standard library computes it,
for keys shorter than, equal to and longer than SHA-256's 64-byte block (RFC 2104 hashes those)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from pipelines.privacy.pseudonym import KEY_HEX_CHARS, keyed_digests

VALUES = ["01234567", "98393471", "CE001234567", "ÑANDÚ-ñ", ""]


@pytest.mark.parametrize("secret", [b"k", b"x" * 64, b"y" * 65, "clave-secreta-ñ".encode()])
def test_keyed_digests_equal_the_standard_hmac(secret: bytes) -> None:
    expected = [hmac.new(secret, v.encode("utf-8"), hashlib.sha256).hexdigest()[:KEY_HEX_CHARS] for v in VALUES]
    assert keyed_digests(secret, VALUES) == expected


def test_ids_are_normalized_by_the_rules_of_the_module_docstring() -> None:
    """8-digit DNIs pass as they are; every other shape goes through the rules (labelled by hand)."""
    import polars as pl

    from pipelines.privacy.pseudonym import normalize_ids

    cases = {
        "12345678": "12345678", " 12345678 ": "12345678", "1234567": "01234567", "DNI 12345678": "12345678",
        "dni: 01234567": "01234567", "12345678.0": "12345678", "9.8393471E7": "98393471", "1234-5678": "12345678",
        "CE-001234567": "CE001234567", "123456789": "123456789", "00000000": "00000000", "  ": None,
    }
    ids = pl.Series([*cases, None], dtype=pl.Utf8)
    assert normalize_ids(ids).to_list() == [*cases.values(), None]
