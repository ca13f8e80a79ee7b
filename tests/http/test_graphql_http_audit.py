"""The GraphQL-over-HTTP audit of graphql-http (`auditServer`, pinned by tests/http/audit/package-lock.json)
against the hub served by uvicorn: every one of its 61 audits, MUST, SHOULD and MAY, must be ok."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

from hub.db.database import Database
from hub.settings import Settings
from tests.conftest import live

AUDIT = Path(__file__).parent / "audit"


async def _audit(url: str, key: str) -> list[dict[str, str]]:
    node = shutil.which("node")
    assert node, "Node.js is needed for the GraphQL-over-HTTP audit: run bash .ci/setup.sh"
    assert (AUDIT / "node_modules" / "graphql-http").is_dir(), (
        "run bash .ci/setup.sh (npm ci in tests/http/audit)"
    )
    process = await asyncio.create_subprocess_exec(
        node,
        str(AUDIT / "audit.mjs"),
        f"{url}/graphql",
        env={**os.environ, "HUB_AUDIT_AUTHORIZATION": f"Bearer {key}"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    results: list[dict[str, str]] = json.loads(out)
    return results


async def test_graphql_over_http_audit_passes_every_audit(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    # auditServer sends its 61 requests at once, from one key: more than a worker takes at once
    # by default (hub/admission.py refuses the rest with 503 OVERLOADED, which the audit counts
    # as failures). The audit is about the protocol, so the worker gets room for all of them.
    roomy = test_settings.model_copy(update={"max_in_flight": 64})
    async with live(roomy, seeded) as url:
        results = await _audit(url, admin_key)
    failures = [
        f"{r['id']} {r['name']}: {r['status']}, {r['reason']}; got {r['answer']}"
        for r in results
        if r["status"] != "ok"
    ]
    assert not failures, "\n".join(failures)
    assert len(results) == 61
