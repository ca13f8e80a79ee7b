"""The regulatory sandbox: projects and batches, applications and lifecycle mutations."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import strawberry

from hub.db.repositories.sandbox import SandboxProjectFilter
from hub.domain import commands
from hub.domain.enums import RiskLevel, SandboxStatus, ServiceType
from hub.graphql.context import Info
from hub.graphql.enums import OrderDirection
from hub.graphql.nodes import SandboxBatch, SandboxProject, to_node
from hub.graphql.payloads import UserError, attempt
from hub.graphql.permissions import CanAnswerSandboxInvitation, CanApplyToSandbox, CanMoveSandboxProject
from hub.graphql.relay import After, Connection, connection, decode_id, decode_ids, page_request, root_order
from hub.security.policy import joins_sandbox_project_at_once


@strawberry.enum
class SandboxProjectOrderField(StrEnum):
    APPLIED_ON = "APPLIED_ON"
    NAME = "NAME"


@strawberry.input
class SandboxProjectOrder:
    field: SandboxProjectOrderField = SandboxProjectOrderField.APPLIED_ON
    direction: OrderDirection = OrderDirection.DESC


@strawberry.input
class SandboxProjectFilterInput:
    status: SandboxStatus | None = None
    service_type: ServiceType | None = None
    risk_level: RiskLevel | None = None
    batch_id: strawberry.ID | None = None
    capability_id: strawberry.ID | None = None
    applied_from: date | None = None
    applied_to: date | None = None

    def to_filter(self) -> SandboxProjectFilter:
        return SandboxProjectFilter(
            status=self.status,
            service_type=self.service_type,
            risk_level=self.risk_level,
            batch_id=None
            if self.batch_id is None
            else decode_id(self.batch_id, "filter.batchId", ("SandboxBatch",)),
            capability_id=None
            if self.capability_id is None
            else decode_id(self.capability_id, "filter.capabilityId", ("Capability",)),
            applied_from=self.applied_from,
            applied_to=self.applied_to,
        )


@strawberry.type
class SandboxQueries:
    @strawberry.field(description="Projects of the Beijing Fintech Sandbox.")
    async def sandbox_projects(
        self,
        info: Info,
        first: int | None = None,
        after: After = None,
        filter: SandboxProjectFilterInput | None = None,
        order_by: SandboxProjectOrder | None = None,
    ) -> Connection[SandboxProject]:
        order = order_by or SandboxProjectOrder()
        descending = order.direction is OrderDirection.DESC
        page = await info.context.services.catalogue.sandbox_projects(
            (filter or SandboxProjectFilterInput()).to_filter(),
            page_request(first, after, root_order("sandboxProjects", order.field.value, descending), info),
            order.field.value,
            descending,
        )
        return connection(page, SandboxProject.from_record)

    @strawberry.field(description="Batches of registered projects, in order.")
    async def sandbox_batches(
        self, info: Info, first: int | None = None, after: After = None
    ) -> Connection[SandboxBatch]:
        page = await info.context.services.catalogue.sandbox_batches(
            page_request(first, after, root_order("sandboxBatches"), info)
        )
        return connection(page, SandboxBatch.from_record)


@strawberry.input
class ApplyToSandboxInput:
    name: str
    name_zh: str | None = None
    service_type: ServiceType
    risk_level: RiskLevel
    applicant_ids: list[strawberry.ID] = strawberry.field(
        description="Licensed institutions applying (at least one; a partner's own among them). "
        "Others than the caller's own organisation are invited and join when they confirm."
    )
    provider_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Tech enterprises providing the technology; invited, like co-applicants.",
    )
    capability_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Technologies used."
    )
    planned_go_live: date | None = None
    description: str | None = None


@strawberry.input
class SandboxProjectInput:
    id: strawberry.ID


@strawberry.input
class SandboxParticipationInput:
    project_id: strawberry.ID
    organisation_id: strawberry.ID = strawberry.field(
        description="The invited organisation: for a partner, its own."
    )


@strawberry.input
class RegisterSandboxProjectInput:
    id: strawberry.ID
    batch_id: strawberry.ID


@strawberry.type
class SandboxProjectPayload:
    sandbox_project: SandboxProject | None
    user_errors: list[UserError]


def _key(value: strawberry.ID) -> str:
    return decode_id(value, "id", ("SandboxProject",))


def _invitation(input: SandboxParticipationInput) -> tuple[str, str]:
    project = decode_id(input.project_id, "projectId", ("SandboxProject",))
    organisation = decode_id(input.organisation_id, "organisationId", ("Institution", "TechEnterprise"))
    return project, organisation


def _payload(record: object | None, errors: list[UserError]) -> SandboxProjectPayload:
    return SandboxProjectPayload(sandbox_project=to_node(record) if record else None, user_errors=errors)


@strawberry.type
class SandboxMutations:
    @strawberry.mutation(
        description="Applies a project to the sandbox; it opens for public comment. A partner's own "
        "organisation joins at once; every other organisation named (co-applicant or technology "
        "provider) is only invited (`invitations`) and joins when its own partner confirms with "
        "`confirmSandboxParticipation` while the project is open for public comment. An admin, "
        "registering a joint application for the platform, names participants who join at once.",
        permission_classes=[CanApplyToSandbox],
    )
    async def apply_to_sandbox(self, info: Info, input: ApplyToSandboxInput) -> SandboxProjectPayload:
        service = info.context.services.sandbox
        principal = info.context.principal
        assert principal is not None  # the view refuses unauthenticated operations

        async def call() -> object:
            applicants = tuple(decode_ids(input.applicant_ids, "applicantIds", ("Institution",)))
            providers = tuple(decode_ids(input.provider_ids, "providerIds", ("TechEnterprise",)))
            return await service.apply(
                commands.ApplyToSandbox(
                    name=input.name,
                    name_zh=input.name_zh,
                    service_type=input.service_type,
                    risk_level=input.risk_level,
                    applicant_ids=applicants,
                    provider_ids=providers,
                    capability_ids=tuple(decode_ids(input.capability_ids, "capabilityIds", ("Capability",))),
                    planned_go_live=input.planned_go_live,
                    description=input.description,
                    joining_ids=frozenset(
                        o for o in (*applicants, *providers) if joins_sandbox_project_at_once(principal, o)
                    ),
                )
            )

        return _payload(*await attempt(call))

    @strawberry.mutation(
        description="The invited organisation joins the project, in the role it was named in; "
        "only while the project is open for public comment.",
        permission_classes=[CanAnswerSandboxInvitation],
    )
    async def confirm_sandbox_participation(
        self, info: Info, input: SandboxParticipationInput
    ) -> SandboxProjectPayload:
        service = info.context.services.sandbox
        return _payload(*await attempt(lambda: service.confirm(*_invitation(input))))

    @strawberry.mutation(
        description="The invited organisation declines to take part in the project.",
        permission_classes=[CanAnswerSandboxInvitation],
    )
    async def decline_sandbox_participation(
        self, info: Info, input: SandboxParticipationInput
    ) -> SandboxProjectPayload:
        service = info.context.services.sandbox
        return _payload(*await attempt(lambda: service.decline(*_invitation(input))))

    @strawberry.mutation(
        description="Registers a project after public comment, in a batch.",
        permission_classes=[CanMoveSandboxProject],
    )
    async def register_sandbox_project(
        self, info: Info, input: RegisterSandboxProjectInput
    ) -> SandboxProjectPayload:
        service = info.context.services.sandbox

        async def call() -> object:
            batch = decode_id(input.batch_id, "batchId", ("SandboxBatch",))
            return await service.register(_key(input.id), batch)

        return _payload(*await attempt(call))

    @strawberry.mutation(
        description="Starts the monitored test of a REGISTERED project.",
        permission_classes=[CanMoveSandboxProject],
    )
    async def start_sandbox_testing(self, info: Info, input: SandboxProjectInput) -> SandboxProjectPayload:
        service = info.context.services.sandbox
        return _payload(*await attempt(lambda: service.start_testing(_key(input.id))))

    @strawberry.mutation(
        description="A project in TESTING exits the sandbox.", permission_classes=[CanMoveSandboxProject]
    )
    async def exit_sandbox(self, info: Info, input: SandboxProjectInput) -> SandboxProjectPayload:
        service = info.context.services.sandbox
        return _payload(*await attempt(lambda: service.exit(_key(input.id))))

    @strawberry.mutation(
        description="Withdraws a project that has not yet exited.", permission_classes=[CanMoveSandboxProject]
    )
    async def withdraw_sandbox_project(self, info: Info, input: SandboxProjectInput) -> SandboxProjectPayload:
        service = info.context.services.sandbox
        return _payload(*await attempt(lambda: service.withdraw(_key(input.id))))
