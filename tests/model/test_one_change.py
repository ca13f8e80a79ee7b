"""A property is one change: `website` added to Institution in the model alone (by
tests/model/added_field.py, in its own interpreter) is a checked field of the seed files, is in
the SDL, in the answers of the compiled path and of the standard executor alike, in the nodes
export, the peer check names it, and callers write it through registerInstitution and
updateOrganisation, checked as the model says."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from typing import Any

from hub.db.database import Database
from hub.db.server import Connection
from hub.graphql.relay import to_global_id
from hub.graphql.schema import sdl
from tests.conftest import ROOT

SITE = "https://hudson-ridge.example"
HUDSON = to_global_id("Institution", "hudson-ridge-bank")


def _with_website(neo4j: Connection, admin_key: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "HUB_TEST_NEO4J_URI": neo4j.uri,
        "HUB_TEST_NEO4J_USER": neo4j.user,
        "HUB_TEST_NEO4J_PASSWORD": neo4j.password,
        "HUB_TEST_NEO4J_DATABASE": neo4j.database,
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.model.added_field", admin_key],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def _type(text: str, name: str) -> str:
    kind = next(k for k in ("type", "interface", "input") if f"\n{k} {name} " in text)
    start = text.index(f"\n{kind} {name} ")
    return text[start : text.index("\n}", start)]


def _without(text: str, *names: str) -> str:
    for name in names:
        text = text.replace(_type(text, name), "")
    return text


async def test_a_property_added_to_the_model_alone_is_everywhere(
    seeded: Database, neo4j: Connection, admin_key: str
) -> None:
    await seeded.write("MATCH (i:Institution {id: 'hudson-ridge-bank'}) SET i.website = $site", site=SITE)
    assert "website" not in sdl()  # the model as committed has no such field

    found = _with_website(neo4j, admin_key)

    assert found["seed"]["row"]["website"] == "https://x.example"  # the seed loader writes it
    assert "website\n  Input should be a valid string" in found["seed"]["refused"]

    institution = _type(found["sdl"], "Institution")
    assert '"""The institution\'s public web site."""\n  website: String\n' in institution
    assert (
        institution.index("licences") < institution.index("website") < institution.index("soughtCapabilities")
    )
    assert "website" not in _type(found["sdl"], "Organisation")  # a tech enterprise has none
    assert "website: String = null" in _type(found["sdl"], "RegisterInstitutionInput")
    assert "website: String = null" in _type(found["sdl"], "UpdateOrganisationInput")
    assert "website" not in _type(found["sdl"], "RegisterTechEnterpriseInput")
    changed = ("Institution", "RegisterInstitutionInput", "UpdateOrganisationInput")
    assert _without(found["sdl"], *changed) == _without(sdl(), *changed)

    compiled, standard = found["compiled"], found["standard"]
    for fast, slow in zip(compiled["answers"], standard["answers"], strict=True):
        assert "errors" not in fast["body"], fast
        assert json.dumps(fast["body"]) == json.dumps(slow["body"])
        assert fast["roundTrips"] == 1  # the compiled statement answered, not the executor
    first, node, zones = (a["body"]["data"] for a in compiled["answers"])
    assert [i["website"] for i in first["institutions"]["nodes"]] == [None, None, None]
    assert node["node"] == {"name": "Hudson Ridge Bank (China)", "website": SITE}
    located = [o for z in zones["zones"]["nodes"] for o in z["organisations"]["nodes"]]
    assert located
    assert all(o["website"] == (SITE if o["id"] == HUDSON else None) for o in located)

    rows = list(csv.DictReader(io.StringIO(compiled["export"])))
    assert "website" in rows[0]
    assert {r["id"]: r["website"] for r in rows if r["website"]} == {"hudson-ridge-bank": SITE}
    assert compiled["export"] == standard["export"]

    assert found["peer"] == ["Institution.website is in the model but not in typeDefs.graphql"]

    # Written through the API as the model declares: checked (a name: trimmed, never blank),
    # refused for a tech enterprise, which has no such property, and nothing written then.
    registered, updated, blank, tech, stored = found["writes"]
    assert registered["data"]["registerInstitution"] == {
        "institution": {"website": "https://w.example"},
        "userErrors": [],
    }
    assert updated["data"]["updateOrganisation"] == {
        "organisation": {"website": "https://new.example"},
        "userErrors": [],
    }
    assert blank["data"]["updateOrganisation"] == {
        "organisation": None,
        "userErrors": [{"field": "input.website", "code": "REQUIRED"}],
    }
    assert tech["data"]["updateOrganisation"] == {
        "organisation": None,
        "userErrors": [{"field": "input.website", "code": "NOT_APPLICABLE"}],
    }
    assert stored == ["https://new.example", "https://w.example"]
