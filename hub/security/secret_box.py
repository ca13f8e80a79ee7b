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
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        return self._fernet.decrypt(sealed.encode()).decode()

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        if settings.webhook_secret_key is not None:
            return cls(settings.webhook_secret_key.get_secret_value().encode())
        return cls(_key_file(settings.home / "webhook-secret-key"))


def _key_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(Fernet.generate_key())
    return path.read_bytes().strip()
