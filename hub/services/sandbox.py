"""Applying projects to the regulatory sandbox, inviting co-applicants and providers, and moving
projects through their lifecycle.

An organisation named in an application joins at once only when the policy says so (the caller's
own, or any when an admin registers a joint project for the platform); every other is invited
and becomes a participant only when its own partner confirms, while the project is open for
public comment. Invitations still pending when the project leaves public comment lapse.
"""

from __future__ import annotations

from typing import Any

from hub.db.database import Database, Transaction
from hub.db.repositories import events
from hub.db.repositories import organisations as org_repo
from hub.db.repositories import sandbox as repo
from hub.domain import commands
from hub.domain.enums import SandboxInvitationStatus, SandboxRole, SandboxStatus
from hub.domain.events import EventScope, EventType, NewEvent
from hub.domain.lifecycles import (
    SANDBOX_INVITATION_LIFECYCLE,
    SANDBOX_LIFECYCLE,
    InvitationAction,
    SandboxAction,
)
from hub.domain.models import (
    Institution,
    SandboxInvitation,
    SandboxParticipant,
    SandboxProject,
    TechEnterprise,
)
from hub.domain.validation import Checks
from hub.errors import NotFoundError, UserInputError
from hub.services.clock import Today, system_today
from hub.services.guards import require, require_each
from hub.services.organisations import new_id

MAX_PARTICIPANTS = 4

_EVENTS: dict[SandboxAction, EventType] = {
    SandboxAction.REGISTER: EventType.SANDBOX_PROJECT_REGISTERED,
    SandboxAction.START_TESTING: EventType.SANDBOX_PROJECT_TESTING_STARTED,
    SandboxAction.EXIT: EventType.SANDBOX_PROJECT_EXITED,
    SandboxAction.WITHDRAW: EventType.SANDBOX_PROJECT_WITHDRAWN,
}
_ANSWERS: dict[InvitationAction, EventType] = {
    InvitationAction.CONFIRM: EventType.SANDBOX_PARTICIPATION_CONFIRMED,
    InvitationAction.DECLINE: EventType.SANDBOX_PARTICIPATION_DECLINED,
}


async def _record(
    tx: Transaction,
    kind: EventType,
    project: SandboxProject,
    scope: EventScope = EventScope.PUBLIC,
    **extra: Any,
) -> None:
    """The project's event, to its participants (who was only invited is not named: invitations
    are private to the project's participants and the invitee)."""
    participants = await repo.participant_ids(tx, project_id=project.id)
    payload = {"status": project.status.value, "name": project.name, **extra}
    await events.append(tx, NewEvent(kind, "SandboxProject", project.id, tuple(participants), scope, payload))


_DATES: dict[SandboxAction, str] = {
    SandboxAction.REGISTER: "registeredOn",
    SandboxAction.START_TESTING: "testingStartedOn",
    SandboxAction.EXIT: "closedOn",
    SandboxAction.WITHDRAW: "closedOn",
}


class SandboxService:
    def __init__(self, db: Database, today: Today = system_today) -> None:
        self.db = db
        self.today = today

    async def apply(self, cmd: commands.ApplyToSandbox) -> SandboxProject:
        """A new project, published for public comment."""
        checks = Checks()
        checks.name("name", cmd.name)
        checks.name("nameZh", cmd.name_zh, required=False)
        checks.text("description", cmd.description)
        if not cmd.applicant_ids:
            checks.fail("applicantIds", "at least one licensed institution must apply", "REQUIRED")
        everyone = [*cmd.applicant_ids, *cmd.provider_ids]
        if len(everyone) > MAX_PARTICIPANTS:
            checks.fail(
                "providerIds",
                f"a project has at most {MAX_PARTICIPANTS} participants (got {len(everyone)})",
                "COUNT",
            )
        checks.distinct_across(
            [("applicantIds", cmd.applicant_ids, ""), ("providerIds", cmd.provider_ids, "")]
        )
        checks.distinct("capabilityIds", cmd.capability_ids)
        today = self.today()
        if cmd.planned_go_live is not None and cmd.planned_go_live < today:
            checks.fail("plannedGoLive", f"{cmd.planned_go_live} is in the past", "INVALID_DATE")
        checks.raise_if_any()

        async def work(tx: Transaction) -> SandboxProject:
            found = await org_repo.organisations_by_id(tx, ids=everyone)
            for index, org_id in enumerate(cmd.applicant_ids):
                org = found.get(org_id)
                if org is None:
                    raise NotFoundError(f"applicantIds.{index}", "organisation", org_id)
                if not isinstance(org, Institution):
                    checks.fail(f"applicantIds.{index}", f"{org_id!r} is not a financial institution")
            for index, org_id in enumerate(cmd.provider_ids):
                org = found.get(org_id)
                if org is None:
                    raise NotFoundError(f"providerIds.{index}", "organisation", org_id)
                if not isinstance(org, TechEnterprise):
                    checks.fail(f"providerIds.{index}", f"{org_id!r} is not a tech enterprise")
            checks.raise_if_any()
            await require_each(tx, "Capability", "capabilityIds", list(cmd.capability_ids))
            record = SandboxProject(
                id=new_id("sbx"),
                name=cmd.name.strip(),
                name_zh=cmd.name_zh,
                service_type=cmd.service_type,
                status=SandboxStatus.PUBLIC_COMMENT,
                risk_level=cmd.risk_level,
                applied_on=today,
                planned_go_live=cmd.planned_go_live,
                description=cmd.description,
            )
            named = [SandboxParticipant(i, SandboxRole.APPLICANT) for i in cmd.applicant_ids]
            named += [SandboxParticipant(i, SandboxRole.TECHNOLOGY_PROVIDER) for i in cmd.provider_ids]
            created = await repo.create_project(
                tx,
                project=record,
                participants=[p for p in named if p.organisation_id in cmd.joining_ids],
                invited=[p for p in named if p.organisation_id not in cmd.joining_ids],
                capability_ids=list(cmd.capability_ids),
            )
            await _record(tx, EventType.SANDBOX_PROJECT_APPLIED, created)
            return created

        return await self.db.transaction(work)

    async def confirm(self, project_id: str, organisation_id: str) -> SandboxProject:
        """The invited organisation joins the project in the role it was invited to."""
        return await self._answer(project_id, organisation_id, InvitationAction.CONFIRM)

    async def decline(self, project_id: str, organisation_id: str) -> SandboxProject:
        """The invited organisation stays out of the project."""
        return await self._answer(project_id, organisation_id, InvitationAction.DECLINE)

    async def invitations(
        self, organisation_id: str, status: SandboxInvitationStatus | None, limit: int
    ) -> list[tuple[SandboxProject, SandboxInvitation]]:
        return await repo.invitations_for(
            self.db, organisation_id=organisation_id, status=status, limit=limit
        )

    async def _answer(
        self, project_id: str, organisation_id: str, action: InvitationAction
    ) -> SandboxProject:
        async def work(tx: Transaction) -> SandboxProject:
            exists, current = await repo.lock_invitation(
                tx, project_id=project_id, organisation_id=organisation_id
            )
            if not exists:
                raise NotFoundError("projectId", "sandbox project", project_id)
            if current is None:
                raise UserInputError.single(
                    "organisationId",
                    f"{organisation_id!r} was not invited to sandbox project {project_id!r}",
                    "NOT_INVITED",
                )
            target = SANDBOX_INVITATION_LIFECYCLE.next(current, action)
            answered = await repo.answer_invitation(
                tx,
                project_id=project_id,
                organisation_id=organisation_id,
                status=target,
                answered_on=self.today(),
                joins=target is SandboxInvitationStatus.CONFIRMED,
            )
            # A declined invitation stays private to the participants and the invitee.
            participants = await repo.participant_ids(tx, project_id=project_id)
            payload = {
                "status": answered.status.value,
                "name": answered.name,
                "organisationId": organisation_id,
            }
            concerned = (*participants, organisation_id)
            await events.append(
                tx,
                NewEvent(
                    _ANSWERS[action], "SandboxProject", project_id, concerned, EventScope.PARTIES, payload
                ),
            )
            return answered

        return await self.db.transaction(work)

    async def register(self, project_id: str, batch_id: str) -> SandboxProject:
        return await self._move(project_id, SandboxAction.REGISTER, batch_id)

    async def start_testing(self, project_id: str) -> SandboxProject:
        return await self._move(project_id, SandboxAction.START_TESTING)

    async def exit(self, project_id: str) -> SandboxProject:
        return await self._move(project_id, SandboxAction.EXIT)

    async def withdraw(self, project_id: str) -> SandboxProject:
        return await self._move(project_id, SandboxAction.WITHDRAW)

    async def _move(
        self, project_id: str, action: SandboxAction, batch_id: str | None = None
    ) -> SandboxProject:
        async def work(tx: Transaction) -> SandboxProject:
            current = await repo.lock_status(tx, project_id=project_id)
            if current is None:
                raise NotFoundError("id", "sandbox project", project_id)
            target = SANDBOX_LIFECYCLE.next(current, action)
            if current is SandboxStatus.PUBLIC_COMMENT:
                # Public comment is when named organisations answer; what is unanswered lapses.
                await repo.lapse_invitations(tx, project_id=project_id, answered_on=self.today())
            if batch_id is not None:
                await require(tx, "SandboxBatch", "batchId", [batch_id])
                await repo.put_in_batch(tx, project_id=project_id, batch_id=batch_id)
            dates: dict[str, Any] = {_DATES[action]: self.today()}
            moved = await repo.set_status(tx, project_id=project_id, status=target, dates=dates)
            await _record(tx, _EVENTS[action], moved, previousStatus=current.value)
            return moved

        return await self.db.transaction(work)
