"""The secret key of the occupant pseudonyms (HMAC-SHA256). Its own light module because a
refresh must know when it changed (all snapshots are then rebuilt: keys made with two secrets
never match) without importing the data libraries.

The key comes from the environment, `SERVIR_PM_KEY` (`SERVIR_PM_SALT` is still read, deprecated).
It is never written anywhere: the manifest says only where it came from, the refresh stores a
one-way fingerprint. The built-in default exists for the synthetic sample only: anyone can brute
force 10^8 DNIs against a public key in seconds, so ingestion refuses real occupant IDs with it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pipelines.errors import ContractError

# Public, hence not a secret: reproducible keys for the synthetic sample and nothing else.
DEFAULT_KEY = "servir-pm-default-salt"
KEY_ENV = "SERVIR_PM_KEY"
LEGACY_KEY_ENV = "SERVIR_PM_SALT"  # deprecated alias, read when SERVIR_PM_KEY is not set
# Kept for code that still imports the old names.
DEFAULT_SALT = DEFAULT_KEY
SALT_ENV = LEGACY_KEY_ENV


def key() -> tuple[str, str]:
    """(secret, where it came from: 'env', 'env (deprecated SERVIR_PM_SALT)' or 'default')."""
    value = os.environ.get(KEY_ENV)
    if value:
        return value, "env"
    legacy = os.environ.get(LEGACY_KEY_ENV)
    if legacy:
        return legacy, f"env (deprecated {LEGACY_KEY_ENV})"
    return DEFAULT_KEY, "default"


def salt() -> tuple[str, str]:
    """Old name of `key()`."""
    return key()


def is_default_key() -> bool:
    return key()[1] == "default"


def salt_fingerprint() -> str:
    """A hash of the key, safe to store: tells that the key changed without revealing it."""
    return hashlib.sha256(("servir-pm-salt-check|" + key()[0]).encode()).hexdigest()[:16]


def require_secret_key(file: Path | str) -> None:
    """Stop before hashing real occupant IDs with the public default key."""
    if not is_default_key():
        return
    raise ContractError(
        "this positions file carries occupant IDs (DNI) and the snapshot is not the synthetic sample, "
        f"but no secret pseudonym key is set ({KEY_ENV}): keys made with the public default could be "
        "reversed by trying every DNI",
        f"set a secret key before ingesting, e.g. `export {KEY_ENV}=$(python -c "
        "'import secrets; print(secrets.token_hex(32))')`, kept in your secret store (it is never written "
        "by the pipeline); use the same key for every refresh, or every occupant looks replaced. "
        "For a synthetic test extract, mark the folder with series.json {\"origin\": \"synthetic\"}",
        file)
