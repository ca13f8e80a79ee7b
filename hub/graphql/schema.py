"""The root schema: composes each area's queries and mutations, nothing else."""

from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.printer import print_schema

from hub.graphql.directory import DirectoryQueries
from hub.graphql.matchmaking import MatchmakingMutations, MatchmakingQueries
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
from hub.graphql.sandbox import SandboxMutations, SandboxQueries
from hub.graphql.search import LookupQueries


@strawberry.type
class Query(
    LookupQueries,
    OrganisationQueries,
    PartnershipQueries,
    SandboxQueries,
    DirectoryQueries,
    MatchmakingQueries,
):
    pass


@strawberry.type
class Mutation(OrganisationMutations, PartnershipMutations, SandboxMutations, MatchmakingMutations):
    pass


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[
            Institution,
            TechEnterprise,
            Capability,
            Partnership,
            SandboxBatch,
            SandboxProject,
            Zone,
            Award,
        ],
        extensions=[lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256)],
    )


schema = build_schema()


def sdl() -> str:
    """The schema as SDL, as exported to schema/schema.graphql."""
    return print_schema(schema) + "\n"
