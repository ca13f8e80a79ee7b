"""Recommending partners: one statement of evidence from the graph, then pure scoring."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hub.db.database import Database, Runner, Transaction
from hub.db.repositories import lookups
from hub.db.repositories import matchmaking as repo
from hub.domain import commands
from hub.domain.models import Institution, Organisation, Partnership
from hub.errors import NotFoundError, UserInputError
from hub.services.matchmaking import config
from hub.services.matchmaking.scoring import Reason, score_cooperation, score_peer
from hub.services.partnerships import PartnershipService

MAX_RECOMMENDATIONS = 100


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


Scorer = Callable[[Mapping[str, Any], int], tuple[float, list[Reason]]]


def rank(evidence: list[repo.Evidence], scorer: Scorer, first: int) -> list[Recommendation]:
    """The `first` best candidates: highest score first, ties by name then id."""
    max_degree = max((e.facts["degree"] for e in evidence), default=0)
    scored = []
    for e in evidence:
        value, reasons = scorer(e.facts, max_degree)
        ordered = tuple(sorted(reasons, key=lambda r: -r.contribution))
        scored.append(Recommendation(e.candidate, round(min(1.0, value), 6), ordered))
    scored.sort(key=lambda r: (-r.score, r.candidate.name, r.candidate.id))
    return scored[:first]


class Matchmaker:
    def __init__(
        self,
        db: Database,
        partnerships: PartnershipService,
        cooperation: config.CooperationWeights = config.COOPERATION,
        peers: config.PeerWeights = config.PEERS,
        limits: config.Limits = config.LIMITS,
    ) -> None:
        self.db = db
        self.partnerships = partnerships
        self.cooperation = cooperation
        self.peer_weights = peers
        self.limits = limits

    def _query(self, party_id: str, where: RecommendationFilter, as_of: date | None) -> repo.Query:
        return repo.Query(
            party_id=party_id,
            limit_per_capability=self.limits.per_capability,
            similar_limit=self.limits.similar_parties,
            from_similar=self.limits.from_similar,
            shared_limit=self.limits.shared_partners,
            as_of=as_of,
            kind=where.kind,
            home_country=where.home_country,
            zone_id=where.zone_id,
            capability_id=where.capability_id,
        )

    async def _require(self, label: str, field: str, party_id: str) -> None:
        if await lookups.missing_ids(self.db, label=label, ids=[party_id]):
            raise NotFoundError(
                field, "institution" if label == "Institution" else "tech enterprise", party_id
            )

    async def tech_partners(
        self, institution_id: str, first: int, where: RecommendationFilter, as_of: date | None = None
    ) -> list[Recommendation]:
        await self._require("Institution", "institutionId", institution_id)
        evidence = await repo.tech_for_institution(self.db, self._query(institution_id, where, as_of))
        w = self.cooperation
        return rank(evidence, lambda f, m: score_cooperation(f, m, w, party_word="institutions"), first)

    async def institutions(
        self, tech_id: str, first: int, where: RecommendationFilter, as_of: date | None = None
    ) -> list[Recommendation]:
        await self._require("TechEnterprise", "techEnterpriseId", tech_id)
        evidence = await repo.institutions_for_tech(self.db, self._query(tech_id, where, as_of))
        w = self.cooperation
        return rank(evidence, lambda f, m: score_cooperation(f, m, w, party_word="tech enterprises"), first)

    async def peers(
        self, institution_id: str, first: int, where: RecommendationFilter, as_of: date | None = None
    ) -> list[Recommendation]:
        await self._require("Institution", "institutionId", institution_id)
        evidence = await repo.peers_for_institution(self.db, self._query(institution_id, where, as_of))
        for e in evidence:
            assert isinstance(e.candidate, Institution)
            e.facts["candidateKind"] = e.candidate.kind.value
        w = self.peer_weights
        return rank(evidence, lambda f, m: score_peer(f, m, w), first)

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
        return await self.partnerships.propose(
            commands.ProposePartnership(
                proposer_id=party_id, recipient_id=candidate_id, title=title or default
            )
        )

    async def refresh(self) -> int:
        return await repo.refresh_leaders(self.db)


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
