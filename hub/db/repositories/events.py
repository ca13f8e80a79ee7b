"""The event log: appended in the writing transaction, read by sequence (hub/domain/events.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, LiteralString

from hub.db.database import Runner, Transaction
from hub.domain.events import Event, EventScope, NewEvent, OrganisationRef

# The organisations' labels are read first, so the counter's lock is held as briefly as can be.
# Setting `lock` takes the counter's write lock before its value is read: two transactions never
# read the same value, and the second waits until the first commits or rolls back, so sequences
# are handed out without gaps and committed in their order. `organisations` and `subjectType`
# come from the event itself (APPEND) or from the statement that appends it (APPEND_IN_CHANGE).
_APPEND_BODY: LiteralString = """
OPTIONAL MATCH (o:Organisation) WHERE o.id IN organisations
WITH organisations, subjectType,
     collect(CASE WHEN o:Institution THEN 'Institution' ELSE 'TechEnterprise' END + ':' + o.id) AS refs
MERGE (log:EventLog {id: 'events'})
SET log.lock = true
WITH log, refs, organisations, subjectType
SET log.sequence = coalesce(log.sequence, 0) + 1
CREATE (e:Event)
SET e = $event, e.id = randomUUID(), e.sequence = log.sequence, e.at = datetime(),
    e.organisationRefs = refs, e.organisations = organisations, e.subjectType = subjectType
"""

APPEND: LiteralString = (
    "WITH $event.organisations AS organisations, $event.subjectType AS subjectType "
    + _APPEND_BODY
    + "RETURN e.sequence AS sequence"
)

# The event of a change that is one statement (Database.change): the statement binds
# `organisations` (sorted ids) and `subjectType` in the branch that changes something.
APPEND_IN_CHANGE: LiteralString = "CALL (organisations, subjectType) { " + _APPEND_BODY + "} "

_AUDIENCE: LiteralString = (
    "($seesAll OR e.scope IN $scopes OR ($viewerOrg IS NOT NULL AND $viewerOrg IN e.organisations))"
)

PAGE: LiteralString = (
    "MATCH (e:Event) WHERE e.sequence > $after AND ($until IS NULL OR e.sequence <= $until) "
    "AND ($types IS NULL OR e.type IN $types) AND "
    + _AUDIENCE
    + " RETURN e {.*, at: e.at} AS event ORDER BY e.sequence LIMIT $limit"
)

# Every event after `after` whoever may hear it: the feed reads once for all its subscribers.
ALL_AFTER: LiteralString = (
    "MATCH (e:Event) WHERE e.sequence > $after "
    "RETURN e {.*, at: e.at} AS event ORDER BY e.sequence LIMIT $limit"
)

HEAD: LiteralString = "OPTIONAL MATCH (log:EventLog {id: 'events'}) RETURN coalesce(log.sequence, 0) AS head"

PRUNE: LiteralString = """
MATCH (e:Event) WHERE e.at < $before
WITH e LIMIT $batch
DETACH DELETE e
RETURN count(*) AS pruned
"""


async def append(tx: Transaction, event: NewEvent) -> int:
    """Appends `event` in the open transaction `tx`; its sequence."""
    rows = await tx.write(APPEND, event=event.row())
    tx.appended_events = True
    return int(rows[0]["sequence"])


def _event(row: dict[str, Any]) -> Event:
    refs = []
    for ref in row.get("organisationRefs") or []:
        type_name, _, org_id = str(ref).partition(":")
        refs.append(OrganisationRef(type_name, org_id))
    at = row["at"]
    return Event(
        id=row["id"],
        sequence=int(row["sequence"]),
        type=row["type"],
        subject_type=row["subjectType"],
        subject_id=row["subjectId"],
        organisations=tuple(refs),
        scope=EventScope(row["scope"]),
        payload=json.loads(row["payload"]),
        at=at.to_native() if hasattr(at, "to_native") else at,
    )


async def events_after(
    db: Runner,
    *,
    after: int,
    types: list[str] | None,
    audience: dict[str, object],
    limit: int,
    until: int | None = None,
) -> list[Event]:
    """The events after sequence `after` (up to `until`) that the audience hears, of `types`
    (None: any), in order."""
    rows = await db.read(PAGE, after=after, until=until, types=types, limit=limit, **audience)
    return [_event(r["event"]) for r in rows]


async def all_after(db: Runner, *, after: int, limit: int) -> list[Event]:
    rows = await db.read(ALL_AFTER, after=after, limit=limit)
    return [_event(r["event"]) for r in rows]


async def head(db: Runner) -> int:
    """The sequence of the last committed event (0 before the first)."""
    rows = await db.read(HEAD)
    return int(rows[0]["head"])


async def prune(db: Runner, *, before: datetime, batch: int = 10_000) -> int:
    """Deletes events older than `before`, at most `batch` of them; how many it deleted."""
    rows = await db.write(PRUNE, before=before, batch=batch)
    return int(rows[0]["pruned"])
