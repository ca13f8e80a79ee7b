"""Who may call: API keys and JWT bearer tokens; anonymous callers are refused."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from hub.db.database import Database
from hub.domain.enums import Role
from hub.errors import NotFoundError, UserInputError
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import serve

VIEWER = "{ viewer { subject role organisation { id name } } }"


async def _ask(http: httpx.AsyncClient, credential: str | None, query: str = VIEWER) -> httpx.Response:
    headers = {"Authorization": credential} if credential is not None else {}
    return await http.post("/graphql", json={"query": query}, headers=headers)


def _refusal(response: httpx.Response) -> str:
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.json().get("data") is None
    return str(error["message"])


async def test_anonymous_and_malformed_credentials_are_refused(anonymous: httpx.AsyncClient) -> None:
    assert "credentials are required" in _refusal(await _ask(anonymous, None))
    assert "Bearer scheme" in _refusal(await _ask(anonymous, "Basic dXNlcjpwYXNz"))
    assert "malformed API key" in _refusal(await _ask(anonymous, "Bearer hub_nosecret"))
    assert "unknown API key" in _refusal(await _ask(anonymous, "Bearer hub_abcdef123456_wrongsecret"))
    assert "not configured" in _refusal(await _ask(anonymous, "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"))
    assert (await anonymous.get("/healthz")).status_code == 200


async def test_partner_key_identifies_its_organisation(
    seeded: Database, anonymous: httpx.AsyncClient
) -> None:
    issued = await ApiKeys(seeded).create(Role.PARTNER, "thamesgate-bank", "portal")
    response = await _ask(anonymous, f"Bearer {issued.key}")
    assert response.status_code == 200
    assert response.json()["data"]["viewer"] == {
        "subject": f"key:{issued.key_id}",
        "role": "PARTNER",
        "organisation": {
            "id": to_global_id("Institution", "thamesgate-bank"),
            "name": "Thamesgate Bank (China)",
        },
    }


async def test_revoked_key_is_refused(seeded: Database, test_settings: Settings) -> None:
    keys = ApiKeys(seeded)
    issued = await keys.create(Role.ANALYST, None, "to revoke")
    uncached = test_settings.model_copy(update={"api_key_cache_seconds": 0})
    async with serve(uncached, seeded) as http:
        assert (await _ask(http, f"Bearer {issued.key}")).status_code == 200
        assert await keys.revoke(issued.key_id)
        assert "revoked" in _refusal(await _ask(http, f"Bearer {issued.key}"))
    assert not await keys.revoke(issued.key_id)


async def test_a_revoked_key_stops_working_once_its_verification_expires(
    seeded: Database, test_settings: Settings
) -> None:
    keys = ApiKeys(seeded)
    issued = await keys.create(Role.ANALYST, None, "cached, then revoked")
    # Long enough that a loaded machine answers the second request within it.
    cached = test_settings.model_copy(update={"api_key_cache_seconds": 3})
    async with serve(cached, seeded) as http:
        assert (await _ask(http, f"Bearer {issued.key}")).status_code == 200
        await keys.revoke(issued.key_id)
        assert (await _ask(http, f"Bearer {issued.key}")).status_code == 200  # still remembered
        await asyncio.sleep(3.1)
        assert "revoked" in _refusal(await _ask(http, f"Bearer {issued.key}"))
        # A refusal is never remembered as a success, and a wrong key never reaches the cache.
        assert (await _ask(http, f"Bearer {issued.key[:-1]}x")).status_code == 401


async def test_keys_are_stored_only_as_hashes(seeded: Database) -> None:
    issued = await ApiKeys(seeded).create(Role.REGULATOR, None, "hash check")
    rows = await seeded.read("MATCH (k:ApiKey {id: $id}) RETURN k {.*} AS k", id=issued.key_id)
    stored = json.dumps(rows[0]["k"], default=str)
    assert issued.key.split("_", 2)[2] not in stored
    assert len(rows[0]["k"]["hash"]) == 64


async def test_key_creation_is_checked(seeded: Database) -> None:
    keys = ApiKeys(seeded)
    with pytest.raises(UserInputError, match="PARTNER key acts for an organisation"):
        await keys.create(Role.PARTNER, None)
    with pytest.raises(NotFoundError, match="no organisation with id 'atlantis-bank'"):
        await keys.create(Role.PARTNER, "atlantis-bank")


def _claims(**overrides: Any) -> dict[str, Any]:
    return {
        "sub": "alice",
        "role": "analyst",
        "aud": "fintech-hub",
        "exp": int(time.time()) + 300,
    } | overrides


async def test_hs256_tokens(seeded: Database, test_settings: Settings) -> None:
    settings = test_settings.model_copy(
        update={"jwt_secret": SecretStr("s3cret-for-tests-only-0123456789abcdef")}
    )
    secret = "s3cret-for-tests-only-0123456789abcdef"
    async with serve(settings, seeded) as http:
        ok = await _ask(http, f"Bearer {jwt.encode(_claims(), secret, algorithm='HS256')}")
        assert ok.json()["data"]["viewer"]["subject"] == "jwt:alice"
        assert ok.json()["data"]["viewer"]["role"] == "ANALYST"
        partner = jwt.encode(_claims(role="PARTNER", org="hudson-ridge-bank"), secret, algorithm="HS256")
        org = (await _ask(http, f"Bearer {partner}")).json()["data"]["viewer"]["organisation"]
        assert org["name"] == "Hudson Ridge Bank (China)"
        expired = jwt.encode(_claims(exp=int(time.time()) - 10), secret, algorithm="HS256")
        assert "expired" in _refusal(await _ask(http, f"Bearer {expired}"))
        elsewhere = jwt.encode(_claims(aud="another-api"), secret, algorithm="HS256")
        assert "audience" in _refusal(await _ask(http, f"Bearer {elsewhere}"))
        forged = jwt.encode(_claims(), "another-secret-entirely-0123456789abcdef", algorithm="HS256")
        assert "invalid token" in _refusal(await _ask(http, f"Bearer {forged}"))
        no_role = jwt.encode({k: v for k, v in _claims().items() if k != "role"}, secret, algorithm="HS256")
        assert "invalid token" in _refusal(await _ask(http, f"Bearer {no_role}"))
        partner_without_org = jwt.encode(_claims(role="PARTNER"), secret, algorithm="HS256")
        assert "org" in _refusal(await _ask(http, f"Bearer {partner_without_org}"))


async def test_a_token_whose_org_names_no_organisation_is_refused(
    seeded: Database, test_settings: Settings
) -> None:
    secret = "s3cret-for-tests-only-0123456789abcdef"
    settings = test_settings.model_copy(update={"jwt_secret": SecretStr(secret)})
    async with serve(settings, seeded) as http:
        for role in ("PARTNER", "ANALYST"):
            nowhere = jwt.encode(_claims(role=role, org="atlantis-bank"), secret, algorithm="HS256")
            message = _refusal(await _ask(http, f"Bearer {nowhere}"))
            assert message == "the token's `org` claim names no organisation of this hub"
            export = await http.get("/export/nodes.csv", headers={"Authorization": f"Bearer {nowhere}"})
            assert (
                export.status_code == 401
                and export.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            )
        # An organisation that exists is accepted, the second time from what the hub remembers.
        partner = jwt.encode(_claims(role="PARTNER", org="hudson-ridge-bank"), secret, algorithm="HS256")
        for _ in range(2):
            viewer = (await _ask(http, f"Bearer {partner}")).json()["data"]["viewer"]
            assert viewer["organisation"]["id"] == to_global_id("Institution", "hudson-ridge-bank")


async def test_rs256_tokens_from_a_jwks_file(
    seeded: Database, test_settings: Settings, tmp_path: Path
) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [jwk | {"kid": "k1", "use": "sig", "alg": "RS256"}]}))
    settings = test_settings.model_copy(update={"jwt_jwks_file": jwks, "jwt_issuer": "https://idp.example"})
    claims = _claims(role="REGULATOR", iss="https://idp.example")
    async with serve(settings, seeded) as http:
        token = jwt.encode(claims, private, algorithm="RS256", headers={"kid": "k1"})
        assert (await _ask(http, f"Bearer {token}")).json()["data"]["viewer"]["role"] == "REGULATOR"
        unknown_kid = jwt.encode(claims, private, algorithm="RS256", headers={"kid": "k2"})
        assert "unknown key" in _refusal(await _ask(http, f"Bearer {unknown_kid}"))
        wrong_issuer = jwt.encode(
            _claims(iss="https://evil.example"), private, algorithm="RS256", headers={"kid": "k1"}
        )
        assert "invalid token" in _refusal(await _ask(http, f"Bearer {wrong_issuer}"))
    pem_file = tmp_path / "public.pem"
    pem_file.write_bytes(public_pem)
    settings = test_settings.model_copy(update={"jwt_public_key_file": pem_file})
    async with serve(settings, seeded) as http:
        token = jwt.encode(_claims(), private, algorithm="RS256")
        assert (await _ask(http, f"Bearer {token}")).status_code == 200
