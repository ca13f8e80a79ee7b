"""Recommended partners, with reasons, and feedback on them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum

import strawberry

from hub.domain.enums import InstitutionKind
from hub.graphql.context import Info
from hub.graphql.nodes import Organisation, Partnership, to_node
from hub.graphql.organisations import ORGANISATION_TYPES
from hub.graphql.payloads import UserError, attempt
from hub.graphql.permissions import (
    CanAnalyseNetwork,
    CanAnswerRecommendation,
    CanReadRecommendations,
    CanRefitMatchmaking,
)
from hub.graphql.relay import bounded_first, decode_id
from hub.services.matchmaking.features import FEATURES
from hub.services.matchmaking.learned import StoredModel
from hub.services.matchmaking.scoring import ReasonKind
from hub.services.matchmaking.service import Recommendation as RecommendationRecord
from hub.services.matchmaking.service import RecommendationFilter

strawberry.enum(ReasonKind, description="What kind of evidence a reason is.")


@strawberry.type(description="One piece of evidence for a recommendation.")
class RecommendationReason:
    kind: ReasonKind
    detail: str = strawberry.field(description="The evidence in words, naming what matched.")
    contribution: float = strawberry.field(description="How much of the score it gives.")


@strawberry.type(description="A recommended partner.")
class Recommendation:
    candidate: Organisation
    score: float = strawberry.field(
        description="The ranker's score, relative to an average candidate (higher is better); the sum "
        "of the reasons' contributions."
    )
    reasons: list[RecommendationReason]

    @classmethod
    def from_record(cls, r: RecommendationRecord) -> Recommendation:
        return cls(
            candidate=to_node(r.candidate),
            score=r.score,
            reasons=[
                RecommendationReason(kind=x.kind, detail=x.detail, contribution=round(x.contribution, 6))
                for x in r.reasons
            ],
        )


@strawberry.input
class RecommendationFilterInput:
    kind: InstitutionKind | None = strawberry.field(default=None, description="Institution candidates only.")
    home_country: str | None = None
    zone_id: strawberry.ID | None = None
    capability_id: strawberry.ID | None = strawberry.field(
        default=None, description="Candidates offering (tech) or seeking (institutions) it."
    )

    def to_filter(self) -> RecommendationFilter:
        return RecommendationFilter(
            kind=self.kind.value if self.kind else None,
            home_country=self.home_country,
            zone_id=None if self.zone_id is None else decode_id(self.zone_id, "filter.zoneId", ("Zone",)),
            capability_id=None
            if self.capability_id is None
            else decode_id(self.capability_id, "filter.capabilityId", ("Capability",)),
        )


Recommend = Callable[[str, int, RecommendationFilter], Awaitable[list[RecommendationRecord]]]


async def _recommend(
    recommend: Recommend, key: str, first: int, filter: RecommendationFilterInput | None
) -> list[Recommendation]:
    found = await recommend(key, bounded_first(first), (filter or RecommendationFilterInput()).to_filter())
    return [Recommendation.from_record(r) for r in found]


@strawberry.type
class MatchmakingQueries:
    @strawberry.field(
        description="Tech enterprises an institution could cooperate with, best first.",
        permission_classes=[CanReadRecommendations],
    )
    async def recommended_tech_partners(
        self,
        info: Info,
        institution_id: strawberry.ID,
        first: int = 10,
        filter: RecommendationFilterInput | None = None,
    ) -> list[Recommendation]:
        key = decode_id(institution_id, "institutionId", ("Institution",))
        return await _recommend(info.context.services.matchmaker.tech_partners, key, first, filter)

    @strawberry.field(
        description="Institutions for intra-sector collaboration with an institution.",
        permission_classes=[CanReadRecommendations],
    )
    async def recommended_peers(
        self,
        info: Info,
        institution_id: strawberry.ID,
        first: int = 10,
        filter: RecommendationFilterInput | None = None,
    ) -> list[Recommendation]:
        key = decode_id(institution_id, "institutionId", ("Institution",))
        return await _recommend(info.context.services.matchmaker.peers, key, first, filter)

    @strawberry.field(
        description="Institutions a tech enterprise could cooperate with, best first.",
        permission_classes=[CanReadRecommendations],
    )
    async def recommended_institutions(
        self,
        info: Info,
        tech_enterprise_id: strawberry.ID,
        first: int = 10,
        filter: RecommendationFilterInput | None = None,
    ) -> list[Recommendation]:
        key = decode_id(tech_enterprise_id, "techEnterpriseId", ("TechEnterprise",))
        return await _recommend(info.context.services.matchmaker.institutions, key, first, filter)

    @strawberry.field(
        description="The recommenders' models as last stored (after seeding, on the schedule or by "
        "refitMatchmakingModel): empty before the first fit.",
        permission_classes=[CanAnalyseNetwork],
    )
    async def matchmaking_model(self, info: Info) -> list[MatchmakingModel]:
        return [MatchmakingModel.of(m) for m in await info.context.services.matchmaker.models()]


@strawberry.enum(description="Which recommendation query a model ranks for.")
class RecommendationQuery(StrEnum):
    TECH_PARTNERS = "TECH_PARTNERS"
    PEERS = "PEERS"
    INSTITUTIONS = "INSTITUTIONS"


@strawberry.enum(
    description="FITTED on this graph's history, or PRIOR: documented weights (one of the documented "
    "rankers, chosen on validation when it ranked better than the fit or the graph is too small to fit)."
)
class ModelStatus(StrEnum):
    FITTED = "FITTED"
    PRIOR = "PRIOR"


@strawberry.type(
    description="A feature's weight on standardised values: its contribution is weight x (value - mean) / scale."
)
class FeatureWeight:
    feature: str
    weight: float
    mean: float
    scale: float


@strawberry.type(
    description="The ranker of one recommendation query, as last fitted on the graph's own history."
)
class MatchmakingModel:
    query: RecommendationQuery
    status: ModelStatus
    version: int = strawberry.field(description="Counts the fits stored for this query.")
    fitted_at: datetime
    training_size: int = strawberry.field(description="Candidate rows (train + validation) it was fitted on.")
    positives: int = strawberry.field(description="Of which pairs that did form.")
    regularisation: float = strawberry.field(
        description="Logistic regression C, chosen on validation (0 for documented weights)."
    )
    validation_hits_at_10: float | None
    validation_mrr: float | None
    note: str = strawberry.field(description="What it was fitted on, or why the prior ranks.")
    weights: list[FeatureWeight]

    @classmethod
    def of(cls, stored: StoredModel) -> MatchmakingModel:
        m = stored.model
        return cls(
            query=RecommendationQuery(m.query.value),
            status=ModelStatus(m.status),
            version=stored.version,
            fitted_at=m.fitted_at,
            training_size=m.training_size,
            positives=m.positives,
            regularisation=m.regularisation,
            validation_hits_at_10=m.validation_hits10,
            validation_mrr=m.validation_mrr,
            note=m.note,
            weights=[
                FeatureWeight(feature=f, weight=w, mean=mean, scale=scale)
                for f, w, mean, scale in zip(FEATURES, m.weights, m.mean, m.scale, strict=True)
            ],
        )


@strawberry.enum
class FeedbackAction(StrEnum):
    ACCEPT = "ACCEPT"
    DISMISS = "DISMISS"


@strawberry.input
class RecommendationFeedbackInput:
    party_id: strawberry.ID = strawberry.field(description="Who was given the recommendation.")
    candidate_id: strawberry.ID = strawberry.field(description="Who was recommended.")
    action: FeedbackAction = strawberry.field(
        description="ACCEPT proposes a partnership to the candidate; DISMISS stops recommending it."
    )
    title: str | None = strawberry.field(default=None, description="Title of the proposal, for ACCEPT.")


@strawberry.type
class RecommendationFeedbackPayload:
    partnership: Partnership | None = strawberry.field(description="The proposal made by ACCEPT.")
    user_errors: list[UserError]


@strawberry.type
class MatchmakingMutations:
    @strawberry.mutation(
        description="Accept (propose a partnership) or dismiss a recommendation.",
        permission_classes=[CanAnswerRecommendation],
    )
    async def recommendation_feedback(
        self, info: Info, input: RecommendationFeedbackInput
    ) -> RecommendationFeedbackPayload:
        matchmaker = info.context.services.matchmaker

        async def call() -> object:
            party = decode_id(input.party_id, "partyId", ORGANISATION_TYPES)
            candidate = decode_id(input.candidate_id, "candidateId", ORGANISATION_TYPES)
            if input.action is FeedbackAction.DISMISS:
                await matchmaker.dismiss(party, candidate)
                return None
            return await matchmaker.accept(party, candidate, input.title)

        record, errors = await attempt(call)
        return RecommendationFeedbackPayload(
            partnership=to_node(record) if record else None, user_errors=errors
        )

    @strawberry.mutation(
        description="Refits the recommenders on the graph as it is now (seconds on a large graph; "
        "requests keep using the previous models meanwhile) and returns the stored models.",
        permission_classes=[CanRefitMatchmaking],
    )
    async def refit_matchmaking_model(self, info: Info) -> list[MatchmakingModel]:
        return [MatchmakingModel.of(m) for m in await info.context.services.matchmaker.refit()]
