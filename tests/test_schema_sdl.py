"""schema/schema.graphql is the SDL of the code; `hub schema export` rewrites it."""

from hub.graphql.schema import sdl
from tests.conftest import ROOT


def test_exported_sdl_matches_the_code() -> None:
    exported = (ROOT / "schema" / "schema.graphql").read_text(encoding="utf-8")
    assert exported == sdl(), "schema/schema.graphql is stale: run `.venv/bin/hub schema export`"
