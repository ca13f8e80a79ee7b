"""Partnerships: pages, proposals and lifecycle changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from hub.db.cypher import choose_start, ordered, root_page, seek_after, visible_partnership
from hub.db.database import Runner
from hub.db.mapping import from_props, to_props
from hub.db.pages import after_params, read_page
from hub.db.repositories.value_labels import label_params, partnership_status
from hub.domain.enums import PartnershipKind, PartnershipStatus
from hub.domain.models import Partnership
from hub.domain.paging import Page, PageRequest
from hub.domain.principal import Visibility

_PARTNERSHIP_FILTERS: LiteralString = (
    "($kind IS NULL OR n.kind = $kind) "
    "AND ($status IS NULL OR n.status = $status) "
    "AND ($proposedFrom IS NULL OR n.proposedOn >= $proposedFrom) "
    "AND ($proposedTo IS NULL OR n.proposedOn <= $proposedTo) "
    "AND " + visible_partnership("n")
)
_PARTY: LiteralString = (
    " AND ($organisationId IS NULL OR EXISTS { (:Organisation {id: $organisationId})-[:PARTY_TO]->(n) })"
)
_PARTNERSHIP_KEY: LiteralString = "CASE $orderBy WHEN 'TITLE' THEN n.title ELSE n.proposedOn END"


def _page(match: LiteralString, where: LiteralString) -> LiteralString:
    return root_page(
        match + " WHERE " + where, ordered(_PARTNERSHIP_KEY), seek_after(_PARTNERSHIP_KEY), "n {.*}"
    )


# As for organisations: start from the most selective filter given, so the planner seeks.
PARTNERSHIPS_PAGE: dict[str, LiteralString] = {
    "organisation": _page(
        "MATCH (:Organisation {id: $organisationId})-[:PARTY_TO]->(n:Partnership)", _PARTNERSHIP_FILTERS
    ),
    "status": _page("MATCH (n:Partnership {status: $status})", _PARTNERSHIP_FILTERS + _PARTY),
    "kind": _page("MATCH (n:Partnership {kind: $kind})", _PARTNERSHIP_FILTERS + _PARTY),
    "all": _page("MATCH (n:Partnership)", _PARTNERSHIP_FILTERS + _PARTY),
}

OPEN_BETWEEN = """
MATCH (:Organisation {id: $a})-[:PARTY_TO]->(p:Partnership)<-[:PARTY_TO]-(:Organisation {id: $b})
WHERE p.status IN ['PROPOSED', 'ACTIVE']
RETURN p.id AS id, p.status AS status
LIMIT 1
"""

CREATE_PARTNERSHIP = """
MATCH (proposer:Organisation {id: $proposerId}), (recipient:Organisation {id: $recipientId})
CREATE (p:Partnership)
SET p = $props, p.createdAt = datetime()
SET p:$($labelOf[p.status])
CREATE (proposer)-[:PARTY_TO {role: 'PROPOSER'}]->(p)
CREATE (recipient)-[:PARTY_TO {role: 'RECIPIENT'}]->(p)
RETURN p {.*} AS item
"""

# Writing the node takes its write lock, so two concurrent transitions of the same partnership
# are serialised, and the status is read after the lock (in the next clause): the second reads
# what the first wrote. Not `SET p.status = p.status`: its right side is read before the lock is
# taken, so the second transaction read the status the first had replaced and wrote it back
# (tests/services/test_concurrent_transitions.py).
LOCK_STATUS = """
MATCH (p:Partnership {id: $id})
SET p._lock = true REMOVE p._lock
WITH p
RETURN p.status AS status
"""

# The status's label (ActivePartnership, ...) changes with it, in the same statement
# (hub/db/repositories/value_labels.py).
SET_STATUS = """
MATCH (p:Partnership {id: $id})
SET p.status = $status, p += $dates, p.updatedAt = datetime()
REMOVE p:$($valueLabels)
SET p:$($labelOf[$status])
RETURN p {.*} AS item
"""


PARTIES = """
MATCH (o:Organisation)-[:PARTY_TO]->(:Partnership {id: $id})
RETURN collect(o.id) AS ids
"""


@dataclass(frozen=True, slots=True)
class PartnershipFilter:
    kind: PartnershipKind | None = None
    status: PartnershipStatus | None = None
    proposed_from: date | None = None
    proposed_to: date | None = None
    organisation_id: str | None = None


async def partnerships_page(
    db: Runner,
    *,
    where: PartnershipFilter,
    page: PageRequest,
    order_by: str,
    descending: bool,
    visibility: Visibility,
) -> Page[Partnership]:
    query = choose_start(
        PARTNERSHIPS_PAGE, organisation=where.organisation_id, status=where.status, kind=where.kind
    )
    rows = await db.read(
        query,
        **visibility.params(),
        kind=where.kind,
        status=where.status,
        proposedFrom=where.proposed_from,
        proposedTo=where.proposed_to,
        organisationId=where.organisation_id,
        orderBy=order_by,
        descending=descending,
        **after_params(page),
    )
    row = rows[0]
    return read_page(page, row["items"], row["total"], lambda i: from_props(Partnership, i))


async def open_partnership_between(db: Runner, *, a: str, b: str) -> tuple[str, str] | None:
    """The id and status of a PROPOSED or ACTIVE partnership between `a` and `b`, if any."""
    rows = await db.read(OPEN_BETWEEN, a=a, b=b)
    return (rows[0]["id"], rows[0]["status"]) if rows else None


async def create_partnership(
    db: Runner, *, partnership: Partnership, proposer_id: str, recipient_id: str
) -> Partnership:
    rows = await db.write(
        CREATE_PARTNERSHIP,
        props=to_props(partnership),
        **label_params(partnership_status()),
        proposerId=proposer_id,
        recipientId=recipient_id,
    )
    return from_props(Partnership, rows[0]["item"])


async def lock_status(db: Runner, *, partnership_id: str) -> PartnershipStatus | None:
    rows = await db.write(LOCK_STATUS, id=partnership_id)
    return PartnershipStatus(rows[0]["status"]) if rows else None


async def set_status(
    db: Runner, *, partnership_id: str, status: PartnershipStatus, dates: dict[str, Any]
) -> Partnership:
    rows = await db.write(
        SET_STATUS, id=partnership_id, status=status.value, dates=dates, **label_params(partnership_status())
    )
    return from_props(Partnership, rows[0]["item"])


async def party_ids(db: Runner, *, partnership_id: str) -> list[str]:
    rows = await db.read(PARTIES, id=partnership_id)
    return list(rows[0]["ids"])
