"""The secret salt of the occupant pseudonyms. Its own light module because a refresh must know
when it changed (all snapshots are then rebuilt: keys made with two salts never match) without
importing the data libraries."""

from __future__ import annotations

import hashlib
import os

# A stable default keeps the sample reproducible; real extracts should set their own secret salt.
DEFAULT_SALT = "servir-pm-default-salt"
SALT_ENV = "SERVIR_PM_SALT"


def salt() -> tuple[str, str]:
    """(value, where it came from: 'env' or 'default')."""
    value = os.environ.get(SALT_ENV)
    return (value, "env") if value else (DEFAULT_SALT, "default")


def salt_fingerprint() -> str:
    """A hash of the salt, safe to store: tells that the salt changed without revealing it."""
    return hashlib.sha256(("servir-pm-salt-check|" + salt()[0]).encode()).hexdigest()[:16]
