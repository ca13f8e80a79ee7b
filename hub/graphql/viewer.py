"""`viewer`: who the caller is, as the hub authenticated it."""

from __future__ import annotations

import strawberry

from hub.domain.enums import Role, SandboxInvitationStatus
from hub.graphql import enums as _registered  # noqa: F401  (registers Role)
from hub.graphql.context import Info
from hub.graphql.nodes import Organisation, SandboxInvitation, SandboxProject, to_node
from hub.graphql.relay import bounded_first


@strawberry.type(description="The authenticated caller.")
class Viewer:
    subject: str = strawberry.field(description="`key:<id>` for an API key, `jwt:<sub>` for a token.")
    role: Role
    organisation_id: strawberry.Private[str | None]

    @strawberry.field(description="The organisation a partner acts for.")
    async def organisation(self, info: Info) -> Organisation | None:
        if self.organisation_id is None:
            return None
        found = await info.context.services.catalogue.organisations_by_id([self.organisation_id])
        record = found.get(self.organisation_id)
        return to_node(record) if record else None

    @strawberry.field(
        description="Sandbox applications that named the partner's organisation, newest first: "
        "PENDING ones await `confirmSandboxParticipation` or `declineSandboxParticipation`. "
        "Empty for callers without an organisation."
    )
    async def sandbox_invitations(
        self,
        info: Info,
        status: SandboxInvitationStatus | None = SandboxInvitationStatus.PENDING,
        first: int = 50,
    ) -> list[SandboxInvitation]:
        limit = bounded_first(first)
        if self.organisation_id is None:
            return []
        service = info.context.services.sandbox
        found = await service.invitations(self.organisation_id, status, limit)
        if not found:
            return []
        orgs = await info.context.services.catalogue.organisations_by_id([self.organisation_id])
        own = to_node(orgs[self.organisation_id])
        return [SandboxInvitation.of(SandboxProject.from_record(p), own, i) for p, i in found]


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="Who is calling.")
    def viewer(self, info: Info) -> Viewer:
        principal = info.context.principal
        assert principal is not None  # the view refuses unauthenticated operations
        return Viewer(
            subject=principal.subject, role=principal.role, organisation_id=principal.organisation_id
        )
