"""Sandbox projects: pages, applications and lifecycle changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from hub.db.cypher import ordered, root_page, seek_after
from hub.db.database import Runner
from hub.db.mapping import from_props, to_props
from hub.db.pages import after_params, read_page
from hub.domain.enums import RiskLevel, SandboxInvitationStatus, SandboxStatus, ServiceType
from hub.domain.models import SandboxInvitation, SandboxParticipant, SandboxProject
from hub.domain.paging import Page, PageRequest

PARTICIPANTS = """
MATCH (o:Organisation)-[:PARTICIPATES_IN]->(:SandboxProject {id: $id})
RETURN collect(o.id) AS ids
"""

_PROJECT_KEY: LiteralString = "CASE $orderBy WHEN 'NAME' THEN n.name ELSE n.appliedOn END"

SANDBOX_PROJECTS_PAGE = root_page(
    "MATCH (n:SandboxProject) "
    "WHERE ($status IS NULL OR n.status = $status) "
    "AND ($serviceType IS NULL OR n.serviceType = $serviceType) "
    "AND ($riskLevel IS NULL OR n.riskLevel = $riskLevel) "
    "AND ($batchId IS NULL OR EXISTS { (n)-[:IN_BATCH]->(:SandboxBatch {id: $batchId}) }) "
    "AND ($capabilityId IS NULL OR EXISTS { (n)-[:USES]->(:Capability {id: $capabilityId}) }) "
    "AND ($appliedFrom IS NULL OR n.appliedOn >= $appliedFrom) "
    "AND ($appliedTo IS NULL OR n.appliedOn <= $appliedTo)",
    ordered(_PROJECT_KEY),
    seek_after(_PROJECT_KEY),
    "n {.*}",
)

CREATE_PROJECT = """
CREATE (p:SandboxProject)
SET p = $props, p.createdAt = datetime()
WITH p
CALL (p) {
  UNWIND $participants AS participant
  MATCH (o:Organisation {id: participant.organisationId})
  CREATE (o)-[:PARTICIPATES_IN {role: participant.role}]->(p)
}
CALL (p) {
  UNWIND $invitations AS invitation
  MATCH (o:Organisation {id: invitation.organisationId})
  CREATE (o)-[:INVITED_TO {role: invitation.role, status: 'PENDING', invitedOn: p.appliedOn}]->(p)
}
CALL (p) {
  UNWIND $capabilityIds AS capabilityId
  MATCH (c:Capability {id: capabilityId})
  MERGE (p)-[:USES]->(c)
}
RETURN p {.*} AS item
"""

# Takes the project's write lock before reading its status (see partnerships.LOCK_STATUS).
LOCK_STATUS = """
MATCH (p:SandboxProject {id: $id})
SET p._lock = true REMOVE p._lock
WITH p
RETURN p.status AS status
"""

SET_STATUS = """
MATCH (p:SandboxProject {id: $id})
SET p.status = $status, p += $dates, p.updatedAt = datetime()
RETURN p {.*} AS item
"""

# The project is locked before the invitation, as LOCK_STATUS and LAPSE_INVITATIONS do, so an
# answer and a registration of the same project run one after the other.
LOCK_INVITATION = """
MATCH (p:SandboxProject {id: $projectId})
SET p._lock = true REMOVE p._lock
WITH p
OPTIONAL MATCH (:Organisation {id: $organisationId})-[i:INVITED_TO]->(p)
RETURN i.status AS status
"""

ANSWER_INVITATION = """
MATCH (o:Organisation {id: $organisationId})-[i:INVITED_TO]->(p:SandboxProject {id: $projectId})
SET i.status = $status, i.answeredOn = $answeredOn, p.updatedAt = datetime()
WITH o, i, p
CALL (o, i, p) {
  WITH o, i, p WHERE $joins
  CREATE (o)-[:PARTICIPATES_IN {role: i.role}]->(p)
}
RETURN p {.*} AS item
"""

LAPSE_INVITATIONS = """
MATCH (:Organisation)-[i:INVITED_TO {status: 'PENDING'}]->(:SandboxProject {id: $id})
SET i.status = 'LAPSED', i.answeredOn = $answeredOn
"""

INVITATIONS_FOR = """
MATCH (:Organisation {id: $organisationId})-[i:INVITED_TO]->(p:SandboxProject)
WHERE $status IS NULL OR i.status = $status
WITH p, i ORDER BY i.invitedOn DESC, p.id LIMIT $limit
RETURN p {.*} AS project, i {.*} AS invitation
"""

PUT_IN_BATCH = """
MATCH (p:SandboxProject {id: $id}), (b:SandboxBatch {id: $batchId})
MERGE (p)-[:IN_BATCH]->(b)
"""


@dataclass(frozen=True, slots=True)
class SandboxProjectFilter:
    status: SandboxStatus | None = None
    service_type: ServiceType | None = None
    risk_level: RiskLevel | None = None
    batch_id: str | None = None
    capability_id: str | None = None
    applied_from: date | None = None
    applied_to: date | None = None


async def sandbox_projects_page(
    db: Runner, *, where: SandboxProjectFilter, page: PageRequest, order_by: str, descending: bool
) -> Page[SandboxProject]:
    rows = await db.read(
        SANDBOX_PROJECTS_PAGE,
        status=where.status,
        serviceType=where.service_type,
        riskLevel=where.risk_level,
        batchId=where.batch_id,
        capabilityId=where.capability_id,
        appliedFrom=where.applied_from,
        appliedTo=where.applied_to,
        orderBy=order_by,
        descending=descending,
        **after_params(page),
    )
    row = rows[0]
    return read_page(page, row["items"], row["total"], lambda i: from_props(SandboxProject, i))


async def create_project(
    db: Runner,
    *,
    project: SandboxProject,
    participants: list[SandboxParticipant],
    invited: list[SandboxParticipant],
    capability_ids: list[str],
) -> SandboxProject:
    """The project with its `participants`, and a PENDING invitation for each of `invited`."""
    rows = await db.write(
        CREATE_PROJECT,
        props=to_props(project),
        participants=[{"organisationId": p.organisation_id, "role": p.role.value} for p in participants],
        invitations=[{"organisationId": p.organisation_id, "role": p.role.value} for p in invited],
        capabilityIds=capability_ids,
    )
    return from_props(SandboxProject, rows[0]["item"])


async def lock_status(db: Runner, *, project_id: str) -> SandboxStatus | None:
    rows = await db.write(LOCK_STATUS, id=project_id)
    return SandboxStatus(rows[0]["status"]) if rows else None


async def set_status(
    db: Runner, *, project_id: str, status: SandboxStatus, dates: dict[str, Any]
) -> SandboxProject:
    rows = await db.write(SET_STATUS, id=project_id, status=status.value, dates=dates)
    return from_props(SandboxProject, rows[0]["item"])


async def put_in_batch(db: Runner, *, project_id: str, batch_id: str) -> None:
    await db.write(PUT_IN_BATCH, id=project_id, batchId=batch_id)


async def lock_invitation(
    db: Runner, *, project_id: str, organisation_id: str
) -> tuple[bool, SandboxInvitationStatus | None]:
    """Whether the project exists, and the status of its invitation of the organisation (locked)."""
    rows = await db.write(LOCK_INVITATION, projectId=project_id, organisationId=organisation_id)
    if not rows:
        return False, None
    status = rows[0]["status"]
    return True, None if status is None else SandboxInvitationStatus(status)


async def answer_invitation(
    db: Runner,
    *,
    project_id: str,
    organisation_id: str,
    status: SandboxInvitationStatus,
    answered_on: date,
    joins: bool,
) -> SandboxProject:
    """Records the answer; when `joins`, the organisation becomes a participant in its invited role."""
    rows = await db.write(
        ANSWER_INVITATION,
        projectId=project_id,
        organisationId=organisation_id,
        status=status.value,
        answeredOn=answered_on,
        joins=joins,
    )
    return from_props(SandboxProject, rows[0]["item"])


async def lapse_invitations(db: Runner, *, project_id: str, answered_on: date) -> None:
    await db.write(LAPSE_INVITATIONS, id=project_id, answeredOn=answered_on)


async def invitations_for(
    db: Runner, *, organisation_id: str, status: SandboxInvitationStatus | None, limit: int
) -> list[tuple[SandboxProject, SandboxInvitation]]:
    """An organisation's invitations, newest first, with their projects."""
    rows = await db.read(
        INVITATIONS_FOR,
        organisationId=organisation_id,
        status=None if status is None else status.value,
        limit=limit,
    )
    return [
        (
            from_props(SandboxProject, row["project"]),
            invitation(row["project"]["id"], organisation_id, row["invitation"]),
        )
        for row in rows
    ]


def invitation(project_id: str, organisation_id: str, props: dict[str, Any]) -> SandboxInvitation:
    """A SandboxInvitation from the properties of an INVITED_TO relationship."""
    return from_props(
        SandboxInvitation, {**props, "projectId": project_id, "organisationId": organisation_id}
    )


async def participant_ids(db: Runner, *, project_id: str) -> list[str]:
    rows = await db.read(PARTICIPANTS, id=project_id)
    return list(rows[0]["ids"])
