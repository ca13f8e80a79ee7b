"""Who may do what: every rule of the hub in one place, as pure functions of the principal.

- ADMIN may do everything.
- REGULATOR registers organisations, moves sandbox projects through their lifecycle, grants
  awards and reads the audit log.
- ANALYST reads, including the risk views and network measures, and exports the graph; it changes
  nothing but may have the network measures recomputed.
- PARTNER acts only for its own organisation: changes its own details and capabilities,
  proposes in its own name, accepts or declines only proposals addressed to it, ends only its
  own partnerships, applies to the sandbox only as one of the applicants, confirms or declines
  only its own organisation's sandbox invitations, answers only its own recommendations.
- Recommendations for a party: that party's partner, analysts, regulators and admins. The
  matchmaking models are read by those who analyse the network; only admins refit them.
- Sandbox applications: an organisation named by a partner other than its own is invited and
  joins only when its own partner confirms; an admin, acting for the platform, registers a
  joint project with every participant at once.
- Aggregates disclose no more than the caller may see, save what analysts get in crowds (see
  `aggregate_disclosure` and docs/security.md).
- Events (subscriptions, webhooks, the `events` list): regulators and admins hear every one; a
  partner hears the events that concern its own organisation; analysts hear the events about what
  they may read (public changes, the network measures), never those private to the parties.
- Webhooks: a partner manages its own organisation's, an admin any organisation's.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from hub.domain.enums import Dimension, Role
from hub.domain.events import EventScope
from hub.domain.principal import AggregateDisclosure, Principal, PrivateRows, Visibility


class Action(StrEnum):
    REGISTER_ORGANISATION = "register organisations"
    UPDATE_ORGANISATION = "change this organisation"
    PROPOSE_PARTNERSHIP = "propose a partnership in this organisation's name"
    DECIDE_PARTNERSHIP = "accept or decline this proposal"
    END_PARTNERSHIP = "end this partnership"
    APPLY_TO_SANDBOX = "apply to the sandbox for these applicants"
    ANSWER_SANDBOX_INVITATION = "confirm or decline this organisation's part in a sandbox project"
    MOVE_SANDBOX_PROJECT = "move sandbox projects through their lifecycle"
    ANSWER_RECOMMENDATION = "answer recommendations made to this organisation"
    READ_RECOMMENDATIONS = "read recommendations for this organisation"
    READ_AUDIT_LOG = "read the audit log"
    MANAGE_AWARDS = "grant awards"
    READ_RISK_VIEWS = "read the risk views"
    ANALYSE_NETWORK = "read, refresh and export the partnership network's measures"
    READ_METRICS = "read the service's metrics"
    REFIT_MATCHMAKING = "refit the matchmaking models"
    MANAGE_WEBHOOKS = "manage this organisation's webhooks"


_ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.REGULATOR: frozenset(
        {
            Action.REGISTER_ORGANISATION,
            Action.MOVE_SANDBOX_PROJECT,
            Action.READ_RECOMMENDATIONS,
            Action.READ_AUDIT_LOG,
            Action.MANAGE_AWARDS,
            Action.READ_RISK_VIEWS,
            Action.ANALYSE_NETWORK,
        }
    ),
    Role.ANALYST: frozenset({Action.READ_RECOMMENDATIONS, Action.READ_RISK_VIEWS, Action.ANALYSE_NETWORK}),
    Role.PARTNER: frozenset(),
}

# What a partner may do, provided it is the organisation the rule names.
_PARTNER_ACTIONS = frozenset(
    {
        Action.UPDATE_ORGANISATION,
        Action.PROPOSE_PARTNERSHIP,
        Action.DECIDE_PARTNERSHIP,
        Action.END_PARTNERSHIP,
        Action.APPLY_TO_SANDBOX,
        Action.ANSWER_SANDBOX_INVITATION,
        Action.ANSWER_RECOMMENDATION,
        Action.READ_RECOMMENDATIONS,
        Action.MANAGE_WEBHOOKS,
    }
)


def allowed(principal: Principal, action: Action, organisations: Collection[str] = ()) -> bool:
    """Whether `principal` may take `action` where `organisations` are the ones acting or addressed.

    For a partner, its own organisation must be among `organisations` (the organisation being
    changed, the proposer, the recipient of a proposal, a party, an applicant, the party of a
    recommendation).
    """
    if action in _ROLE_ACTIONS[principal.role]:
        return True
    return (
        principal.role is Role.PARTNER
        and action in _PARTNER_ACTIONS
        and principal.organisation_id is not None
        and principal.organisation_id in organisations
    )


def visibility(principal: Principal) -> Visibility:
    """PROPOSED and DECLINED partnerships, and every partnership's terms, are private to their
    parties, regulators and admins; analysts see them only in aggregates."""
    return Visibility(principal.organisation_id, principal.role in {Role.REGULATOR, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class EventAudience:
    """Which events a caller hears (`sees_event`), in the form the event log's reads take as
    parameters: every event, those of these scopes, and those concerning this organisation."""

    sees_all: bool
    scopes: frozenset[EventScope]
    organisation_id: str | None

    def params(self) -> dict[str, object]:
        return {
            "seesAll": self.sees_all,
            "scopes": sorted(s.value for s in self.scopes),
            "viewerOrg": self.organisation_id,
        }

    def hears(self, scope: EventScope, organisation_ids: Collection[str]) -> bool:
        return (
            self.sees_all
            or scope in self.scopes
            or (self.organisation_id is not None and self.organisation_id in organisation_ids)
        )


def event_audience(principal: Principal) -> EventAudience:
    """Regulators and admins hear everything; a partner only what concerns its organisation (so a
    PROPOSED partnership between others, or another's sandbox project, never reaches it); analysts
    what they may read: public changes and, with the network permission, the network measures."""
    if principal.role in {Role.REGULATOR, Role.ADMIN}:
        return EventAudience(True, frozenset(), None)
    scopes: set[EventScope] = set()
    if principal.role is Role.ANALYST:
        scopes.add(EventScope.PUBLIC)
    if Action.ANALYSE_NETWORK in _ROLE_ACTIONS[principal.role]:
        scopes.add(EventScope.NETWORK)
    org = principal.organisation_id if principal.role is Role.PARTNER else None
    return EventAudience(False, frozenset(scopes), org)


def sees_event(principal: Principal, scope: EventScope, organisation_ids: Collection[str]) -> bool:
    """Whether `principal` hears an event of `scope` concerning `organisation_ids`."""
    return event_audience(principal).hears(scope, organisation_ids)


def joins_sandbox_project_at_once(principal: Principal, organisation_id: str) -> bool:
    """Whether an organisation named in `principal`'s sandbox application becomes a participant at
    once: its own organisation does, and every one when an admin registers a joint project for the
    platform (an application received outside the hub). Any other is invited and joins only when
    its own partner confirms (`confirmSandboxParticipation`)."""
    return principal.role is Role.ADMIN or principal.organisation_id == organisation_id


def sees_sandbox_invitation(principal: Principal, invitee_id: str, participant_ids: Collection[str]) -> bool:
    """Who was named in an application and has not joined is known to the project's participants,
    the invited organisation itself, regulators and admins."""
    if principal.role in {Role.REGULATOR, Role.ADMIN}:
        return True
    org = principal.organisation_id
    return org is not None and (org == invitee_id or org in participant_ids)


# --- Aggregates -------------------------------------------------------------------------------


CROWD_DIMENSIONS = frozenset({Dimension.STATUS, Dimension.KIND, Dimension.YEAR, Dimension.MONTH})
"""The dimensions by which analysts may count private partnerships: when and what, never who or
where (HOME_COUNTRY, ZONE and CAPABILITY describe the parties)."""


def aggregate_disclosure(
    principal: Principal,
    dimensions: Collection[Dimension],
    window: tuple[date | None, date | None],
    min_crowd: int,
) -> AggregateDisclosure:
    """The disclosure rule of `aggregate` (docs/security.md): regulators and admins count every
    partnership; partners count what they may see (their own private partnerships included);
    analysts count what anyone may see plus private partnerships in crowds of at least
    `min_crowd` proposers and recipients, by STATUS, KIND, YEAR or MONTH only, in whole months.

    Crowds are fixed by status, kind and month whatever the query, and a crowd counts whole or not
    at all, so no set of queries (two overlapping windows, a coarser and a finer grouping, with
    and without a filter) tells an analyst more about private partnerships than the size of each
    crowd large enough to count."""
    seen = visibility(principal)
    if seen.sees_all:
        return AggregateDisclosure(seen, PrivateRows.COUNTED)
    if principal.role is not Role.ANALYST or not set(dimensions) <= CROWD_DIMENSIONS:
        return AggregateDisclosure(seen, PrivateRows.EXCLUDED)
    months = whole_months(*window)
    if months is None:
        return AggregateDisclosure(seen, PrivateRows.EXCLUDED)
    return AggregateDisclosure(seen, PrivateRows.IN_CROWDS, min_crowd, *months)


def whole_months(start: date | None, end: date | None) -> tuple[date | None, date | None] | None:
    """The first and last day of the calendar months lying wholly within [start, end] (None for an
    open end), or None when no month does (a one-day window, say)."""
    try:
        first = start if start is None or start.day == 1 else _next_month(start)
        last = end if end is None or _month_end(end) else end.replace(day=1) - timedelta(days=1)
    except OverflowError:  # in the month of date.max or date.min: no whole month there
        return None
    if first is not None and last is not None and first > last:
        return None
    return first, last


def _month_end(day: date) -> bool:
    return day == date.max or (day + timedelta(days=1)).day == 1


def _next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
