"""Offline evaluation: hold out the newest cooperation partnerships, rank, compare with baselines.

For every held-out (institution, tech enterprise) pair, each method scores all tech enterprises
not already in an open partnership with the institution before the split; the held-out partner's
rank gives Hits@10 and the reciprocal rank. Other held-out partners of the same institution are
left out of its ranking (the "filtered" setting). Ties are broken at random in expectation, so a
method that cannot tell candidates apart earns exactly what chance earns.

The hub's scorer is called through the same service the API uses, with the graph seen as of the
split date (`as_of`); candidates it does not return score below all those it does.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from hub.db.repositories.evaluation import Edge, Snapshot
from hub.services.matchmaking.scoring import capability_fit
from hub.services.matchmaking.service import Matchmaker, RecommendationFilter

HITS_AT = 10
OPEN = {"ACTIVE", "PROPOSED"}


@dataclass(frozen=True, slots=True)
class Split:
    cutoff: date
    train: list[Edge]
    held_out: dict[str, set[str]]  # institution -> tech enterprises it partnered with after the split


@dataclass(frozen=True, slots=True)
class Result:
    method: str
    hits: float
    mrr: float
    queries: int


def split(edges: list[Edge], holdout: float) -> Split:
    """The newest `holdout` share of partnerships (by proposal date) is held out."""
    ordered = sorted(edges, key=lambda e: (e.on, e.institution, e.tech))
    cut = ordered[min(len(ordered) - 1, int(len(ordered) * (1 - holdout)))].on
    train = [e for e in ordered if e.on < cut]
    seen = {(e.institution, e.tech) for e in train}
    held: dict[str, set[str]] = defaultdict(set)
    for e in ordered:
        if e.on >= cut and (e.institution, e.tech) not in seen:
            held[e.institution].add(e.tech)
    return Split(cut, train, dict(held))


def expected_rank_metrics(scores: Mapping[str, float], target: str, others: set[str]) -> tuple[float, float]:
    """(P(target in the top k), E[1/rank]) with ties in random order; `others` are left out."""
    mine = scores[target]
    greater = ties = 0
    for candidate, value in scores.items():
        if candidate == target or candidate in others:
            continue
        if value > mine:
            greater += 1
        elif value == mine:
            ties += 1
    positions = range(greater + 1, greater + ties + 2)
    hit = sum(1 for p in positions if p <= HITS_AT) / (ties + 1)
    mrr = sum(1 / p for p in positions) / (ties + 1)
    return hit, mrr


Scores = Callable[[str, list[str]], Mapping[str, float]]


def _evaluate(name: str, s: Split, scores: dict[str, Mapping[str, float]]) -> Result:
    hits = mrr = 0.0
    n = 0
    for institution, targets in s.held_out.items():
        table = scores[institution]
        for target in targets:
            h, r = expected_rank_metrics(table, target, targets - {target})
            hits, mrr, n = hits + h, mrr + r, n + 1
    return Result(name, hits / max(n, 1), mrr / max(n, 1), n)


class Baselines:
    """Random, popularity, content fit alone and Adamic-Adar, from the graph before the split."""

    def __init__(self, snap: Snapshot, s: Split) -> None:
        self.snap = snap
        self.degree: dict[str, int] = defaultdict(int)
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for e in s.train:
            self.degree[e.tech] += 1
            self.degree[e.institution] += 1
            self.neighbours[e.institution].add(e.tech)
            self.neighbours[e.tech].add(e.institution)

    def random(self, _: str, candidates: list[str]) -> dict[str, float]:
        return dict.fromkeys(candidates, 0.0)

    def popularity(self, _: str, candidates: list[str]) -> dict[str, float]:
        return {c: float(self.degree.get(c, 0)) for c in candidates}

    def content(self, institution: str, candidates: list[str]) -> dict[str, float]:
        sought = set(self.snap.sought.get(institution, []))
        return {
            c: capability_fit([o for o in self.snap.offered.get(c, []) if o["name"] in sought], len(sought))
            for c in candidates
        }

    def adamic_adar(self, institution: str, candidates: list[str]) -> dict[str, float]:
        """Paths institution - tech - institution - candidate, each weighted by the rarity of its
        middle tech enterprise: Adamic-Adar on the institution projection, summed over the
        candidate's partners."""
        similarity: dict[str, float] = defaultdict(float)
        for tech in self.neighbours.get(institution, ()):
            weight = 1 / math.log(1 + self.degree[tech]) if self.degree[tech] > 0 else 0.0
            for other in self.neighbours[tech]:
                if other != institution:
                    similarity[other] += weight
        score: dict[str, float] = defaultdict(float)
        for other, weight in similarity.items():
            for tech in self.neighbours[other]:
                score[tech] += weight
        return {c: score.get(c, 0.0) for c in candidates}


async def evaluate(
    matchmaker: Matchmaker, snap: Snapshot, holdout: float, progress: Callable[[int, int], None] | None = None
) -> tuple[Split, list[Result]]:
    s = split(snap.edges, holdout)
    open_before: dict[str, set[str]] = defaultdict(set)
    for e in s.train:
        if e.status in OPEN:
            open_before[e.institution].add(e.tech)

    def candidates_of(institution: str) -> list[str]:
        return [t for t in snap.techs if t not in open_before[institution]]

    baselines = Baselines(snap, s)
    methods: dict[str, Scores] = {
        "random": baselines.random,
        "popularity": baselines.popularity,
        "content fit alone": baselines.content,
        "Adamic-Adar": baselines.adamic_adar,
    }
    tables: dict[str, dict[str, Mapping[str, float]]] = {name: {} for name in ["hub scorer", *methods]}
    parties = sorted(s.held_out)
    for done, institution in enumerate(parties, start=1):
        candidates = candidates_of(institution)
        ranked = await matchmaker.tech_partners(
            institution, len(candidates), RecommendationFilter(), as_of=s.cutoff
        )
        hub = dict.fromkeys(candidates, -1.0)
        for r in ranked:
            if r.candidate.id in hub:
                hub[r.candidate.id] = r.score
        tables["hub scorer"][institution] = hub
        for name, method in methods.items():
            tables[name][institution] = method(institution, candidates)
        if progress is not None:
            progress(done, len(parties))
    return s, [_evaluate(name, s, table) for name, table in tables.items()]
