"""Applying projects to the regulatory sandbox and moving them through its lifecycle."""

from __future__ import annotations

from typing import Any

from hub.db.database import Database, Transaction
from hub.db.repositories import organisations as org_repo
from hub.db.repositories import sandbox as repo
from hub.domain import commands
from hub.domain.enums import SandboxRole, SandboxStatus
from hub.domain.lifecycles import SANDBOX_LIFECYCLE, SandboxAction
from hub.domain.models import Institution, SandboxParticipant, SandboxProject, TechEnterprise
from hub.domain.validation import Checks
from hub.errors import NotFoundError
from hub.services.clock import Today, system_today
from hub.services.guards import require
from hub.services.organisations import new_id

MAX_PARTICIPANTS = 4

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
        checks.distinct("applicantIds", everyone)
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
            await require(tx, "Capability", "capabilityIds", list(cmd.capability_ids))
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
            participants = [SandboxParticipant(i, SandboxRole.APPLICANT) for i in cmd.applicant_ids]
            participants += [SandboxParticipant(i, SandboxRole.TECHNOLOGY_PROVIDER) for i in cmd.provider_ids]
            return await repo.create_project(
                tx,
                project=record,
                participants=participants,
                capability_ids=list(cmd.capability_ids),
            )

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
            if batch_id is not None:
                await require(tx, "SandboxBatch", "batchId", [batch_id])
                await repo.put_in_batch(tx, project_id=project_id, batch_id=batch_id)
            dates: dict[str, Any] = {_DATES[action]: self.today()}
            return await repo.set_status(tx, project_id=project_id, status=target, dates=dates)

        return await self.db.transaction(work)
