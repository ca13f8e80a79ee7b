from __future__ import annotations

import pytest
from neo4j.exceptions import ConstraintError

from hub.db.database import Database
from hub.db.migrations import apply_schema, schema_statements


async def test_schema_applies_idempotently(empty_graph: Database) -> None:
    await apply_schema(empty_graph)
    first = await empty_graph.read("SHOW INDEXES YIELD name RETURN collect(name) AS names")
    await apply_schema(empty_graph)
    second = await empty_graph.read("SHOW INDEXES YIELD name RETURN collect(name) AS names")
    assert sorted(first[0]["names"]) == sorted(second[0]["names"])
    assert "search_text" in first[0]["names"]
    assert len(schema_statements()) >= 20


async def test_ids_are_unique_across_organisations(empty_graph: Database) -> None:
    await empty_graph.write("CREATE (:Organisation:Institution {id: 'same'})")
    with pytest.raises(ConstraintError):
        await empty_graph.write("CREATE (:Organisation:TechEnterprise {id: 'same'})")
