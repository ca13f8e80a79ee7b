"""What every resolver can reach, typed so the checker sees it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from strawberry.types import Info as StrawberryInfo

from hub.domain.principal import Principal
from hub.graphql.loaders import Loaders
from hub.services.aggregates import Aggregates
from hub.services.awards import AwardService
from hub.services.catalogue import Catalogue
from hub.services.events import EventFeed, EventLog
from hub.services.exploration import Explorer
from hub.services.matchmaking.service import Matchmaker
from hub.services.network.service import NetworkMeasures
from hub.services.organisations import OrganisationService
from hub.services.partnerships import PartnershipService
from hub.services.risk import RiskViews
from hub.services.sandbox import SandboxService
from hub.services.webhooks import WebhookService


@dataclass
class Services:
    catalogue: Catalogue
    organisations: OrganisationService
    partnerships: PartnershipService
    sandbox: SandboxService
    matchmaker: Matchmaker
    awards: AwardService
    risk: RiskViews
    explorer: Explorer
    network: NetworkMeasures
    aggregates: Aggregates
    events: EventLog
    feed: EventFeed  # this process's follower of the event log (subscriptions)
    webhooks: WebhookService


@dataclass
class Context:
    services: Services
    loaders: Loaders
    request: Any = None
    response: Any = None
    principal: Principal | None = None  # set once the caller is authenticated
    connection_params: Any = None  # a websocket's connection_init payload (its credentials)
    # For a websocket: whether its credentials still hold (a key revoked since connection_init
    # does not); subscriptions ask before each event they send.
    still_authenticated: Callable[[], Awaitable[bool]] | None = None


Info = StrawberryInfo[Context, None]
