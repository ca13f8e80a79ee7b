"""The partnership graph as of a date, in memory: what candidate generation and features read.

Pure data (no I/O): the repository reads the rows, `build` turns them into adjacency sets and
degree tables. A partnership counts as evidence unless it was DECLINED; `as_of` hides those
proposed on or after it (the time splits of fitting and evaluation).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from hub.services.matchmaking.config import MATURITY_WEIGHT

OPEN = frozenset({"ACTIVE", "PROPOSED"})
RECENT_DAYS = 365


@dataclass(frozen=True, slots=True)
class Org:
    id: str
    name: str
    kind: str | None  # an institution's kind; None for a tech enterprise
    country: str | None
    zone: str | None

    @property
    def is_institution(self) -> bool:
        return self.kind is not None


@dataclass(frozen=True, slots=True)
class Link:
    a: str
    b: str
    kind: str  # COOPERATION or INTRA_SECTOR
    on: date
    status: str
    proposer: str | None = None  # the party that proposed it, when known


@dataclass
class GraphView:
    as_of: date | None
    orgs: dict[str, Org]
    sought: dict[str, frozenset[str]]
    offered: dict[str, dict[str, str]]  # tech enterprise -> capability -> maturity
    projects: dict[str, frozenset[str]]
    neighbours: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    open_partners: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    dismissed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    recent: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    last_on: dict[str, date] = field(default_factory=dict)
    first_on: dict[str, date] = field(default_factory=dict)
    proposed: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # partnerships it proposed
    approaches: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # declined ones included
    providers: dict[str, list[str]] = field(default_factory=dict)  # capability -> tech, best first
    seekers: dict[str, list[str]] = field(default_factory=dict)  # capability -> institutions, busiest first
    by_degree: dict[bool, list[str]] = field(default_factory=dict)  # is_institution -> busiest first
    by_initiative: dict[bool, list[str]] = field(
        default_factory=dict
    )  # is_institution -> most proposals first
    institutions: set[str] = field(default_factory=set)
    newest: date | None = None  # the view's date: as_of, else the newest partnership
    # Counts over each organisation's partners, so features need not walk them: partners of each
    # institution kind, of each (side, home country), and tech partners offering each capability.
    partner_kinds: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    partner_countries: dict[str, Counter[tuple[bool, str]]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    partner_capabilities: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def degree(self, org: str) -> int:
        return len(self.neighbours.get(org, ()))

    def adamic_adar_weight(self, middle: str) -> float:
        d = self.degree(middle)
        return 1.0 / math.log(1 + d) if d > 1 else 0.0

    def resource_weight(self, middle: str) -> float:
        d = self.degree(middle)
        return 1.0 / d if d > 0 else 0.0


def build(
    as_of: date | None,
    orgs: Iterable[Org],
    links: Iterable[Link],
    sought: dict[str, frozenset[str]],
    offered: dict[str, dict[str, str]],
    projects: dict[str, frozenset[str]],
    dismissed: Iterable[tuple[str, str]] = (),
) -> GraphView:
    view = GraphView(as_of, {o.id: o for o in orgs}, sought, offered, projects)
    visible = [x for x in links if as_of is None or x.on < as_of]
    newest = as_of or max((x.on for x in visible), default=None)
    recent_from = newest - timedelta(days=RECENT_DAYS) if newest else date.min
    view.newest = newest
    for x in visible:
        if x.a not in view.orgs or x.b not in view.orgs:
            continue
        if x.proposer is not None:
            # Declined ones too: a proposal shows the organisation's initiative whatever its answer.
            view.proposed[x.proposer] += 1
        view.approaches[x.a] += 1
        view.approaches[x.b] += 1
        if x.status in OPEN:
            view.open_partners[x.a].add(x.b)
            view.open_partners[x.b].add(x.a)
        if x.status == "DECLINED":
            continue
        view.neighbours[x.a].add(x.b)
        view.neighbours[x.b].add(x.a)
        for end in (x.a, x.b):
            if x.on >= recent_from:
                view.recent[end] += 1
            if x.on > view.last_on.get(end, date.min):
                view.last_on[end] = x.on
            if x.on < view.first_on.get(end, date.max):
                view.first_on[end] = x.on
    for org, partners in view.neighbours.items():
        for n in partners:
            other = view.orgs[n]
            if other.kind is not None:
                view.partner_kinds[org][other.kind] += 1
            else:
                view.partner_capabilities[org].update(offered.get(n, {}).keys())
            if other.country is not None:
                view.partner_countries[org][(other.is_institution, other.country)] += 1
    view.institutions = {o.id for o in view.orgs.values() if o.is_institution}
    for party, candidate in dismissed:
        view.dismissed[party].add(candidate)
    providers: dict[str, list[str]] = defaultdict(list)
    for tech, offers in offered.items():
        for capability in offers:
            providers[capability].append(tech)
    # Best first as content x popularity ranks them (the offer's maturity weight x (1 + partnerships)),
    # so each capability's leading providers hold that baseline's top candidates.
    view.providers = {
        c: sorted(ts, key=lambda t: (-MATURITY_WEIGHT.get(offered[t][c], 0.5) * (1 + view.degree(t)), t))
        for c, ts in providers.items()
    }
    seekers: dict[str, list[str]] = defaultdict(list)
    for inst, capabilities in sought.items():
        for capability in capabilities:
            seekers[capability].append(inst)
    view.seekers = {c: sorted(xs, key=lambda i: (-view.degree(i), i)) for c, xs in seekers.items()}
    for side in (True, False):
        members = [o.id for o in view.orgs.values() if o.is_institution == side]
        view.by_degree[side] = sorted(members, key=lambda o: (-view.degree(o), o))
        view.by_initiative[side] = sorted(
            members, key=lambda o: (-view.proposed.get(o, 0), -view.degree(o), o)
        )
    return view
