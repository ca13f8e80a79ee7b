"""What happened in the hub, as a log that partner portals follow (subscriptions, webhooks, pull).

A service appends an event in the write transaction of the change it describes, so the change
and its event commit together or not at all. Each event takes the next number of one counter
per database; the counter's write lock is held until commit, so events commit in the order of
their sequence and a reader that has seen sequence N has seen every event before it.

Who hears an event is the policy module's rule (`hub/security/policy.py`, `sees_event`), from
its `scope` and the organisations it concerns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    PARTNERSHIP_PROPOSED = "partnership.proposed"
    PARTNERSHIP_ACCEPTED = "partnership.accepted"
    PARTNERSHIP_DECLINED = "partnership.declined"
    PARTNERSHIP_ENDED = "partnership.ended"
    SANDBOX_PROJECT_APPLIED = "sandbox_project.applied"
    SANDBOX_PROJECT_REGISTERED = "sandbox_project.registered"
    SANDBOX_PROJECT_TESTING_STARTED = "sandbox_project.testing_started"
    SANDBOX_PROJECT_EXITED = "sandbox_project.exited"
    SANDBOX_PROJECT_WITHDRAWN = "sandbox_project.withdrawn"
    SANDBOX_PARTICIPATION_CONFIRMED = "sandbox_project.participation_confirmed"
    SANDBOX_PARTICIPATION_DECLINED = "sandbox_project.participation_declined"
    ORGANISATION_REGISTERED = "organisation.registered"
    ORGANISATION_UPDATED = "organisation.updated"
    CAPABILITIES_DECLARED = "capabilities.declared"
    AWARD_GRANTED = "award.granted"
    NETWORK_MEASURES_REFRESHED = "network_measures.refreshed"


class EventScope(StrEnum):
    """Who besides the organisations concerned (and regulators and admins) may hear an event."""

    PARTIES = "PARTIES"  # private to the organisations concerned (a PROPOSED partnership, ...)
    PUBLIC = "PUBLIC"  # about what any reader may see: analysts hear it too
    NETWORK = "NETWORK"  # the network measures: whoever may read them


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event as a service appends it; the log gives it its id, sequence and time."""

    type: EventType
    # The GraphQL type of the subject, for its global id; None when the statement that appends the
    # event names it (a change that is one statement learns the subject's type as it changes it).
    subject_type: str | None
    subject_id: str
    organisation_ids: tuple[str, ...]
    scope: EventScope
    payload: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {
            "type": self.type.value,
            "subjectType": self.subject_type,
            "subjectId": self.subject_id,
            "organisations": sorted(set(self.organisation_ids)),
            "scope": self.scope.value,
            "payload": json.dumps(self.payload, default=str, sort_keys=True),
        }


@dataclass(frozen=True, slots=True)
class OrganisationRef:
    type_name: str  # Institution or TechEnterprise
    id: str


@dataclass(frozen=True, slots=True)
class Event:
    id: str  # stable: the same event delivered twice carries the same id
    sequence: int
    type: str
    subject_type: str
    subject_id: str
    organisations: tuple[OrganisationRef, ...]
    scope: EventScope
    payload: dict[str, Any]
    at: datetime

    @property
    def organisation_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.organisations)


def unknown_types(types: list[str]) -> list[tuple[int, str]]:
    """(index, value) of each type that names no event type."""
    known = {t.value for t in EventType}
    return [(i, t) for i, t in enumerate(types) if t not in known]


def known_types_text() -> str:
    return ", ".join(t.value for t in EventType)
