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
