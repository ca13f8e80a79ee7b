"""The capability leaders kept on each capability, and dismissals.

The learned ranker's reads are in `matchmaking_model.py`. `$asOf` hides partnerships proposed on
or after a date; a partnership counts unless it was DECLINED.
"""

from __future__ import annotations

from typing import LiteralString

from hub.db.database import Runner


def _visible(p: LiteralString) -> LiteralString:
    return "(" + p + ".status <> 'DECLINED' AND ($asOf IS NULL OR " + p + ".proposedOn < $asOf))"


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


LEADERS = 200

DISMISS = """
MATCH (a:Organisation {id: $partyId}), (b:Organisation {id: $candidateId})
MERGE (a)-[d:DISMISSED]->(b)
SET d.at = datetime()
"""


async def dismiss(db: Runner, *, party_id: str, candidate_id: str) -> None:
    await db.write(DISMISS, partyId=party_id, candidateId=candidate_id)


async def refresh_leaders(db: Runner) -> int:
    """Re-ranks every capability's leading providers and seekers; returns how many capabilities."""
    rows = await db.write(REFRESH_LEADERS, asOf=None, leaders=LEADERS)
    return int(rows[0]["capabilities"]) if rows else 0
