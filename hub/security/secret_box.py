"""Webhook secrets at rest: the hub must sign with them, so it keeps them, encrypted.

Each secret is stored in Neo4j sealed with Fernet (AES-128-CBC and HMAC-SHA256, from the
`cryptography` package) under one key: `HUB_WEBHOOK_SECRET_KEY` (a Fernet key; set it in
production and give the API and `hub worker` the same), or else a key the hub generates once
into `<home>/webhook-secret-key` (mode 600). A copy of the database alone does not reveal a
secret, and the API shows a secret only once, when it is made.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet

from hub.settings import Settings


class SecretBox:
    """`key`, or the key in `key_file`, made there on first use (never before a webhook needs it:
    a hub pointed at an existing Neo4j writes nothing into its home otherwise)."""

    def __init__(self, key: bytes | None = None, key_file: Path | None = None) -> None:
        self._key = key
        self._key_file = key_file
        self._fernet: Fernet | None = None

    def _box(self) -> Fernet:
        if self._fernet is None:
            key = self._key
            if key is None:
                assert self._key_file is not None
                key = _key_file(self._key_file)
            self._fernet = Fernet(key)
        return self._fernet

    def seal(self, secret: str) -> str:
        return self._box().encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        return self._box().decrypt(sealed.encode()).decode()

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        if settings.webhook_secret_key is not None:
            return cls(key=settings.webhook_secret_key.get_secret_value().encode())
        return cls(key_file=settings.home / "webhook-secret-key")


def _key_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(Fernet.generate_key())
    return path.read_bytes().strip()
