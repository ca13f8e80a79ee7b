"""Offline evaluation that cannot flatter the hub: time splits, baselines, confidence intervals.

The graph's partnerships (DECLINED ones left out) in time order: the newest 15 % are the test
slice, the 15 % before them the validation slice. Evaluating on a slice means: the hub sees the
graph as it was before the slice (`as_of`: it fits its models on that history alone, exactly as
its refit does), and every pair that formed in the slice and did not exist before is a query.
For each of the three recommendation queries, each method ranks **every** organisation of the
wanted side except the party, its open partners before the slice and the party's other held-out
partners (the filtered setting); ties count at their expected rank, so a method that cannot tell
candidates apart earns what chance earns. The hub is called through its own service; the
candidates it does not return rank below those it does.

Baselines, from the same graph before the slice: random, popularity (partnerships), content fit
(capability fit with maturity; peers: Jaccard of the capabilities sought), content x popularity,
Adamic-Adar and resource allocation over paths of length 3 (length 2 for peers).
Hits@10, Hits@50 and MRR, each with a 95 % bootstrap interval (parties resampled, 1,000 times).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import numpy as np

from hub.services.matchmaking.config import MATURITY_WEIGHT
from hub.services.matchmaking.features import QueryKind, path_scores, wanted
from hub.services.matchmaking.graphview import GraphView, Link
from hub.services.matchmaking.learned import Rows, links_from_rows, view_from_rows
from hub.services.matchmaking.ranker import new_pairs
from hub.services.matchmaking.service import Matchmaker, RecommendationFilter

TEST_SHARE = 0.15
VALIDATION_SHARE = 0.15
BOOTSTRAP = 1000
HUB = "hub"
BASELINES = (
    "random",
    "popularity",
    "content fit",
    "content x popularity",
    "Adamic-Adar (paths)",
    "resource allocation (paths)",
)


@dataclass(frozen=True, slots=True)
class Cuts:
    validation: date
    test: date
    end: date


def cuts(links: list[Link]) -> Cuts:
    dates = sorted(x.on for x in links if x.status != "DECLINED")
    n = len(dates)
    return Cuts(
        dates[int(n * (1 - TEST_SHARE - VALIDATION_SHARE))],
        dates[int(n * (1 - TEST_SHARE))],
        date.fromordinal(dates[-1].toordinal() + 1),
    )


@dataclass(frozen=True, slots=True)
class Metric:
    value: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class MethodResult:
    method: str
    hits10: Metric
    hits50: Metric
    mrr: Metric


@dataclass(frozen=True, slots=True)
class QueryResult:
    query: str
    pairs: int
    parties: int
    held_out: list[tuple[str, str]]  # the (party, partner) pairs every method was scored on
    methods: list[MethodResult]

    def best_baseline(self, metric: str) -> MethodResult:
        return max((m for m in self.methods if m.method != HUB), key=lambda m: getattr(m, metric).value)

    def hub(self) -> MethodResult:
        return next(m for m in self.methods if m.method == HUB)

    def ratio(self, metric: str) -> float:
        best = getattr(self.best_baseline(metric), metric).value
        return getattr(self.hub(), metric).value / best if best > 0 else float("inf")


@dataclass(frozen=True, slots=True)
class GraphReport:
    graph: str
    description: str
    split: str
    cut: date
    organisations: int
    partnerships: int
    queries: list[QueryResult]
    slices: int = 1  # consecutive slices of 15 % pooled, the first from `cut`

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["cut"] = self.cut.isoformat()
        for q, raw in zip(self.queries, out["queries"], strict=True):
            raw.pop("held_out")
            raw["best_baseline_hits10"] = q.best_baseline("hits10").method
            raw["hub_over_best_hits10"] = q.ratio("hits10")
            raw["best_baseline_mrr"] = q.best_baseline("mrr").method
            raw["hub_over_best_mrr"] = q.ratio("mrr")
        return out


def baseline_scores(view: GraphView, party: str, query: QueryKind, ids: list[str]) -> dict[str, np.ndarray]:
    degree = np.array([view.degree(c) for c in ids], dtype=float)
    fit = np.array([_content(view, party, query, c) for c in ids])
    paths = path_scores(view, party, query, None)
    return {
        "random": np.zeros(len(ids)),
        "popularity": degree,
        "content fit": fit,
        "content x popularity": (fit + 0.01) * (1 + degree),
        "Adamic-Adar (paths)": np.array([paths.adamic_adar.get(c, 0.0) for c in ids]),
        "resource allocation (paths)": np.array([paths.resource.get(c, 0.0) for c in ids]),
    }


def _content(view: GraphView, party: str, query: QueryKind, c: str) -> float:
    if query is QueryKind.PEERS:
        a, b = view.sought.get(party, frozenset()), view.sought.get(c, frozenset())
        return len(a & b) / len(a | b) if a | b else 0.0
    seeker, provider = (party, c) if query is QueryKind.TECH else (c, party)
    sought = view.sought.get(seeker, frozenset())
    offers = view.offered.get(provider, {})
    if not sought:
        return 0.0
    return min(1.0, sum(MATURITY_WEIGHT.get(offers[x], 0.5) for x in sought if x in offers) / len(sought))


def rank_metrics(scores: np.ndarray, target: int, ignore: np.ndarray) -> tuple[float, float, float]:
    """(P(rank <= 10), P(rank <= 50), E[1/rank]) of `target`, ties in random order, `ignore` left out."""
    mine = scores[target]
    counted = ~ignore
    counted[target] = False
    greater = int(np.count_nonzero((scores > mine) & counted))
    ties = int(np.count_nonzero((scores == mine) & counted))
    positions = np.arange(greater + 1, greater + ties + 2)
    return (
        float(np.mean(positions <= 10)),
        float(np.mean(positions <= 50)),
        float(np.mean(1.0 / positions)),
    )


def _interval(per_party: np.ndarray, counts: np.ndarray, rng: np.random.Generator) -> Metric:
    value = float(per_party.sum() / counts.sum())
    draws = rng.integers(0, len(counts), size=(BOOTSTRAP, len(counts)))
    means = per_party[draws].sum(axis=1) / counts[draws].sum(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Metric(value, float(low), float(high))


Ranker = Callable[[str], Mapping[str, float]]


@dataclass
class _Scored:
    """Per party (one row per party and slice): each method's summed (Hits@10, Hits@50, 1/rank)
    over its held-out partners, and how many it had."""

    sums: dict[str, list[list[float]]]
    counts: list[int]
    held: list[tuple[str, str]]

    @classmethod
    def empty(cls) -> _Scored:
        return cls({m: [] for m in (HUB, *BASELINES)}, [], [])


async def _score_slice(
    matchmaker: Matchmaker,
    view: GraphView,
    links: list[Link],
    query: QueryKind,
    start: date,
    end: date,
    max_parties: int,
    into: _Scored,
) -> int:
    """Scores every method on the pairs of [start, end) as seen from `view` (the graph before
    `start`); returns how many parties were evaluated."""
    labels = new_pairs(links, view, query, start, end)
    parties = sorted(labels)
    random.Random(7).shuffle(parties)
    parties = sorted(parties[:max_parties])
    side = [o for o in sorted(view.orgs) if wanted(view, query, o)]
    index = {o: k for k, o in enumerate(side)}
    for party in parties:
        targets = sorted(labels[party])
        ignore = np.zeros(len(side), dtype=bool)
        for x in view.open_partners.get(party, set()) | {party}:
            if x in index:
                ignore[index[x]] = True
        table = baseline_scores(view, party, query, side)
        hub = np.full(len(side), -np.inf)
        for r in await matchmaker.ranked(query, party, RecommendationFilter(), as_of=start, explained=0):
            if r.id in index:
                hub[index[r.id]] = r.score
        table[HUB] = hub
        for method, scores in table.items():
            total = [0.0, 0.0, 0.0]
            for t in targets:
                others = ignore.copy()
                for u in targets:
                    if u != t:
                        others[index[u]] = True
                for k, v in enumerate(rank_metrics(scores, index[t], others)):
                    total[k] += v
            into.sums[method].append(total)
        into.counts.append(len(targets))
        into.held.extend((party, t) for t in targets)
    return len(parties)


def _result(query: QueryKind, scored: _Scored, parties: int) -> QueryResult:
    results = []
    counts = scored.counts
    n = np.array(counts, dtype=float)
    for method in (HUB, *BASELINES):
        rng = np.random.default_rng(12)  # the same resamples for every method
        per = np.array(scored.sums[method]) if counts else np.zeros((0, 3))
        metrics = [_interval(per[:, k], n, rng) if counts else Metric(0.0, 0.0, 0.0) for k in range(3)]
        results.append(MethodResult(method, *metrics))
    return QueryResult(query.value, len(scored.held), parties, scored.held, results)


async def evaluate_query(
    matchmaker: Matchmaker,
    view: GraphView,
    links: list[Link],
    query: QueryKind,
    start: date,
    end: date,
    max_parties: int,
) -> QueryResult:
    scored = _Scored.empty()
    parties = await _score_slice(matchmaker, view, links, query, start, end, max_parties, scored)
    return _result(query, scored, parties)


def slices(links: list[Link], split: str, count: int) -> list[tuple[date, date]]:
    """The evaluated slices, oldest first: the split's slice alone (count 1), or the `count`
    consecutive slices of 15 % each that end where the split's slice ends (for a graph no design
    choice looked at: the seed graph). Each slice: the hub fitted on the history before its
    start, every method scored on the pairs formed in it."""
    c = cuts(links)
    start, end = (c.test, c.end) if split == "test" else (c.validation, c.test)
    if count == 1:
        return [(start, end)]
    dates = sorted(x.on for x in links if x.status != "DECLINED")
    n = len(dates)
    top = 1 - TEST_SHARE if split == "test" else 1 - TEST_SHARE - VALIDATION_SHARE
    starts = [dates[int(n * (top - k * TEST_SHARE))] for k in range(count - 1, 0, -1)]
    bounds = [*starts, start, end]
    return list(itertools.pairwise(bounds))


async def evaluate_graph(
    matchmaker: Matchmaker,
    rows: Rows,
    graph: str,
    description: str,
    split: str = "test",
    max_parties: int = 300,
    slice_count: int = 1,
) -> GraphReport:
    """With several slices, each query's pairs are pooled over them (a party of two slices counts
    as two bootstrap units) and `max_parties` applies per slice."""
    links = links_from_rows(rows)
    evaluated = slices(links, split, slice_count)
    views = [(start, end, view_from_rows(rows, start)) for start, end in evaluated]
    queries = []
    for q in QueryKind:
        scored, parties = _Scored.empty(), 0
        for start, end, view in views:
            parties += await _score_slice(matchmaker, view, links, q, start, end, max_parties, scored)
        queries.append(_result(q, scored, parties))
    return GraphReport(
        graph, description, split, views[0][0], len(views[-1][2].orgs), len(links), queries, len(views)
    )


def markdown(reports: list[GraphReport]) -> str:
    """One table per graph and query: each method's figures with their intervals."""
    lines: list[str] = []
    for r in reports:
        lines.append(f"### {r.graph} ({r.description})")
        lines.append(
            f"{r.organisations} organisations, {r.partnerships} partnerships; {r.split} slice from {r.cut}."
            if r.slices == 1
            else f"{r.organisations} organisations, {r.partnerships} partnerships; {r.slices} slices of 15 % "
            f"from {r.cut} pooled (each: the hub fitted on the history before it), the last "
            f"ending with the {r.split} slice."
        )
        for q in r.queries:
            lines.append("")
            lines.append(
                f"**{q.query}**: {q.pairs} held-out pairs, {q.parties} parties; hub / best baseline: "
                f"Hits@10 {q.ratio('hits10'):.2f}, MRR {q.ratio('mrr'):.2f}"
            )
            lines.append("")
            lines.append("| method | Hits@10 | Hits@50 | MRR |")
            lines.append("| --- | ---: | ---: | ---: |")
            for m in q.methods:
                cells = [f"{x.value:.3f} [{x.low:.3f}, {x.high:.3f}]" for x in (m.hits10, m.hits50, m.mrr)]
                name = f"**{m.method}**" if m.method == HUB else m.method
                lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def summary(reports: list[GraphReport]) -> str:
    """Hub over the best baseline, per graph and query (Hits@10 and MRR)."""
    lines = ["| graph | query | Hits@10 hub | best baseline | ratio | MRR hub | best baseline | ratio |"]
    lines.append("| --- | --- | ---: | --- | ---: | ---: | --- | ---: |")
    for r in reports:
        for q in r.queries:
            bh, bm = q.best_baseline("hits10"), q.best_baseline("mrr")
            lines.append(
                f"| {r.graph} | {q.query} | {q.hub().hits10.value:.3f} | {bh.method} {bh.hits10.value:.3f} | "
                f"{q.ratio('hits10'):.2f} | {q.hub().mrr.value:.3f} | {bm.method} {bm.mrr.value:.3f} | {q.ratio('mrr'):.2f} |"
            )
    return "\n".join(lines)
