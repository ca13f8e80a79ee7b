"""The README's example operations answer on the seeded graph."""

from __future__ import annotations

import re
from pathlib import Path

from hub.db.database import Database
from tests.conftest import ROOT, GraphQLClient

EXAMPLES = re.findall(r"```graphql\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 6


async def test_every_readme_example_answers(seeded: Database, gql: GraphQLClient) -> None:
    for example in EXAMPLES:
        data = await gql(example)
        assert data and all(value is not None for value in data.values()), example


async def test_readme_examples_return_the_seeded_facts(seeded: Database, gql: GraphQLClient) -> None:
    banks = await gql(EXAMPLES[0])
    assert banks["institutions"]["totalCount"] == 14
    batch = await gql(EXAMPLES[3])
    assert batch["node"]["projects"]["totalCount"] == 11
    proposal = await gql(EXAMPLES[5])
    payload = proposal["proposePartnership"]
    assert payload["userErrors"] == []
    assert payload["partnership"]["kind"] == "COOPERATION"
    assert payload["partnership"]["status"] == "PROPOSED"


def test_readme_has_exactly_two_setup_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", Path(ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    setups = [b for b in blocks if ".ci/setup.sh" in b]
    assert [b.strip() for b in setups] == [
        "bash .ci/setup.sh && .venv/bin/hub up",
        "bash .ci/setup.sh && .venv/bin/pytest",
    ]
