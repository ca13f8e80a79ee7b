"""Candidate generation and evidence for the recommenders, one statement per request.

Everything stays in the party's neighbourhood: the providers (or seekers) of its capabilities,
best first and capped per capability, and the partners of the parties most similar to it.
`$asOf` hides partnerships proposed on or after a date (the evaluation's time split); null
means now. A partnership counts as evidence unless it was DECLINED.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from hub.db.database import Runner
from hub.db.mapping import organisation
from hub.domain.models import Organisation


def _visible(p: LiteralString) -> LiteralString:
    return "(" + p + ".status <> 'DECLINED' AND ($asOf IS NULL OR " + p + ".proposedOn < $asOf))"


def _org_filter(v: LiteralString) -> LiteralString:
    return (
        "($homeCountry IS NULL OR " + v + ".homeCountry = $homeCountry) "
        "AND ($kind IS NULL OR " + v + ".kind = $kind) "
        "AND ($zoneId IS NULL OR EXISTS { (" + v + ")-[:LOCATED_IN]->(:Zone {id: $zoneId}) }) "
        "AND ($capabilityId IS NULL OR EXISTS { ("
        + v
        + ")-[:OFFERS|SEEKS]->(:Capability {id: $capabilityId}) })"
    )


def _excluded(party: LiteralString) -> LiteralString:
    """Ids the party must not be offered: open partners (as of $asOf) and dismissed candidates."""
    return (
        "CALL (" + party + ") { "
        "OPTIONAL MATCH (" + party + ")-[:PARTY_TO]->(p:Partnership)<-[:PARTY_TO]-(x:Organisation) "
        "WHERE p.status IN ['ACTIVE', 'PROPOSED'] AND ($asOf IS NULL OR p.proposedOn < $asOf) "
        "WITH collect(DISTINCT x.id) AS busy "
        "OPTIONAL MATCH (" + party + ")-[:DISMISSED]->(d:Organisation) "
        "WITH busy, collect(d.id) AS dismissed "
        "RETURN busy + dismissed AS excluded } "
    )


def _similar(party: LiteralString, via: LiteralString, same: LiteralString) -> LiteralString:
    """Parties of label `same` sharing partners of label `via` with `party`, Adamic-Adar weighted."""
    return (
        "CALL (" + party + ") { "
        "OPTIONAL MATCH (" + party + ")-[:PARTY_TO]->(p1:Partnership)<-[:PARTY_TO]-(m:" + via + ") "
        "WHERE " + _visible("p1") + " "
        "WITH DISTINCT m "
        "WITH m, COUNT { (m)-[:PARTY_TO]->(q:Partnership) WHERE " + _visible("q") + " } AS degree "
        # The rarest shared partners carry the most Adamic-Adar weight; the busiest are left out.
        "ORDER BY degree, m.id LIMIT $sharedLimit "
        "WITH m, 1.0 / log(2 + degree) AS w "
        "MATCH (m)-[:PARTY_TO]->(p2:Partnership)<-[:PARTY_TO]-(s:" + same + ") "
        "WHERE s <> " + party + " AND " + _visible("p2") + " "
        "WITH s, sum(w) AS weight ORDER BY weight DESC, s.id LIMIT $similarLimit "
        "RETURN collect({node: s, weight: weight}) AS similar } "
    )


_MATURITY_RANK: LiteralString = "CASE o.maturity WHEN 'MATURE' THEN 2 WHEN 'PROVEN' THEN 1 ELSE 0 END"

_PROVIDERS_NOW: LiteralString = (
    "COLLECT { MATCH (c)<-[o:OFFERS]-(x:TechEnterprise) "
    "WITH x, "
    + _MATURITY_RANK
    + " AS m, COUNT { (x)-[:PARTY_TO]->(q:Partnership) WHERE "
    + _visible("q")
    + " } AS d "
    "ORDER BY m DESC, d DESC, x.id LIMIT $leaders RETURN x.id }"
)

_SEEKERS_NOW: LiteralString = (
    "COLLECT { MATCH (c)<-[:SEEKS]-(x:Institution) "
    "WITH x, COUNT { (x)-[:PARTY_TO]->(q:Partnership) WHERE " + _visible("q") + " } AS d "
    "ORDER BY d DESC, x.id LIMIT $leaders RETURN x.id }"
)

# The leading providers and seekers of each capability (best offer, then busiest) are kept on the
# capability, refreshed after every seeding and on the API's schedule, so a request reads a short
# list instead of ranking thousands of providers. With `$asOf` (the evaluation) they are ranked
# on the spot, as of that date.
REFRESH_LEADERS: LiteralString = (
    "MATCH (c:Capability) "
    "WITH c, " + _PROVIDERS_NOW + " AS providers, " + _SEEKERS_NOW + " AS seekers "
    "SET c.leadingProviders = providers, c.leadingSeekers = seekers, c.leadersComputedAt = datetime() "
    "RETURN count(c) AS capabilities"
)


def _leaders(kind: LiteralString) -> LiteralString:
    stored: LiteralString = "c.leadingProviders" if kind == "providers" else "c.leadingSeekers"
    now = _PROVIDERS_NOW if kind == "providers" else _SEEKERS_NOW
    return "CASE WHEN $asOf IS NULL AND " + stored + " IS NOT NULL THEN " + stored + " ELSE " + now + " END"


def _from_similar(target: LiteralString) -> LiteralString:
    """Candidates: partners (of label `target`) of the similar parties."""
    return (
        "CALL (excluded, similar) { "
        "UNWIND similar AS s "
        "WITH s.node AS sn "
        "MATCH (sn)-[:PARTY_TO]->(p:Partnership)<-[:PARTY_TO]-(n:" + target + ") "
        "WHERE " + _visible("p") + " AND NOT n.id IN excluded AND n.id <> $id AND " + _org_filter("n") + " "
        "WITH n, count(*) AS links ORDER BY links DESC, n.id LIMIT $fromSimilar "
        "RETURN collect(n) AS fromSimilar } "
    )


def _shared(party: LiteralString, n: LiteralString) -> LiteralString:
    return (
        "[("
        + party
        + ")-[:PARTICIPATES_IN]->(sb:SandboxProject)<-[:PARTICIPATES_IN]-("
        + n
        + ") | sb.name] AS sharedProjects, "
        "[(" + party + ")-[:LOCATED_IN]->(z:Zone)<-[:LOCATED_IN]-(" + n + ") | z.name] AS sharedZones"
    )


def _degree(n: LiteralString) -> LiteralString:
    return "COUNT { (" + n + ")-[:PARTY_TO]->(dp:Partnership) WHERE " + _visible("dp") + " } AS degree"


TECH_FOR_INSTITUTION: LiteralString = (
    "MATCH (i:Institution {id: $id}) "
    + _excluded("i")
    + "CALL (i) { OPTIONAL MATCH (i)-[:SEEKS]->(c:Capability) RETURN collect(c.id) AS sought } "
    + _similar("i", "TechEnterprise", "Institution")
    + "CALL (excluded, sought) { "
    "UNWIND sought AS cid "
    "MATCH (c:Capability {id: cid}) "
    "UNWIND " + _leaders("providers") + " AS leader "
    "MATCH (n:TechEnterprise {id: leader}) "
    "WHERE NOT n.id IN excluded AND " + _org_filter("n") + " "
    "WITH cid, collect(n)[..$perCapability] AS top "
    "UNWIND top AS n "
    "RETURN collect(DISTINCT n) AS fromCapabilities } "
    + _from_similar("TechEnterprise")
    + "WITH i, sought, similar, fromCapabilities + [x IN fromSimilar WHERE NOT x IN fromCapabilities] AS candidates "
    "UNWIND candidates AS n "
    "WITH i, sought, similar, n, "
    "[(n)-[:PARTY_TO]->(sp:Partnership)<-[:PARTY_TO]-(x:Institution) WHERE "
    + _visible("sp")
    + " | x] AS served "
    "RETURN n {.*, __type: 'TechEnterprise'} AS candidate, "
    "size(sought) AS soughtCount, "
    "[(n)-[o:OFFERS]->(c:Capability) WHERE c.id IN sought | {name: c.name, maturity: o.maturity}] AS fit, "
    "[s IN similar WHERE s.node IN served | {name: s.node.name, weight: s.weight}] AS similar, "
    "size([x IN served WHERE x.kind = i.kind]) AS sameKindServed, "
    "size([x IN served WHERE x.homeCountry = i.homeCountry]) AS sameCountryServed, "
    "size(served) AS degree, " + _shared("i", "n")
)

INSTITUTIONS_FOR_TECH: LiteralString = (
    "MATCH (t:TechEnterprise {id: $id}) "
    + _excluded("t")
    + "CALL (t) { OPTIONAL MATCH (t)-[o:OFFERS]->(c:Capability) "
    "  RETURN collect(c.id) AS offered, collect({id: c.id, name: c.name, maturity: o.maturity}) AS offers } "
    "CALL (t) { OPTIONAL MATCH (t)-[:PARTY_TO]->(sp:Partnership)<-[:PARTY_TO]-(x:Institution) "
    "  WHERE "
    + _visible("sp")
    + " RETURN collect(x.kind) AS kindsServed, collect(x.homeCountry) AS countriesServed } "
    + _similar("t", "Institution", "TechEnterprise")
    + "CALL (excluded, offered) { "
    "UNWIND offered AS cid "
    "MATCH (c:Capability {id: cid}) "
    "UNWIND " + _leaders("seekers") + " AS leader "
    "MATCH (n:Institution {id: leader}) "
    "WHERE NOT n.id IN excluded AND " + _org_filter("n") + " "
    "WITH cid, collect(n)[..$perCapability] AS top "
    "UNWIND top AS n "
    "RETURN collect(DISTINCT n) AS fromCapabilities } "
    + _from_similar("Institution")
    + "WITH t, offers, kindsServed, countriesServed, similar, "
    "fromCapabilities + [x IN fromSimilar WHERE NOT x IN fromCapabilities] AS candidates "
    "UNWIND candidates AS n "
    "WITH t, offers, kindsServed, countriesServed, similar, n, "
    "[(n)-[:SEEKS]->(c:Capability) | c.id] AS seeks "
    "WITH t, offers, kindsServed, countriesServed, similar, n, seeks, "
    "[(n)-[:PARTY_TO]->(sp:Partnership)<-[:PARTY_TO]-(x:TechEnterprise) WHERE "
    + _visible("sp")
    + " | x] AS partners "
    "RETURN n {.*, __type: 'Institution'} AS candidate, "
    "size(seeks) AS soughtCount, "
    "[o IN offers WHERE o.id IN seeks | {name: o.name, maturity: o.maturity}] AS fit, "
    "[s IN similar WHERE s.node IN partners | {name: s.node.name, weight: s.weight}] AS similar, "
    "size([k IN kindsServed WHERE k = n.kind]) AS sameKindServed, "
    "size([c IN countriesServed WHERE c = n.homeCountry]) AS sameCountryServed, "
    + _degree("n")
    + ", "
    + _shared("t", "n")
)

PEERS_FOR_INSTITUTION: LiteralString = (
    "MATCH (i:Institution {id: $id}) "
    + _excluded("i")
    + "CALL (i) { OPTIONAL MATCH (i)-[:SEEKS]->(c:Capability) RETURN collect(c.id) AS sought } "
    + _similar("i", "TechEnterprise", "Institution")
    + "CALL (i) { OPTIONAL MATCH (i)-[:PARTY_TO]->(a:Partnership)<-[:PARTY_TO]-(m:TechEnterprise) "
    "WHERE " + _visible("a") + " RETURN collect(DISTINCT m) AS myTechs } "
    "CALL (i, excluded) { "
    "OPTIONAL MATCH (i)-[:PARTY_TO]->(p1:Partnership {kind: 'INTRA_SECTOR'})<-[:PARTY_TO]-(k:Institution)"
    "-[:PARTY_TO]->(p2:Partnership {kind: 'INTRA_SECTOR'})<-[:PARTY_TO]-(n:Institution) "
    "WHERE n <> i AND " + _visible("p1") + " AND " + _visible("p2") + " AND NOT n.id IN excluded "
    "AND " + _org_filter("n") + " "
    "WITH n, collect(DISTINCT k.name) AS via WHERE n IS NOT NULL "  # none found: no null candidate
    "WITH n, via ORDER BY size(via) DESC, n.id LIMIT $fromSimilar "
    "RETURN collect({node: n, via: via}) AS partnersOfPartners } "
    "CALL (i, excluded, sought) { "
    "UNWIND sought AS cid "
    "MATCH (c:Capability {id: cid}) "
    "UNWIND " + _leaders("seekers") + " AS leader "
    "MATCH (n:Institution {id: leader}) "
    "WHERE n <> i AND n.kind = i.kind AND NOT n.id IN excluded AND " + _org_filter("n") + " "
    "WITH cid, collect(n)[..$perCapability] AS top "
    "UNWIND top AS n "
    "RETURN collect(DISTINCT n) AS fromCapabilities } "
    "WITH i, sought, similar, partnersOfPartners, myTechs, "
    "[s IN similar WHERE NOT s.node.id IN excluded | s.node] AS fromSimilar, fromCapabilities "
    "WITH i, sought, similar, partnersOfPartners, myTechs, "
    "fromCapabilities + [x IN fromSimilar + [f IN partnersOfPartners | f.node] WHERE NOT x IN fromCapabilities] AS pool "
    "UNWIND pool AS n "
    "WITH DISTINCT i, sought, similar, partnersOfPartners, myTechs, n "
    "WHERE " + _org_filter("n") + " "
    "WITH i, sought, similar, partnersOfPartners, myTechs, n, [(n)-[:SEEKS]->(c:Capability) | c] AS seeks "
    "RETURN n {.*, __type: 'Institution'} AS candidate, "
    "n.kind = i.kind AS sameSector, "
    "n.homeCountry = i.homeCountry AS sameHomeCountry, "
    "[s IN similar WHERE s.node = n | s.weight][0] AS sharedPartnersWeight, "
    "[(n)-[:PARTY_TO]->(b:Partnership)<-[:PARTY_TO]-(m:TechEnterprise) "
    "  WHERE m IN myTechs AND " + _visible("b") + " | m.name] AS sharedPartners, "
    "[f IN partnersOfPartners WHERE f.node = n | f.via][0] AS partnersOfPartners, "
    "[c IN seeks WHERE c.id IN sought | c.name] AS overlap, "
    "size(seeks) + size([x IN sought WHERE NOT x IN [c IN seeks | c.id]]) AS union, "
    + _degree("n")
    + ", "
    + _shared("i", "n")
)

LEADERS = 200

DISMISS = """
MATCH (a:Organisation {id: $partyId}), (b:Organisation {id: $candidateId})
MERGE (a)-[d:DISMISSED]->(b)
SET d.at = datetime()
"""


@dataclass(frozen=True, slots=True)
class Query:
    party_id: str
    limit_per_capability: int
    similar_limit: int
    from_similar: int
    shared_limit: int = 20
    as_of: date | None = None
    kind: str | None = None
    home_country: str | None = None
    zone_id: str | None = None
    capability_id: str | None = None

    def params(self) -> dict[str, Any]:
        return {
            "id": self.party_id,
            "asOf": self.as_of,
            "perCapability": self.limit_per_capability,
            "similarLimit": self.similar_limit,
            "fromSimilar": self.from_similar,
            "leaders": LEADERS,
            "sharedLimit": self.shared_limit,
            "kind": self.kind,
            "homeCountry": self.home_country,
            "zoneId": self.zone_id,
            "capabilityId": self.capability_id,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """A candidate and the raw evidence about it, as the statement returned it."""

    candidate: Organisation
    facts: dict[str, Any]


async def _evidence(db: Runner, query: LiteralString, q: Query) -> list[Evidence]:
    rows = await db.read(query, **q.params())
    return [Evidence(organisation(row.pop("candidate")), row) for row in rows]


async def tech_for_institution(db: Runner, q: Query) -> list[Evidence]:
    return await _evidence(db, TECH_FOR_INSTITUTION, q)


async def institutions_for_tech(db: Runner, q: Query) -> list[Evidence]:
    return await _evidence(db, INSTITUTIONS_FOR_TECH, q)


async def peers_for_institution(db: Runner, q: Query) -> list[Evidence]:
    return await _evidence(db, PEERS_FOR_INSTITUTION, q)


async def dismiss(db: Runner, *, party_id: str, candidate_id: str) -> None:
    await db.write(DISMISS, partyId=party_id, candidateId=candidate_id)


async def refresh_leaders(db: Runner) -> int:
    """Re-ranks every capability's leading providers and seekers; returns how many capabilities."""
    rows = await db.write(REFRESH_LEADERS, asOf=None, leaders=LEADERS)
    return int(rows[0]["capabilities"]) if rows else 0
