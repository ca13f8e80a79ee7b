"""What the fintech risk control centre watches: dependence on providers, concentration,
institutions resting on one provider, sandbox projects stuck or risky. ACTIVE partnerships only."""

from __future__ import annotations

from datetime import date
from typing import Any

from hub.db.database import Runner

PROVIDER_DEPENDENCE = """
MATCH (t:TechEnterprise)-[:PARTY_TO]->(:Partnership {kind: 'COOPERATION', status: 'ACTIVE'})<-[:PARTY_TO]-(i:Institution)
WITH t, collect(DISTINCT i) AS clients
WITH t, clients ORDER BY size(clients) DESC, t.id LIMIT $limit
RETURN t {.*, __type: 'TechEnterprise'} AS provider, [c IN clients | c.kind] AS kinds
"""

# Each provider's ACTIVE cooperations are counted once, then shared out to the capabilities it
# offers; the index is summed in Cypher so only the five leaders travel.
CAPABILITY_SHARES = """
MATCH (t:TechEnterprise)
WITH t, COUNT { (t)-[:PARTY_TO]->(:Partnership {kind: 'COOPERATION', status: 'ACTIVE'}) } AS n
WHERE n > 0
MATCH (t)-[:OFFERS]->(c:Capability)
WITH c, t, n ORDER BY n DESC, t.id
WITH c, collect({id: t.id, name: t.name, count: n}) AS providers, sum(n) AS total, sum(n * n) AS squares
RETURN c {.*} AS capability, total, squares, providers[0..5] AS leaders
"""

SOLE_RELIANCE = """
MATCH (i:Institution)-[:PARTY_TO]->(:Partnership {status: 'ACTIVE'})<-[:PARTY_TO]-(o:Organisation)
WITH i, collect(DISTINCT o) AS partners
WHERE size(partners) = 1 AND partners[0]:TechEnterprise
WITH i, partners[0] AS provider ORDER BY provider.id, i.id LIMIT $limit
RETURN i {.*} AS institution, provider {.*, __type: 'TechEnterprise'} AS provider
"""

STUCK_PROJECTS = """
MATCH (s:SandboxProject)
WHERE s.status IN ['REGISTERED', 'TESTING']
  AND (s.riskLevel = 'HIGH' OR (s.testingStartedOn IS NOT NULL AND s.testingStartedOn < $overdueBefore))
WITH s ORDER BY s.testingStartedOn, s.id LIMIT $limit
RETURN s {.*} AS project
"""


async def provider_dependence(db: Runner, *, limit: int) -> list[dict[str, Any]]:
    return await db.read(PROVIDER_DEPENDENCE, limit=limit)


async def capability_shares(db: Runner) -> list[dict[str, Any]]:
    return await db.read(CAPABILITY_SHARES)


async def sole_reliance(db: Runner, *, limit: int) -> list[dict[str, Any]]:
    return await db.read(SOLE_RELIANCE, limit=limit)


async def stuck_projects(db: Runner, *, overdue_before: date, limit: int) -> list[dict[str, Any]]:
    return await db.read(STUCK_PROJECTS, overdueBefore=overdue_before, limit=limit)
