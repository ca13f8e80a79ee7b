"""Applies schema/constraints.cypher (shipped in the package), then labels the nodes whose
value labels (hub/model/types.py `ValueLabels`) are missing or wrong: idempotent, run by
`hub db migrate` (and `hub serve`, `hub up`, `hub seed`, `hub worker`)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import LiteralString, cast

from hub.db.database import Database
from hub.db.repositories.value_labels import mirrored, relabel
from hub.resources import schema_dir

log = logging.getLogger("hub.migrations")

CONSTRAINTS_FILE = schema_dir() / "constraints.cypher"

AWAIT_INDEXES = "CALL db.awaitIndexes(300)"


def schema_statements(path: Path = CONSTRAINTS_FILE) -> list[LiteralString]:
    """The statements of the schema file, comments dropped, one per `;`."""
    text = re.sub(r"^\s*//.*$", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    # The schema file is project source, not input: it is as trusted as a literal in the code.
    return cast(list[LiteralString], [part.strip() for part in text.split(";") if part.strip()])


async def apply_schema(db: Database) -> int:
    """Creates every missing constraint and index and waits until all are online, then brings
    every node's value labels into line with its property (a store written before the labels
    existed, or by hand). Returns how many schema statements were applied."""
    statements = schema_statements()
    for statement in statements:
        await db.write(statement)
    await db.write(AWAIT_INDEXES)
    for m in mirrored():
        done = await relabel(db, m)
        if done.fixed:
            log.info(
                "labelled %d of %d %s nodes by their %s in %.1f s",
                done.fixed,
                done.read,
                m.label,
                m.prop,
                done.seconds,
            )
    return len(statements)
