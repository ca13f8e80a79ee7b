"""Candidates from several cheap bounded sources, and features per candidate (pure, from a GraphView).

Three queries: TECH (tech partners for an institution), PEERS (institutions for an institution),
INSTITUTIONS (institutions for a tech enterprise). Every query uses the same feature vector, so
one fitting procedure serves all three; a feature that means nothing for a query is 0.

Sources, each capped (`Caps`): the leading providers or seekers of the party's capabilities, the
busiest organisations overall, those busiest with parties similar to this one, those reached by
paths through the party's partners (length 3 across the institution/tech divide, length 2 for
peers), and the busiest in the party's zone.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from hub.services.matchmaking.config import MATURITY_WEIGHT
from hub.services.matchmaking.graphview import GraphView, Org


class QueryKind(StrEnum):
    TECH = "TECH_PARTNERS"
    PEERS = "PEERS"
    INSTITUTIONS = "INSTITUTIONS"

    @property
    def wants_institutions(self) -> bool:
        return self is not QueryKind.TECH


FEATURES: tuple[str, ...] = (
    "capability_fit",  # maturity-weighted share of the sought capabilities offered (peers: Jaccard of sought)
    "capabilities_matched",
    "popularity",  # log(1 + partnerships)
    "popular_with_similar",  # log(1 + partnerships with parties similar to this one)
    "same_country_experience",  # log(1 + partnerships with parties of this one's home country)
    "adamic_adar",  # log(1 + sum over paths of 1/log(1 + degree) of the middle organisations)
    "resource_allocation",  # sum over paths of 1/degree of the middle organisations
    "paths",  # log(1 + number of such paths)
    "recent_activity",  # log(1 + partnerships in the year before the view's date)
    "dormancy",  # years since the candidate's last partnership (10 if none)
    "fit_x_popularity",
    "content_x_popularity",  # log((capability fit + 0.01) x (1 + partnerships)): that baseline's order
    "tenure",  # years since the candidate's first partnership (0 if none)
    "initiative",  # log(1 + partnerships the candidate proposed, declined ones included)
    "demand",  # log(1 + partnerships proposed by or to the candidate, declined ones included)
    "same_zone",
    "same_country",
    "same_kind",
    "shared_projects",
)


@dataclass(frozen=True, slots=True)
class Caps:
    per_capability: int = 50  # by content x popularity within the capability
    popular: int = 100
    initiative: int = 50  # those that proposed the most partnerships
    popular_similar: int = 20
    zone: int = 15
    party_partners: int = 30  # the party's rarest partners through which paths are followed
    middle: int = 100  # organisations in the middle of paths kept (the strongest)
    from_paths: int = 50  # the strongest by Adamic-Adar, and as many by resource allocation


CAPS = Caps()


@dataclass
class Candidate:
    id: str
    values: list[float]
    matched: list[tuple[str, str]] = field(default_factory=list)  # (capability, maturity)
    via: list[str] = field(default_factory=list)  # names of the strongest path middles
    similar_served: int = 0
    country_served: int = 0
    recent: int = 0
    projects: list[str] = field(default_factory=list)


def _is_similar(view: GraphView, party: Org, other: Org) -> bool:
    """Institutions are similar when of the same kind; tech enterprises when they share a capability."""
    if party.is_institution:
        return other.kind == party.kind
    return bool(view.offered.get(party.id, {}).keys() & view.offered.get(other.id, {}).keys())


@dataclass
class PathScores:
    adamic_adar: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    resource: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    via: dict[str, tuple[float, str]] = field(default_factory=dict)


def path_scores(view: GraphView, party: str, query: QueryKind, caps: Caps | None) -> PathScores:
    """Adamic-Adar and resource allocation over paths from the party to candidates of the wanted
    side: length 3 (party - partner - its partner - candidate) across the divide, length 2
    (shared partners) for peers. `caps` bounds the work for requests; None walks every path."""
    out = PathScores()
    institutions, want = view.institutions, query.wants_institutions
    firsts = sorted(view.neighbours.get(party, ()), key=lambda a: (view.degree(a), a))
    if caps is not None:
        firsts = firsts[: caps.party_partners]
    if query is QueryKind.PEERS:
        for a in firsts:
            aa, ra = view.adamic_adar_weight(a), view.resource_weight(a)
            for c in view.neighbours[a]:
                if c != party and (c in institutions) == want:
                    _add_path(out, c, aa, ra, a)
        return out
    middles: dict[str, tuple[float, float, str]] = {}
    for a in firsts:
        aa, ra = view.adamic_adar_weight(a), view.resource_weight(a)
        for b in view.neighbours[a]:
            if b == party:
                continue
            w_aa, w_ra, _ = middles.get(b, (0.0, 0.0, ""))
            middles[b] = (w_aa + aa, w_ra + ra, a)
    ordered = sorted(middles.items(), key=lambda kv: (-kv[1][0], kv[0]))
    if caps is not None:
        ordered = ordered[: caps.middle]
    for b, (w_aa, w_ra, _) in ordered:
        aa, ra = w_aa * view.adamic_adar_weight(b), w_ra * view.resource_weight(b)
        for c in view.neighbours[b]:
            if c != party and (c in institutions) == want:
                _add_path(out, c, aa, ra, b)
    return out


def _add_path(out: PathScores, c: str, aa: float, ra: float, middle: str) -> None:
    """One path to `c` through `middle` (the strongest middle is kept: its id, named in reasons)."""
    out.adamic_adar[c] += aa
    out.resource[c] += ra
    out.count[c] += 1
    if aa > out.via.get(c, (0.0, ""))[0]:
        out.via[c] = (aa, middle)


def wanted(view: GraphView, query: QueryKind, org: str) -> bool:
    return (org in view.institutions) == query.wants_institutions and org in view.orgs


def candidates(view: GraphView, party: Org, query: QueryKind, paths: PathScores, caps: Caps) -> set[str]:
    """Union of the bounded sources (before exclusions and filters)."""
    found: set[str] = set()
    if query is QueryKind.INSTITUTIONS:
        for capability in view.offered.get(party.id, {}):
            found.update(view.seekers.get(capability, [])[: caps.per_capability])
    else:
        for capability in view.sought.get(party.id, ()):
            pool = view.providers if query is QueryKind.TECH else view.seekers
            found.update(pool.get(capability, [])[: caps.per_capability])
    busiest = view.by_degree.get(query.wants_institutions, [])
    found.update(busiest[: caps.popular])
    found.update(view.by_initiative.get(query.wants_institutions, [])[: caps.initiative])
    similar = [
        o
        for o in view.by_degree.get(party.is_institution, [])[: caps.popular_similar * 5]
        if o != party.id and _is_similar(view, party, view.orgs[o])
    ]
    served: dict[str, int] = defaultdict(int)
    institutions, want = view.institutions, query.wants_institutions
    for o in similar[: caps.popular_similar]:
        for c in view.neighbours.get(o, ()):
            if (c in institutions) == want:
                served[c] += 1
    found.update(heapq.nsmallest(caps.popular_similar, served, key=lambda c: (-served[c], c)))
    aa, ra = paths.adamic_adar, paths.resource  # hold only organisations of the wanted side
    found.update(heapq.nsmallest(caps.from_paths, aa, key=lambda c: (-aa[c], c)))
    found.update(heapq.nsmallest(caps.from_paths, ra, key=lambda c: (-ra[c], c)))
    local = [c for c in busiest[: caps.zone * 20] if view.orgs[c].zone == party.zone]
    found.update(local[: caps.zone])
    found.discard(party.id)
    return {c for c in found if wanted(view, query, c)}


def excluded(view: GraphView, party: str) -> set[str]:
    return view.open_partners.get(party, set()) | view.dismissed.get(party, set())


def _fit(view: GraphView, seeker: str, provider: str) -> tuple[float, list[tuple[str, str]]]:
    sought = view.sought.get(seeker, frozenset())
    offers = view.offered.get(provider, {})
    matched = sorted((c, offers[c]) for c in sought if c in offers)
    if not sought:
        return 0.0, matched
    return min(1.0, sum(MATURITY_WEIGHT.get(m, 0.5) for _, m in matched) / len(sought)), matched


def _served(view: GraphView, party: Org, cid: str) -> tuple[int, int]:
    """The candidate's partners similar to the party, and those from the party's home country (on
    the party's side), from the view's counts."""
    if party.is_institution:
        similar = view.partner_kinds[cid][str(party.kind)] - (party.id in view.neighbours.get(cid, ()))
    else:
        similar = sum(view.partner_capabilities[cid][c] for c in view.offered.get(party.id, {}))
    country = view.partner_countries[cid][(party.is_institution, str(party.country))]
    return max(0, similar), country


def features(
    view: GraphView, party: Org, query: QueryKind, ids: Iterable[str], paths: PathScores
) -> list[Candidate]:
    out: list[Candidate] = []
    end = view.newest
    my_projects = view.projects.get(party.id, frozenset())
    # Local names for what every candidate looks up (a request computes a few hundred of these).
    orgs, neighbours, recent, proposed, approaches = (
        view.orgs,
        view.neighbours,
        view.recent,
        view.proposed,
        view.approaches,
    )
    aa, ra, count, via_of = paths.adamic_adar, paths.resource, paths.count, paths.via
    log1p = math.log1p
    for cid in ids:
        c = orgs[cid]
        if query is QueryKind.TECH:
            fit, matched = _fit(view, party.id, cid)
        elif query is QueryKind.INSTITUTIONS:
            fit, matched = _fit(view, cid, party.id)
        else:
            mine, theirs = view.sought.get(party.id, frozenset()), view.sought.get(cid, frozenset())
            union = len(mine | theirs)
            fit = len(mine & theirs) / union if union else 0.0
            matched = [(x, "") for x in sorted(mine & theirs)]
        similar_served, country_served = _served(view, party, cid)
        degree = len(neighbours[cid]) if cid in neighbours else 0
        last, first = view.last_on.get(cid), view.first_on.get(cid)
        dormancy = min(10.0, (end - last).days / 365.25) if last and end else 10.0
        tenure = (end - first).days / 365.25 if first and end else 0.0
        shared = sorted(my_projects & view.projects.get(cid, frozenset())) if my_projects else []
        popularity = log1p(degree)
        latest = recent.get(cid, 0)
        values = [
            fit,
            float(len(matched)),
            popularity,
            log1p(similar_served),
            log1p(country_served),
            log1p(aa.get(cid, 0.0)),
            ra.get(cid, 0.0),
            log1p(count.get(cid, 0)),
            log1p(latest),
            dormancy,
            fit * popularity,
            math.log((fit + 0.01) * (1 + degree)),
            tenure,
            log1p(proposed.get(cid, 0)),
            log1p(approaches.get(cid, 0)),
            1.0 if c.zone is not None and c.zone == party.zone else 0.0,
            1.0 if c.country is not None and c.country == party.country else 0.0,
            1.0 if c.kind is not None and c.kind == party.kind else 0.0,
            float(len(shared)),
        ]
        via = [orgs[via_of[cid][1]].name] if cid in via_of else []
        out.append(Candidate(cid, values, matched, via, similar_served, country_served, latest, shared))
    return out


def candidates_with_features(
    view: GraphView, party_id: str, query: QueryKind, caps: Caps = CAPS, also_exclude: Iterable[str] = ()
) -> list[Candidate]:
    """The party's candidates with their features, as of the view; none if the view does not know it."""
    party = view.orgs.get(party_id)
    if party is None or party.is_institution == (query is QueryKind.INSTITUTIONS):
        return []
    paths = path_scores(view, party_id, query, caps)
    pool = candidates(view, party, query, paths, caps) - excluded(view, party_id) - set(also_exclude)
    return features(view, party, query, sorted(pool), paths)
