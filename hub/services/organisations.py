"""Registering and updating institutions and tech enterprises, and their capabilities."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from hub.db.database import Database, Transaction
from hub.db.mapping import stored
from hub.db.repositories import events
from hub.db.repositories import organisations as repo
from hub.domain import commands
from hub.domain.events import EventScope, EventType, NewEvent
from hub.domain.models import CapabilityOffer, Institution, Organisation, TechEnterprise
from hub.domain.validation import Checks
from hub.errors import FieldError, NotFoundError, UserInputError
from hub.model.graph import MODEL
from hub.model.types import Check, Prop
from hub.services.clock import Today, system_today
from hub.services.guards import require, require_each, require_zone

_ID_PREFIX = {"Institution": "inst", "TechEnterprise": "tech"}
_TYPE_NAMES = {"Institution": "an institution", "TechEnterprise": "a tech enterprise"}


def _updated() -> tuple[Prop, ...]:
    """Every property updateOrganisation may change, of either type, once each."""
    props: dict[str, Prop] = {}
    for type_name in _TYPE_NAMES:
        for prop in MODEL.node(type_name).written(updating=True):
            props.setdefault(prop.prop, prop)
    return tuple(props.values())


_UPDATED = _updated()
_FIELD_OF = {p.prop: p.name for p in _UPDATED}
# A property only one type has, by key: the type it does not apply to.
_TYPE_OF = {
    p.prop: other
    for type_name, other in (("Institution", "TechEnterprise"), ("TechEnterprise", "Institution"))
    for p in MODEL.node(type_name).written(updating=True)
    if MODEL.node(other).prop(p.name) is None
}


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class OrganisationService:
    def __init__(self, db: Database, today: Today = system_today) -> None:
        self.db = db
        self.today = today

    async def register(self, cmd: commands.RegisterOrganisation) -> Organisation:
        """An institution or tech enterprise, with the properties the model lets callers write
        for its type, checked as the model says, created and placed in its zone in one
        transaction."""
        node_type = MODEL.node(cmd.type_name)
        props = self._checked(node_type.written(), cmd.values)
        props["id"] = new_id(_ID_PREFIX[cmd.type_name])

        async def work(tx: Transaction) -> Organisation:
            await require_zone(tx, cmd.zone_id)
            created = await repo.create_organisation(tx, type_name=cmd.type_name, props=props)
            if cmd.zone_id is not None:
                await repo.set_zone(tx, org_id=created.id, zone_id=cmd.zone_id)
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
        changes = self._checked(_UPDATED, cmd.values)
        changed = sorted([*changes, *(["zoneId"] if cmd.zone_id is not None else [])])
        event = NewEvent(
            EventType.ORGANISATION_UPDATED, None, cmd.id, (cmd.id,), EventScope.PUBLIC, {"changed": changed}
        )

        def refusal(refused: str) -> Exception:
            if refused == "zoneId":
                return NotFoundError("zoneId", "zone", cmd.zone_id or "")
            if refused == "id":
                return NotFoundError("id", "organisation", cmd.id)
            field = _FIELD_OF[refused]
            message = f"{field} does not apply to {_TYPE_NAMES[_TYPE_OF[refused]]}"
            return UserInputError([FieldError(field, message, "NOT_APPLICABLE")])

        # One statement, one exchange with the server: checks, change, audit entry and event.
        return await repo.update_organisation(
            self.db,
            org_id=cmd.id,
            org_type=cmd.type,
            changes=changes,
            applicable={t: [p.prop for p in MODEL.node(t).written(updating=True)] for t in _TYPE_NAMES},
            zone_id=cmd.zone_id,
            event=event,
            refusal=refusal,
            read_back=read_back,
        )

    def _checked(self, props: Iterable[Prop], values: Mapping[str, Any]) -> dict[str, Any]:
        """The given values of `props` as node properties (by property key), each checked as
        the model says; every problem is reported at once and nothing is written."""
        checks = Checks()
        today = self.today()
        written: dict[str, Any] = {}
        for prop in props:
            value = values.get(prop.name)
            if value is None:
                continue
            assert prop.write is not None
            check = prop.write.check
            if check is Check.NAME:
                checks.name(prop.name, value)
                value = value.strip()
            elif check is Check.NAMES:
                checks.names(prop.name, value)
            elif check is Check.TEXT:
                checks.text(prop.name, value)
            elif check is Check.COUNTRY:
                checks.country(prop.name, value)
            elif check is Check.PAST_DATE:
                checks.not_future(prop.name, value, today)
            elif check is Check.POSITIVE and value < 1:
                checks.fail(prop.name, f"must be at least 1 (got {value})", "OUT_OF_RANGE")
            written[prop.prop] = stored(value)
        checks.raise_if_any()
        return written

    async def declare_sought(self, institution_id: str, capability_ids: list[str]) -> Institution:
        checks = Checks()
        checks.distinct("capabilityIds", capability_ids)
        checks.raise_if_any()

        async def work(tx: Transaction) -> Institution:
            await require(tx, "Institution", "institutionId", [institution_id])
            await require_each(tx, "Capability", "capabilityIds", capability_ids)
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
        checks.distinct("offers", [o.capability_id for o in offers], ".capabilityId")
        checks.raise_if_any()

        async def work(tx: Transaction) -> TechEnterprise:
            await require(tx, "TechEnterprise", "techEnterpriseId", [enterprise_id])
            await require_each(tx, "Capability", "offers", [o.capability_id for o in offers], ".capabilityId")
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


def _event(kind: EventType, org: Organisation, payload: dict[str, Any]) -> NewEvent:
    """Organisations are public: analysts hear of their changes, partners of their own."""
    type_name = "Institution" if isinstance(org, Institution) else "TechEnterprise"
    return NewEvent(kind, type_name, org.id, (org.id,), EventScope.PUBLIC, payload)
