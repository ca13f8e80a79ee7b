"""Registering and updating institutions and tech enterprises, and their capabilities."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from hub.db.database import Database, Transaction
from hub.db.mapping import camel
from hub.db.repositories import events
from hub.db.repositories import organisations as repo
from hub.domain import commands
from hub.domain.events import EventScope, EventType, NewEvent
from hub.domain.models import CapabilityOffer, Institution, Organisation, TechEnterprise
from hub.domain.validation import Checks
from hub.errors import FieldError, NotFoundError, UserInputError
from hub.services.clock import Today, system_today
from hub.services.guards import require, require_zone

_NOT_APPLICABLE = {
    "employees": "institutions have no employee count here",
    "licences": "tech enterprises hold no financial licences",
}


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class OrganisationService:
    def __init__(self, db: Database, today: Today = system_today) -> None:
        self.db = db
        self.today = today

    async def register_institution(self, cmd: commands.RegisterInstitution) -> Institution:
        checks = Checks()
        checks.name("name", cmd.name)
        checks.name("nameZh", cmd.name_zh, required=False)
        checks.country("homeCountry", cmd.home_country)
        checks.not_future("founded", cmd.founded, self.today())
        checks.text("description", cmd.description)
        checks.names("licences", cmd.licences)
        checks.raise_if_any()
        record = Institution(
            id=new_id("inst"),
            name=cmd.name.strip(),
            name_zh=cmd.name_zh,
            kind=cmd.kind,
            home_country=cmd.home_country,
            ownership=cmd.ownership,
            licences=cmd.licences,
            founded=cmd.founded,
            description=cmd.description,
        )
        created = await self._register(record, cmd.zone_id)
        assert isinstance(created, Institution)
        return created

    async def register_tech_enterprise(self, cmd: commands.RegisterTechEnterprise) -> TechEnterprise:
        checks = Checks()
        checks.name("name", cmd.name)
        checks.name("nameZh", cmd.name_zh, required=False)
        checks.country("homeCountry", cmd.home_country)
        checks.not_future("founded", cmd.founded, self.today())
        checks.text("description", cmd.description)
        if cmd.employees is not None and cmd.employees < 1:
            checks.fail("employees", f"must be at least 1 (got {cmd.employees})", "OUT_OF_RANGE")
        checks.raise_if_any()
        record = TechEnterprise(
            id=new_id("tech"),
            name=cmd.name.strip(),
            name_zh=cmd.name_zh,
            home_country=cmd.home_country,
            founded=cmd.founded,
            employees=cmd.employees,
            description=cmd.description,
        )
        created = await self._register(record, cmd.zone_id)
        assert isinstance(created, TechEnterprise)
        return created

    async def _register(self, record: Organisation, zone_id: str | None) -> Organisation:
        """Creates the organisation and places it in its zone, in one transaction."""

        async def work(tx: Transaction) -> Organisation:
            await require_zone(tx, zone_id)
            created: Organisation
            if isinstance(record, Institution):
                created = await repo.create_institution(tx, institution=record)
            else:
                created = await repo.create_tech_enterprise(tx, enterprise=record)
            if zone_id is not None:
                await repo.set_zone(tx, org_id=created.id, zone_id=zone_id)
            await events.append(
                tx, _event(EventType.ORGANISATION_REGISTERED, created, {"name": created.name})
            )
            return created

        return await self.db.transaction(work)

    async def update(self, cmd: commands.UpdateOrganisation) -> Organisation:
        updated: Organisation = await self.update_reading(cmd, None)
        return updated

    async def update_reading(self, cmd: commands.UpdateOrganisation, read_back: repo.ReadBack | None) -> Any:
        """The update, answering the changed organisation as `read_back` projects it (the domain
        record without one): a compiled mutation's payload is read in the change's statement."""
        checks = Checks()
        if cmd.name is not None:
            checks.name("name", cmd.name)
        checks.name("nameZh", cmd.name_zh, required=False)
        checks.country("homeCountry", cmd.home_country)
        checks.not_future("founded", cmd.founded, self.today())
        checks.text("description", cmd.description)
        checks.names("licences", cmd.licences)
        if cmd.employees is not None and cmd.employees < 1:
            checks.fail("employees", f"must be at least 1 (got {cmd.employees})", "OUT_OF_RANGE")
        checks.raise_if_any()
        fields = replace(cmd, id="", zone_id=None)
        changes: dict[str, Any] = {
            camel(name): list(value) if isinstance(value, tuple) else value
            for name, value in _set_fields(fields).items()
        }

        changed = sorted([*changes, *(["zoneId"] if cmd.zone_id is not None else [])])
        event = NewEvent(
            EventType.ORGANISATION_UPDATED, None, cmd.id, (cmd.id,), EventScope.PUBLIC, {"changed": changed}
        )

        def refusal(refused: str) -> Exception:
            if refused == "zoneId":
                return NotFoundError("zoneId", "zone", cmd.zone_id or "")
            if refused == "id":
                return NotFoundError("id", "organisation", cmd.id)
            return UserInputError([FieldError(refused, _NOT_APPLICABLE[refused], "NOT_APPLICABLE")])

        # One statement, one exchange with the server: checks, change, audit entry and event.
        return await repo.update_organisation(
            self.db,
            org_id=cmd.id,
            changes=changes,
            zone_id=cmd.zone_id,
            event=event,
            refusal=refusal,
            read_back=read_back,
        )

    async def declare_sought(self, institution_id: str, capability_ids: list[str]) -> Institution:
        checks = Checks()
        checks.distinct("capabilityIds", capability_ids)
        checks.raise_if_any()

        async def work(tx: Transaction) -> Institution:
            await require(tx, "Institution", "institutionId", [institution_id])
            await require(tx, "Capability", "capabilityIds", capability_ids)
            await repo.set_sought_capabilities(
                tx, institution_id=institution_id, capability_ids=capability_ids
            )
            found = await repo.organisations_by_id(tx, ids=[institution_id])
            org = found[institution_id]
            assert isinstance(org, Institution)
            payload = {"side": "SOUGHT", "capabilityIds": list(capability_ids)}
            await events.append(tx, _event(EventType.CAPABILITIES_DECLARED, org, payload))
            return org

        return await self.db.transaction(work)

    async def declare_offered(
        self, enterprise_id: str, offers: list[commands.OfferCapability]
    ) -> TechEnterprise:
        checks = Checks()
        checks.distinct("offers.capabilityId", [o.capability_id for o in offers])
        checks.raise_if_any()

        async def work(tx: Transaction) -> TechEnterprise:
            await require(tx, "TechEnterprise", "techEnterpriseId", [enterprise_id])
            await require(tx, "Capability", "offers.capabilityId", [o.capability_id for o in offers])
            await repo.set_offered_capabilities(
                tx,
                enterprise_id=enterprise_id,
                offers=[CapabilityOffer(o.capability_id, o.maturity) for o in offers],
            )
            found = await repo.organisations_by_id(tx, ids=[enterprise_id])
            org = found[enterprise_id]
            assert isinstance(org, TechEnterprise)
            payload = {"side": "OFFERED", "capabilityIds": [o.capability_id for o in offers]}
            await events.append(tx, _event(EventType.CAPABILITIES_DECLARED, org, payload))
            return org

        return await self.db.transaction(work)


def _set_fields(cmd: commands.UpdateOrganisation) -> dict[str, Any]:
    return {
        name: getattr(cmd, name)
        for name in cmd.__dataclass_fields__
        if name not in {"id", "zone_id"} and getattr(cmd, name) is not None
    }


def _event(kind: EventType, org: Organisation, payload: dict[str, Any]) -> NewEvent:
    """Organisations are public: analysts hear of their changes, partners of their own."""
    type_name = "Institution" if isinstance(org, Institution) else "TechEnterprise"
    return NewEvent(kind, type_name, org.id, (org.id,), EventScope.PUBLIC, payload)
