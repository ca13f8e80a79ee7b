"""Proposing partnerships and moving them through their lifecycle."""

from __future__ import annotations

from typing import Any

from hub.db.database import Database, Transaction
from hub.db.repositories import events
from hub.db.repositories import organisations as org_repo
from hub.db.repositories import partnerships as repo
from hub.domain import commands
from hub.domain.enums import PartnershipKind, PartnershipStatus
from hub.domain.events import EventScope, EventType, NewEvent
from hub.domain.lifecycles import PARTNERSHIP_LIFECYCLE, PartnershipAction
from hub.domain.models import Institution, Partnership, TechEnterprise
from hub.domain.validation import Checks
from hub.domain.wording import with_article
from hub.errors import NotFoundError, UserInputError
from hub.services.clock import Today, system_today
from hub.services.organisations import new_id

# The date each action stamps on the partnership.
_DATES: dict[PartnershipAction, tuple[str, ...]] = {
    PartnershipAction.ACCEPT: ("decidedOn", "startedOn"),
    PartnershipAction.DECLINE: ("decidedOn",),
    PartnershipAction.END: ("endedOn",),
}

# PROPOSED and DECLINED partnerships are private to their parties; ACTIVE and ENDED ones public.
_EVENTS: dict[PartnershipAction, tuple[EventType, EventScope]] = {
    PartnershipAction.ACCEPT: (EventType.PARTNERSHIP_ACCEPTED, EventScope.PUBLIC),
    PartnershipAction.DECLINE: (EventType.PARTNERSHIP_DECLINED, EventScope.PARTIES),
    PartnershipAction.END: (EventType.PARTNERSHIP_ENDED, EventScope.PUBLIC),
}


def _event(kind: EventType, scope: EventScope, partnership: Partnership, parties: list[str]) -> NewEvent:
    payload = {"status": partnership.status.value, "kind": partnership.kind.value, "title": partnership.title}
    return NewEvent(kind, "Partnership", partnership.id, tuple(parties), scope, payload)


def partnership_kind(a: Institution | TechEnterprise, b: Institution | TechEnterprise) -> PartnershipKind:
    """COOPERATION for an institution and a tech enterprise, INTRA_SECTOR for two institutions."""
    institutions = isinstance(a, Institution) + isinstance(b, Institution)
    if institutions == 2:
        return PartnershipKind.INTRA_SECTOR
    if institutions == 1:
        return PartnershipKind.COOPERATION
    raise UserInputError.single(
        "recipientId",
        "two tech enterprises cannot form a partnership on this platform; "
        "one party must be a financial institution",
        "INVALID_PARTIES",
    )


class PartnershipService:
    def __init__(self, db: Database, today: Today = system_today) -> None:
        self.db = db
        self.today = today

    async def propose(self, cmd: commands.ProposePartnership) -> Partnership:
        checks = Checks()
        checks.name("title", cmd.title)
        checks.text("terms", cmd.terms)
        if cmd.proposer_id == cmd.recipient_id:
            checks.fail("recipientId", "an organisation cannot partner with itself", "INVALID_PARTIES")
        checks.raise_if_any()

        async def work(tx: Transaction) -> Partnership:
            # The pair locked before the duplicate check: two proposals between the same pair at
            # once are serialised, and the second finds the first's partnership.
            found = await org_repo.lock_pair_by_id(tx, ids=[cmd.proposer_id, cmd.recipient_id])
            for field, org_id in (
                ("proposerId", cmd.proposer_id),
                ("recipientId", cmd.recipient_id),
            ):
                if org_id not in found:
                    raise NotFoundError(field, "organisation", org_id)
            kind = partnership_kind(found[cmd.proposer_id], found[cmd.recipient_id])
            existing = await repo.open_partnership_between(tx, a=cmd.proposer_id, b=cmd.recipient_id)
            if existing is not None:
                raise UserInputError.single(
                    "recipientId",
                    f"these organisations already have {with_article(existing[1])} partnership ({existing[0]})",
                    "DUPLICATE",
                )
            record = Partnership(
                id=new_id("p"),
                kind=kind,
                status=PartnershipStatus.PROPOSED,
                title=cmd.title.strip(),
                proposed_on=self.today(),
                terms=cmd.terms,
            )
            created = await repo.create_partnership(
                tx, partnership=record, proposer_id=cmd.proposer_id, recipient_id=cmd.recipient_id
            )
            parties = [cmd.proposer_id, cmd.recipient_id]
            await events.append(
                tx, _event(EventType.PARTNERSHIP_PROPOSED, EventScope.PARTIES, created, parties)
            )
            return created

        return await self.db.transaction(work)

    async def accept(self, partnership_id: str) -> Partnership:
        return await self._move(partnership_id, PartnershipAction.ACCEPT)

    async def decline(self, partnership_id: str) -> Partnership:
        return await self._move(partnership_id, PartnershipAction.DECLINE)

    async def end(self, partnership_id: str) -> Partnership:
        return await self._move(partnership_id, PartnershipAction.END)

    async def _move(self, partnership_id: str, action: PartnershipAction) -> Partnership:
        async def work(tx: Transaction) -> Partnership:
            current = await repo.lock_status(tx, partnership_id=partnership_id)
            if current is None:
                raise NotFoundError("id", "partnership", partnership_id)
            target = PARTNERSHIP_LIFECYCLE.next(current, action)
            today = self.today()
            dates: dict[str, Any] = {name: today for name in _DATES[action]}
            moved = await repo.set_status(tx, partnership_id=partnership_id, status=target, dates=dates)
            parties = await repo.party_ids(tx, partnership_id=partnership_id)
            await events.append(tx, _event(*_EVENTS[action], moved, parties))
            return moved

        return await self.db.transaction(work)
