"""Recommending partners: one statement of evidence from the graph, then pure scoring."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from hub.db.database import Database, Runner, Transaction
from hub.db.repositories import lookups
from hub.db.repositories import matchmaking as repo
from hub.db.repositories import matchmaking_model as model_repo
from hub.domain import commands
from hub.domain.models import Organisation, Partnership
from hub.errors import FieldError, NotFoundError, UserInputError
from hub.services.matchmaking import learned
from hub.services.matchmaking.features import QueryKind
from hub.services.matchmaking.scoring import Reason
from hub.services.partnerships import PartnershipService

MAX_RECOMMENDATIONS = 100
# The party's label, and the argument naming it, of each query.
_PARTY: dict[QueryKind, tuple[str, str]] = {
    QueryKind.TECH: ("Institution", "institutionId"),
    QueryKind.PEERS: ("Institution", "institutionId"),
    QueryKind.INSTITUTIONS: ("TechEnterprise", "techEnterpriseId"),
}


@dataclass(frozen=True, slots=True)
class RecommendationFilter:
    kind: str | None = None
    home_country: str | None = None
    zone_id: str | None = None
    capability_id: str | None = None


@dataclass(frozen=True, slots=True)
class Recommendation:
    candidate: Organisation
    score: float
    reasons: tuple[Reason, ...]


class Matchmaker:
    def __init__(
        self,
        db: Database,
        partnerships: PartnershipService,
    ) -> None:
        self.db = db
        self.partnerships = partnerships
        self.learning = learned.Learning(db)

    async def _require(self, query: QueryKind, party_id: str) -> None:
        label = _PARTY[query][0]
        if await lookups.missing_ids(self.db, label=label, ids=[party_id]):
            raise _not_found(query, party_id)

    async def _live_exclusions(self, query: QueryKind, party_id: str) -> set[str]:
        """The party's live exclusions, read with the check that it exists (one round trip)."""
        found = await model_repo.live_exclusions(self.db, party_id, _PARTY[query][0])
        if found is None:
            raise _not_found(query, party_id)
        return found

    async def ranked(
        self,
        query: QueryKind,
        party_id: str,
        where: RecommendationFilter,
        as_of: date | None = None,
        explained: int | None = None,
    ) -> list[learned.Ranked]:
        """Every candidate the learned ranker finds for the party, best first, with reasons.
        With `as_of`, the graph before that date and models fitted on it alone (the evaluation)."""
        if as_of is None:
            exclude = await self._live_exclusions(query, party_id)
            state = await self.learning.current()
        else:
            await self._require(query, party_id)
            state, exclude = await self.learning.state_as_of(as_of), set()
        view = state.view

        unfiltered = where == RecommendationFilter()

        def keep(org_id: str) -> bool:
            if unfiltered:
                return True
            o = view.orgs[org_id]
            capabilities = view.sought.get(org_id, frozenset()) | view.offered.get(org_id, {}).keys()
            return (
                (where.kind is None or o.kind == where.kind)
                and (where.home_country is None or o.country == where.home_country)
                and (where.zone_id is None or o.zone == where.zone_id)
                and (where.capability_id is None or where.capability_id in capabilities)
            )

        return learned.rank(state, party_id, query, keep, exclude, explained)

    async def _recommend(
        self, query: QueryKind, party_id: str, first: int, where: RecommendationFilter, as_of: date | None
    ) -> list[Recommendation]:
        top = (await self.ranked(query, party_id, where, as_of, explained=first))[:first]
        nodes = await model_repo.candidate_nodes(self.db, [r.id for r in top])
        return [Recommendation(nodes[r.id], r.score, r.reasons) for r in top if r.id in nodes]

    async def tech_partners(
        self, institution_id: str, first: int, where: RecommendationFilter, as_of: date | None = None
    ) -> list[Recommendation]:
        return await self._recommend(QueryKind.TECH, institution_id, first, where, as_of)

    async def institutions(
        self, tech_id: str, first: int, where: RecommendationFilter, as_of: date | None = None
    ) -> list[Recommendation]:
        return await self._recommend(QueryKind.INSTITUTIONS, tech_id, first, where, as_of)

    async def peers(
        self, institution_id: str, first: int, where: RecommendationFilter, as_of: date | None = None
    ) -> list[Recommendation]:
        return await self._recommend(QueryKind.PEERS, institution_id, first, where, as_of)

    async def dismiss(self, party_id: str, candidate_id: str) -> None:
        """The candidate is not recommended to the party again."""

        async def work(tx: Transaction) -> None:
            await _check_pair(tx, party_id, candidate_id)
            await repo.dismiss(tx, party_id=party_id, candidate_id=candidate_id)

        await self.db.transaction(work)

    async def accept(self, party_id: str, candidate_id: str, title: str | None) -> Partnership:
        """Turns a recommendation into a partnership proposal from the party."""
        names = await _check_pair(self.db, party_id, candidate_id)
        default = f"{names[0]} and {names[1]}: proposed from a recommendation"
        try:
            return await self.partnerships.propose(
                commands.ProposePartnership(
                    proposer_id=party_id, recipient_id=candidate_id, title=title or default
                )
            )
        except UserInputError as refused:
            # The proposal's refusals name the proposal's fields; the caller sent this input.
            raise UserInputError([_feedback_field(e) for e in refused.errors]) from None

    async def refresh(self) -> int:
        """The scheduled refresh: capability leaders, then a refit of the ranker (in a thread) if the
        graph changed since the last."""
        count = await repo.refresh_leaders(self.db)
        await self.learning.refresh()
        return count

    async def refit(self) -> list[learned.StoredModel]:
        """On demand: refits the ranker on the graph as it is now; returns the stored models."""
        await self.learning.refit()
        return await self.learning.stored()

    async def models(self) -> list[learned.StoredModel]:
        return await self.learning.stored()


_FEEDBACK_FIELDS = {"proposerId": "partyId", "recipientId": "candidateId"}


def _feedback_field(error: FieldError) -> FieldError:
    return replace(error, field=_FEEDBACK_FIELDS.get(error.field, error.field))


def _not_found(query: QueryKind, party_id: str) -> NotFoundError:
    label, field = _PARTY[query]
    return NotFoundError(field, "institution" if label == "Institution" else "tech enterprise", party_id)


async def _check_pair(db: Runner, party_id: str, candidate_id: str) -> tuple[str, str]:
    found = await lookups.props_by_id(db, label="Institution", ids=[party_id, candidate_id])
    found |= await lookups.props_by_id(db, label="TechEnterprise", ids=[party_id, candidate_id])
    for field, key in (("partyId", party_id), ("candidateId", candidate_id)):
        if key not in found:
            raise NotFoundError(field, "organisation", key)
    if party_id == candidate_id:
        raise UserInputError.single("candidateId", "a party cannot be its own candidate", "INVALID_PARTIES")
    if "kind" not in found[party_id] and "kind" not in found[candidate_id]:
        raise UserInputError.single(
            "candidateId", "tech enterprises are recommended institutions, not each other", "INVALID_PARTIES"
        )
    return str(found[party_id]["name"]), str(found[candidate_id]["name"])
