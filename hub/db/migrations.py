"""Applies schema/constraints.cypher (shipped in the package): idempotent, run by `hub db migrate`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import LiteralString, cast

from hub.db.database import Database
from hub.resources import schema_dir

CONSTRAINTS_FILE = schema_dir() / "constraints.cypher"

AWAIT_INDEXES = "CALL db.awaitIndexes(300)"


def schema_statements(path: Path = CONSTRAINTS_FILE) -> list[LiteralString]:
    """The statements of the schema file, comments dropped, one per `;`."""
    text = re.sub(r"^\s*//.*$", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    # The schema file is project source, not input: it is as trusted as a literal in the code.
    return cast(list[LiteralString], [part.strip() for part in text.split(";") if part.strip()])


async def apply_schema(db: Database) -> int:
    """Creates every missing constraint and index and waits until all are online."""
    statements = schema_statements()
    for statement in statements:
        await db.write(statement)
    await db.write(AWAIT_INDEXES)
    return len(statements)
