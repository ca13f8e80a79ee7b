"""The event log for partner portals: the `events` list (pull) and the `events` subscription.

Both hear what the policy lets the caller hear (`event_audience`). A subscription over
graphql-transport-ws authenticates in `connection_init` (see HubGraphQL.on_ws_connect) and
follows the log by sequence: reconnecting with `after` set to the last sequence seen gets every
event since, in order, none twice.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON

from hub.admission import PerCaller
from hub.domain import events as domain
from hub.graphql.context import Info
from hub.graphql.relay import DEFAULT_PAGE, PageInfo, bad_argument, bounded_first, to_global_id
from hub.rate_limit import RateLimit, RateLimited
from hub.security.policy import EventAudience, event_audience

_CURSOR_PREFIX = "event:"
_MAX_SEQUENCE = 2**63 - 1
SUBSCRIPTION_POINTS = 1  # what opening a subscription spends of its caller's rate limit


@strawberry.type(description="Something that happened in the hub, as partner portals hear of it.")
class Event:
    id: strawberry.ID = strawberry.field(
        description="Stable: the same event delivered twice (a webhook retried) has the same id."
    )
    sequence: int = strawberry.field(
        description="Its place in the hub's log: events are numbered in the order they committed, "
        "without gaps. Resume a subscription with `after` set to the last one seen."
    )
    type: str = strawberry.field(description="partnership.proposed, sandbox_project.testing_started, ...")
    subject_type: str = strawberry.field(description="The type of what changed.")
    subject_id: strawberry.ID = strawberry.field(description="The global id of what changed.")
    organisation_ids: list[strawberry.ID] = strawberry.field(
        description="The global ids of the organisations the event concerns."
    )
    payload: JSON = strawberry.field(description="The change in brief (its new status, ...).")
    at: datetime = strawberry.field(description="When it committed.")

    @classmethod
    def from_record(cls, event: domain.Event) -> Event:
        return cls(
            id=strawberry.ID(event.id),
            sequence=event.sequence,
            type=event.type,
            subject_type=event.subject_type,
            subject_id=strawberry.ID(to_global_id(event.subject_type, event.subject_id)),
            organisation_ids=[strawberry.ID(to_global_id(o.type_name, o.id)) for o in event.organisations],
            payload=_json(event.payload),
            at=event.at,
        )


def _json(value: Any) -> JSON:
    return value  # type: ignore[no-any-return]


@strawberry.type
class EventEdge:
    cursor: str
    node: Event


@strawberry.type(description="Events in the order they committed, oldest first.")
class EventConnection:
    edges: list[EventEdge]
    page_info: PageInfo

    @strawberry.field(description="The nodes of the edges, for clients that need no cursors.")
    def nodes(self) -> list[Event]:
        return [edge.node for edge in self.edges]


def event_cursor(sequence: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{sequence}".encode()).decode()


def _cursor_sequence(cursor: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    digits = decoded.removeprefix(_CURSOR_PREFIX)
    if (
        not decoded.startswith(_CURSOR_PREFIX)
        or not digits.isascii()
        or not digits.isdigit()
        or len(digits) > 19
    ):
        shown = cursor if len(cursor) <= 40 else cursor[:40] + "..."
        raise bad_argument("after", f"{shown!r} is not a cursor of this connection")
    return int(digits)


def checked_types(types: list[str] | None) -> list[str] | None:
    """The types asked for, or a BAD_USER_INPUT refusal naming each unknown one."""
    if types is None:
        return None
    unknown = domain.unknown_types(types)
    if unknown:
        wrong = "; ".join(f"types.{i}: {t!r} is not an event type" for i, t in unknown)
        raise bad_argument("types", f"{wrong} (known: {domain.known_types_text()})")
    return types


def checked_sequence(argument: str, value: int | None) -> int | None:
    if value is not None and not 0 <= value <= _MAX_SEQUENCE:
        raise bad_argument(argument, f"must be a sequence number, 0 or more (got {value})")
    return value


def _audience(info: Info) -> EventAudience:
    principal = info.context.principal
    if principal is None:  # the view authenticates first; this is only a guard
        raise GraphQLError("credentials are required", extensions={"code": "UNAUTHENTICATED"})
    return event_audience(principal)


_TYPES = "Only events of these types (partnership.proposed, ...); all when omitted."


@strawberry.type
class EventQueries:
    @strawberry.field(
        description="The hub's events the caller may hear, oldest first: what a portal that cannot "
        "receive pushes polls. Pass the last `endCursor` (or `afterSequence`) to get only newer ones."
    )
    async def events(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        after_sequence: int | None = None,
        types: Annotated[list[str] | None, strawberry.argument(description=_TYPES)] = None,
    ) -> EventConnection:
        size = bounded_first(DEFAULT_PAGE if first is None else first)
        if after is not None and after_sequence is not None:
            raise bad_argument("afterSequence", "give `after` or `afterSequence`, not both")
        start = (
            _cursor_sequence(after)
            if after is not None
            else checked_sequence("afterSequence", after_sequence)
        )
        found = await info.context.services.events.page(
            _audience(info), checked_types(types), start or 0, size + 1
        )
        edges = [EventEdge(cursor=event_cursor(e.sequence), node=Event.from_record(e)) for e in found[:size]]
        return EventConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(found) > size,
                has_previous_page=bool(start),
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


@strawberry.type
class EventSubscriptions:
    @strawberry.subscription(
        description="The hub's events the caller may hear, as they commit. With `after` (the last "
        "sequence seen), every event since comes first, in order, none twice; without it, only "
        "events from now on."
    )
    async def events(
        self,
        info: Info,
        types: Annotated[list[str] | None, strawberry.argument(description=_TYPES)] = None,
        after: int | None = None,
    ) -> AsyncGenerator[Event, None]:
        audience = _audience(info)
        wanted = checked_types(types)
        start = checked_sequence("after", after)
        caller = info.context.principal.subject if info.context.principal is not None else ""
        await _admit_subscription(info, caller)
        held: PerCaller = info.context.request.app.state.subscriptions
        try:
            still_authenticated = info.context.still_authenticated
            async for event in info.context.services.feed.follow(audience, wanted, start):
                if still_authenticated is not None and not await still_authenticated():
                    raise GraphQLError(
                        "the credentials of this subscription are no longer valid (revoked or expired)",
                        extensions={"code": "UNAUTHENTICATED"},
                    )
                yield Event.from_record(event)
        finally:
            held.leave(caller)


async def _admit_subscription(info: Info, caller: str) -> None:
    """A subscription is held open for as long as its caller likes, so each caller may hold a
    bounded number at once in this process; opening one spends a point of the caller's rate
    limit, so opening and closing in a loop is bounded too."""
    held: PerCaller = info.context.request.app.state.subscriptions
    rate_limit: RateLimit = info.context.request.app.state.rate_limit
    try:
        await rate_limit.spend(caller, SUBSCRIPTION_POINTS)
    except RateLimited as limited:
        raise GraphQLError(
            str(limited), extensions={"code": "RATE_LIMITED", "retryAfter": limited.retry_after}
        ) from None
    if not held.enter(caller):
        raise GraphQLError(
            f"this caller already holds {held.limit} subscriptions open (the most one caller may); "
            "close one first",
            extensions={"code": "TOO_MANY_SUBSCRIPTIONS"},
        )
