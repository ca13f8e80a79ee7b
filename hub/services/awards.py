"""Granting Capital Financial Innovation Awards to sandbox projects."""

from __future__ import annotations

from hub.db.database import Database, Transaction
from hub.db.repositories import awards as repo
from hub.db.repositories import events
from hub.db.repositories.sandbox import participant_ids
from hub.domain.events import EventScope, EventType, NewEvent
from hub.domain.models import Award
from hub.domain.validation import Checks
from hub.services.clock import Today, system_today
from hub.services.guards import require
from hub.services.organisations import new_id


class AwardService:
    def __init__(self, db: Database, today: Today = system_today) -> None:
        self.db = db
        self.today = today

    async def grant(self, project_id: str, name: str, year: int, prize_yuan: int) -> Award:
        checks = Checks()
        checks.name("name", name)
        if not 2000 <= year <= self.today().year:
            checks.fail("year", f"must be between 2000 and {self.today().year} (got {year})", "OUT_OF_RANGE")
        if prize_yuan < 0:
            checks.fail("prizeYuan", f"must not be negative (got {prize_yuan})", "OUT_OF_RANGE")
        checks.raise_if_any()
        award = Award(id=new_id("award"), name=name.strip(), year=year, prize_yuan=prize_yuan)

        async def work(tx: Transaction) -> Award:
            await require(tx, "SandboxProject", "projectId", [project_id])
            granted = await repo.grant(tx, award=award, project_id=project_id)
            winners = await participant_ids(tx, project_id=project_id)
            payload = {
                "name": granted.name,
                "year": granted.year,
                "prizeYuan": granted.prize_yuan,
                "projectId": project_id,
            }
            await events.append(
                tx,
                NewEvent(
                    EventType.AWARD_GRANTED, "Award", granted.id, tuple(winners), EventScope.PUBLIC, payload
                ),
            )
            return granted

        return await self.db.transaction(work)
