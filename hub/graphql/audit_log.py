"""The audit log, for regulators and admins."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import Any

import strawberry

from hub.db.repositories.audit import AuditFilter, at_of, audit_page
from hub.domain.enums import Role
from hub.graphql import enums as _registered  # noqa: F401  (registers Role)
from hub.graphql.context import Info
from hub.graphql.permissions import CanReadAuditLog
from hub.graphql.relay import After, Connection, bad_argument, connection, page_request
from hub.model.keyset import SortKey
from hub.model.types import Kind

# Newest first: the entry's time as the page writes it, ties by id.
AUDIT_ORDER = SortKey("at", Kind.STRING, descending=True)


@strawberry.enum(
    description="How a mutation ended. ALLOWED: it ran and its change was made. REFUSED: policy, "
    "input or lifecycle refused it and nothing was written. FAILED: it failed on the hub's side "
    "(an internal or database error) and its transaction rolled back."
)
class AuditOutcome(StrEnum):
    ALLOWED = "ALLOWED"
    REFUSED = "REFUSED"
    FAILED = "FAILED"


@strawberry.type(description="One mutation, allowed, refused or failed.")
class AuditEntry:
    at: str
    subject: str
    role: Role
    organisation_id: str | None = strawberry.field(description="The organisation the caller acts for.")
    operation: str
    input: str = strawberry.field(description="The arguments as JSON, secrets redacted.")
    outcome: AuditOutcome
    errors: list[str]
    idempotency_key: str | None = strawberry.field(description="The Idempotency-Key it was sent with.")
    replayed: bool = strawberry.field(
        description="A retry answered with the first result of its idempotency key; it changed nothing."
    )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AuditEntry:
        return cls(
            at=row["at"],
            subject=row["subject"],
            role=Role(row["role"]),
            organisation_id=row.get("organisationId"),
            operation=row["operation"],
            input=row["input"],
            outcome=AuditOutcome(row["outcome"]),
            errors=list(row.get("errors") or []),
            idempotency_key=row.get("idempotencyKey"),
            replayed=bool(row.get("replayed")),
        )


@strawberry.input
class AuditFilterInput:
    operation: str | None = None
    subject: str | None = None
    organisation_id: str | None = None
    outcome: AuditOutcome | None = None
    from_: datetime | None = strawberry.field(default=None, name="from")
    to: datetime | None = None


@strawberry.type
class AuditQueries:
    @strawberry.field(description="Who changed what, newest first.", permission_classes=[CanReadAuditLog])
    async def audit_log(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        filter: AuditFilterInput | None = None,
    ) -> Connection[AuditEntry]:
        f = filter or AuditFilterInput()
        where = AuditFilter(
            operation=f.operation,
            subject=f.subject,
            organisation_id=f.organisation_id,
            outcome=f.outcome.value if f.outcome else None,
            from_=f.from_,
            to=f.to,
        )
        request = page_request(first, after, AUDIT_ORDER, info)
        if request.after is not None:
            at = at_of(request.after.key)
            if at is None:
                raise bad_argument("after", "the cursor's time is not one of an audit entry")
            request = replace(request, after=replace(request.after, key=at))
        page = await audit_page(info.context.services.catalogue.db, where=where, page=request)
        return connection(page, AuditEntry.from_row)
