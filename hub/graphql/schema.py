"""The root schema: composes each area's queries and mutations, nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.printer import print_schema
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from hub.graphql.aggregates import AggregateQueries
from hub.graphql.analysis import analyse
from hub.graphql.audit_log import AuditQueries
from hub.graphql.auditing import AuditMutations
from hub.graphql.directory import DirectoryMutations, DirectoryQueries
from hub.graphql.errors import log_errors
from hub.graphql.events import EventQueries, EventSubscriptions
from hub.graphql.exploration import ExplorationQueries
from hub.graphql.idempotency import IdempotentMutations
from hub.graphql.matchmaking import MatchmakingMutations, MatchmakingQueries
from hub.graphql.network import NetworkMutations, NetworkQueries
from hub.graphql.nodes import (
    Award,
    Capability,
    Institution,
    Partnership,
    SandboxBatch,
    SandboxProject,
    TechEnterprise,
    Zone,
)
from hub.graphql.organisations import OrganisationMutations, OrganisationQueries
from hub.graphql.partnerships import PartnershipMutations, PartnershipQueries
from hub.graphql.risk import RiskQueries
from hub.graphql.sandbox import SandboxMutations, SandboxQueries
from hub.graphql.search import LookupQueries
from hub.graphql.text_inputs import TextInputs
from hub.graphql.validation import LocatedLiteralErrors
from hub.graphql.viewer import ViewerQueries
from hub.graphql.webhooks import WebhookMutations, WebhookQueries


@strawberry.type
class Query(
    ViewerQueries,
    LookupQueries,
    OrganisationQueries,
    PartnershipQueries,
    SandboxQueries,
    DirectoryQueries,
    MatchmakingQueries,
    AuditQueries,
    RiskQueries,
    AggregateQueries,
    ExplorationQueries,
    NetworkQueries,
    EventQueries,
    WebhookQueries,
):
    pass


@strawberry.type
class Mutation(
    OrganisationMutations,
    PartnershipMutations,
    SandboxMutations,
    MatchmakingMutations,
    DirectoryMutations,
    NetworkMutations,
    WebhookMutations,
):
    pass


@strawberry.type
class Subscription(EventSubscriptions):
    pass


@dataclass(frozen=True, slots=True)
class Protection:
    """How the schema parses and what it shows. Depth, aliases, expanded size and cost are checked
    before the schema sees an operation (hub/graphql/screening.py)."""

    max_tokens: int = 3000
    production: bool = False
    idempotency_key_retention_seconds: int = 24 * 3600  # how long a mutation's key is remembered


class AnalysedDocument(SchemaExtension):
    """Takes the document the view already parsed and analysed (remembered by its text) instead of
    parsing the text a second time."""

    def __init__(self, max_tokens: int) -> None:
        super().__init__()
        self.max_tokens = max_tokens

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            # A text that does not parse is left to Strawberry, which reports the syntax error.
            context.graphql_document = analyse(context.query, self.max_tokens).document
        yield


class HubSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Strawberry's own logs every error with its traceback, a client's typo included.
        log_errors(errors, execution_context.operation_name if execution_context else None)


NODE_TYPES = [Institution, TechEnterprise, Capability, Partnership, SandboxBatch, SandboxProject, Zone, Award]


def build_schema(protection: Protection | None = None) -> strawberry.Schema:
    protection = protection or Protection()
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=protection.max_tokens),
        lambda: AnalysedDocument(protection.max_tokens),
        LocatedLiteralErrors,  # before the cache validates with the rules it names
        lambda: ValidationCache(maxsize=256),
        TextInputs,
        # Inside the audit's resolve hook (the last extension wraps the others), so a refused key is audited.
        lambda: IdempotentMutations(retention_seconds=protection.idempotency_key_retention_seconds),
        AuditMutations,
    ]
    if protection.production:
        extensions.append(DisableIntrospection)
    return HubSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=protection.production),
    )


schema = build_schema()


def sdl() -> str:
    """The schema as SDL, as exported to schema/schema.graphql."""
    return print_schema(schema) + "\n"
