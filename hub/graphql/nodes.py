"""The graph's node types. They reference each other both ways, so they live together here;
queries and mutations live in one module per area.

Their property fields come from the declarative model (`@model_fields`, hub/graphql/model_fields.py);
what is written here is the fields with logic of their own: relationships through the loaders,
terms behind their visibility rule, the network position behind its permission, invitations.

Every list that can grow is a connection, resolved through the request's data loaders.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from hub.db.mapping import to_props
from hub.domain import models
from hub.domain.enums import (
    InstitutionKind,
    Maturity,
    PartnershipKind,
    PartnershipStatus,
    PartyRole,
    SandboxInvitationStatus,
    SandboxRole,
    SandboxStatus,
)
from hub.domain.network import NetworkPosition as NetworkPositionRecord
from hub.graphql import enums as _registered  # noqa: F401  (registers the enums)
from hub.graphql.context import Info
from hub.graphql.enums import OrganisationType
from hub.graphql.model_fields import from_props, model_fields
from hub.graphql.permissions import CanAnalyseNetwork
from hub.graphql.relay import After, Connection, Node, connection, page_request
from hub.model.graph import (
    AWARD,
    CAPABILITY,
    INSTITUTION,
    MODEL,
    PARTNERSHIP,
    SANDBOX_BATCH,
    SANDBOX_PROJECT,
    TECH_ENTERPRISE,
    ZONE,
)
from hub.model.keyset import connection_sorts
from hub.security.policy import sees_sandbox_invitation

CONNECTION_SORTS = connection_sorts(MODEL)


async def _page(
    info: Info, relation: str, key: str, first: int | None, after: str | None, **filters: Any
) -> Connection[Any]:
    request = page_request(first, after, CONNECTION_SORTS[relation], info)
    page = await info.context.loaders.related(relation, request, **filters).load(key)
    return connection(page, to_node)


async def _listed(info: Info, relation: str, key: str) -> Any:
    return await info.context.loaders.listed(relation).load(key)


@strawberry.type(description="An organisation's place in the ACTIVE partnership network.")
class NetworkPosition:
    degree: int = strawberry.field(description="Distinct partners.")
    pagerank: float = strawberry.field(description="PageRank; it sums to 1 over all organisations.")
    betweenness: float = strawberry.field(
        description="Share of shortest paths between other organisations that pass through it, 0 to "
        "1 (estimated from sampled sources on graphs of more than 5,000 organisations)."
    )
    community: int = strawberry.field(description="Its community (Louvain); 0 is the largest.")

    @classmethod
    def from_record(cls, r: NetworkPositionRecord) -> NetworkPosition:
        return cls(degree=r.degree, pagerank=r.pagerank, betweenness=r.betweenness, community=r.community)


@strawberry.interface(description="A foreign-invested financial institution or a tech enterprise.")
@model_fields(MODEL.shared_props("Organisation"))
class Organisation(Node):
    @strawberry.field(description="The zone of Beijing the organisation is located in.")
    async def zone(self, info: Info) -> Zone | None:
        found = await _listed(info, "organisation.zone", self.key)
        return Zone.from_record(found) if found else None

    @strawberry.field(
        description="Where it stands in the ACTIVE partnership network, as of the last computation "
        "(`networkMeasures.computedAt`); null if it was registered since.",
        permission_classes=[CanAnalyseNetwork],
    )
    async def network(self, info: Info) -> NetworkPosition | None:
        found = await _listed(info, "organisation.network", self.key)
        return NetworkPosition.from_record(found) if found else None

    @strawberry.field(description="Partnerships the organisation is party to, newest first.")
    async def partnerships(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        status: PartnershipStatus | None = None,
        kind: PartnershipKind | None = None,
    ) -> Connection[Partnership]:
        return await _page(
            info, "organisation.partnerships", self.key, first, after, status=status, kind=kind
        )

    @strawberry.field(description="Organisations it has partnerships with (ACTIVE unless `status` says).")
    async def partners(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        status: PartnershipStatus | None = PartnershipStatus.ACTIVE,
    ) -> Connection[Organisation]:
        return await _page(info, "organisation.partners", self.key, first, after, status=status)

    @strawberry.field(description="Sandbox projects it applied to or provides technology for.")
    async def sandbox_projects(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        status: SandboxStatus | None = None,
    ) -> Connection[SandboxProject]:
        return await _page(info, "organisation.sandboxProjects", self.key, first, after, status=status)


@strawberry.type(description="A foreign-invested financial institution in Beijing.")
@model_fields(INSTITUTION.props)
class Institution(Organisation):
    @classmethod
    def from_record(cls, r: models.Institution) -> Institution:
        return from_props(cls, INSTITUTION, to_props(r))

    @strawberry.field(description="Capabilities the institution is looking for.")
    async def sought_capabilities(self, info: Info) -> list[Capability]:
        found = await _listed(info, "institution.soughtCapabilities", self.key)
        return [Capability.from_record(c) for c in found or []]


@strawberry.type(description="What a tech enterprise offers, and how mature the offer is.")
class CapabilityOffer:
    capability: Capability
    maturity: Maturity


@strawberry.type(description="A technology enterprise.")
@model_fields(TECH_ENTERPRISE.props)
class TechEnterprise(Organisation):
    @classmethod
    def from_record(cls, r: models.TechEnterprise) -> TechEnterprise:
        return from_props(cls, TECH_ENTERPRISE, to_props(r))

    @strawberry.field(description="Capabilities the enterprise offers, with maturity.")
    async def offered_capabilities(self, info: Info) -> list[CapabilityOffer]:
        found = await _listed(info, "techEnterprise.offeredCapabilities", self.key)
        return [
            CapabilityOffer(
                capability=Capability.from_record(o.node), maturity=Maturity(o.values["maturity"])
            )
            for o in found or []
        ]


@strawberry.type(description="A technology in the taxonomy: AI, blockchain, privacy computing, ...")
@model_fields(CAPABILITY.props)
class Capability(Node):
    @classmethod
    def from_record(cls, r: models.Capability) -> Capability:
        return from_props(cls, CAPABILITY, to_props(r))

    @strawberry.field(description="Tech enterprises offering it.")
    async def providers(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        maturity: Maturity | None = None,
    ) -> Connection[TechEnterprise]:
        return await _page(info, "capability.providers", self.key, first, after, maturity=maturity)

    @strawberry.field(description="Institutions seeking it.")
    async def seekers(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        kind: InstitutionKind | None = None,
    ) -> Connection[Institution]:
        return await _page(info, "capability.seekers", self.key, first, after, kind=kind)

    @strawberry.field(description="Sandbox projects using it.")
    async def sandbox_projects(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        status: SandboxStatus | None = None,
    ) -> Connection[SandboxProject]:
        return await _page(info, "capability.sandboxProjects", self.key, first, after, status=status)


@strawberry.type(description="One party of a partnership and its role.")
class PartnershipParty:
    role: PartyRole
    organisation: Organisation


@strawberry.type(
    description="A partnership between two organisations, with its lifecycle. PROPOSED and DECLINED "
    "ones are visible only to their parties, regulators and admins."
)
@model_fields(PARTNERSHIP.props)
class Partnership(Node):
    private_terms: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, r: models.Partnership) -> Partnership:
        return from_props(cls, PARTNERSHIP, to_props(r), private_terms=r.terms)

    @strawberry.field(description="The terms: only for the parties, regulators and admins.")
    async def terms(self, info: Info) -> str | None:
        visibility = info.context.loaders.visibility
        if visibility.sees_all or self.private_terms is None:
            return self.private_terms
        parties = await _listed(info, "partnership.parties", self.key)
        return (
            self.private_terms if visibility.organisation_id in {p.node.id for p in parties or []} else None
        )

    @strawberry.field(description="The two parties: the proposer and the recipient.")
    async def parties(self, info: Info) -> list[PartnershipParty]:
        found = await _listed(info, "partnership.parties", self.key)
        return [
            PartnershipParty(role=PartyRole(p.values["role"]), organisation=to_node(p.node))
            for p in found or []
        ]


@strawberry.type(description="A batch of registered sandbox projects.")
@model_fields(SANDBOX_BATCH.props)
class SandboxBatch(Node):
    @classmethod
    def from_record(cls, r: models.SandboxBatch) -> SandboxBatch:
        return from_props(cls, SANDBOX_BATCH, to_props(r))

    @strawberry.field
    async def projects(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        status: SandboxStatus | None = None,
    ) -> Connection[SandboxProject]:
        return await _page(info, "sandboxBatch.projects", self.key, first, after, status=status)


@strawberry.type(description="An organisation taking part in a sandbox project, and its role.")
class SandboxParticipant:
    role: SandboxRole
    organisation: Organisation


@strawberry.type(
    description="An organisation named in a sandbox application by another. It joins the project, "
    "in `role`, only when its own partner confirms (`confirmSandboxParticipation`) while the project "
    "is open for public comment; unanswered by then, the invitation LAPSED."
)
class SandboxInvitation:
    project: SandboxProject
    organisation: Organisation
    role: SandboxRole
    status: SandboxInvitationStatus
    invited_on: date
    answered_on: date | None = strawberry.field(description="When it was confirmed, declined or lapsed.")

    @classmethod
    def of(
        cls, project: SandboxProject, organisation: Organisation, r: models.SandboxInvitation
    ) -> SandboxInvitation:
        return cls(
            project=project,
            organisation=organisation,
            role=r.role,
            status=r.status,
            invited_on=r.invited_on,
            answered_on=r.answered_on,
        )


@strawberry.type(description="A trial project of the Beijing Fintech Sandbox.")
@model_fields(SANDBOX_PROJECT.props)
class SandboxProject(Node):
    @classmethod
    def from_record(cls, r: models.SandboxProject) -> SandboxProject:
        return from_props(cls, SANDBOX_PROJECT, to_props(r))

    @strawberry.field(description="Applicant institutions and technology providers.")
    async def participants(self, info: Info) -> list[SandboxParticipant]:
        found = await _listed(info, "sandboxProject.participants", self.key)
        return [
            SandboxParticipant(role=SandboxRole(p.values["role"]), organisation=to_node(p.node))
            for p in found or []
        ]

    @strawberry.field(
        description="Organisations named in the application that have not joined: PENDING until they "
        "confirm or decline, LAPSED if the project left public comment first. Seen by the project's "
        "participants, by an invited organisation (its own invitation), regulators and admins."
    )
    async def invitations(self, info: Info) -> list[SandboxInvitation]:
        found = await _listed(info, "sandboxProject.invitations", self.key)
        if not found:
            return []
        principal = info.context.principal
        assert principal is not None  # the view refuses unauthenticated operations
        participants = await _listed(info, "sandboxProject.participants", self.key)
        members = [p.node.id for p in participants or []]
        return [
            SandboxInvitation.of(self, to_node(i.organisation), i.invitation)
            for i in found
            if sees_sandbox_invitation(principal, i.invitation.organisation_id, members)
        ]

    @strawberry.field
    async def batch(self, info: Info) -> SandboxBatch | None:
        found = await _listed(info, "sandboxProject.batch", self.key)
        return SandboxBatch.from_record(found) if found else None

    @strawberry.field(description="Technologies the project uses.")
    async def technologies(self, info: Info) -> list[Capability]:
        found = await _listed(info, "sandboxProject.technologies", self.key)
        return [Capability.from_record(c) for c in found or []]

    @strawberry.field
    async def awards(self, info: Info) -> list[Award]:
        found = await _listed(info, "sandboxProject.awards", self.key)
        return [Award.from_record(a) for a in found or []]


@strawberry.type(description="An area of Beijing's fintech demonstration zone.")
@model_fields(ZONE.props)
class Zone(Node):
    @classmethod
    def from_record(cls, r: models.Zone) -> Zone:
        return from_props(cls, ZONE, to_props(r))

    @strawberry.field(description="Organisations located in the zone.")
    async def organisations(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        type: OrganisationType | None = None,
    ) -> Connection[Organisation]:
        return await _page(
            info, "zone.organisations", self.key, first, after, type=type.value if type else None
        )


@strawberry.type(description="A Capital Financial Innovation Award (首都金融创新奖).")
@model_fields(AWARD.props)
class Award(Node):
    @classmethod
    def from_record(cls, r: models.Award) -> Award:
        return from_props(cls, AWARD, to_props(r))

    @strawberry.field(description="The award-winning project.")
    async def project(self, info: Info) -> SandboxProject | None:
        found = await _listed(info, "award.project", self.key)
        return SandboxProject.from_record(found) if found else None


SearchResult = Annotated[Institution | TechEnterprise | SandboxProject, strawberry.union("SearchResult")]

_CONVERTERS: dict[type[Any], Any] = {
    models.Institution: Institution.from_record,
    models.TechEnterprise: TechEnterprise.from_record,
    models.Capability: Capability.from_record,
    models.Partnership: Partnership.from_record,
    models.SandboxBatch: SandboxBatch.from_record,
    models.SandboxProject: SandboxProject.from_record,
    models.Zone: Zone.from_record,
    models.Award: Award.from_record,
}

NODE_TYPES: tuple[str, ...] = tuple(cls.__name__ for cls in _CONVERTERS)


def to_node(record: Any) -> Any:
    """The GraphQL object for a domain record."""
    return _CONVERTERS[type(record)](record)
