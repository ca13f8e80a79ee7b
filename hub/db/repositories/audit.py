"""Audit entries: written beside the change they describe, read by regulators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from neo4j.time import DateTime

from hub.db.cypher import root_page
from hub.db.database import RECORD_AUDIT, Runner
from hub.db.pages import after_params, read_page
from hub.domain.paging import Page, PageRequest

AUDIT_PAGE = root_page(
    "MATCH (n:AuditEntry) "
    "WHERE ($operation IS NULL OR n.operation = $operation) "
    "AND ($subject IS NULL OR n.subject = $subject) "
    "AND ($organisationId IS NULL OR n.organisationId = $organisationId) "
    "AND ($outcome IS NULL OR n.outcome = $outcome) "
    "AND ($from IS NULL OR n.at >= $from) AND ($to IS NULL OR n.at <= $to)",
    "ORDER BY n.at DESC, n.id",
    # Newest first; the cursor holds `at` as Cypher writes it (`at_of` reads it back).
    "($afterId IS NULL OR n.at < $afterKey OR (n.at = $afterKey AND n.id > $afterId))",
    "n {.*, at: toString(n.at)}",
)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    operation: str | None = None
    subject: str | None = None
    organisation_id: str | None = None
    outcome: str | None = None
    from_: datetime | None = None
    to: datetime | None = None


async def record(db: Runner, *, entry: dict[str, Any]) -> None:
    await db.write(RECORD_AUDIT, entry=entry)


async def audit_page(db: Runner, *, where: AuditFilter, page: PageRequest) -> Page[dict[str, Any]]:
    rows = await db.read(
        AUDIT_PAGE,
        operation=where.operation,
        subject=where.subject,
        organisationId=where.organisation_id,
        outcome=where.outcome,
        **{"from": where.from_, "to": where.to},
        **after_params(page),
    )
    return read_page(page, rows[0]["items"], rows[0]["total"], dict)


def at_of(value: object) -> DateTime | None:
    """An entry's time from a cursor's key (as the audit page writes it), or None if it is not one."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return DateTime.from_iso_format(value)
    except ValueError:
        return None
