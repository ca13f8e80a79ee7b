"""Awards granted to sandbox projects."""

from __future__ import annotations

from hub.db.database import Runner
from hub.db.mapping import from_props, to_props
from hub.domain.models import Award

GRANT = """
MATCH (p:SandboxProject {id: $projectId})
CREATE (a:Award)
SET a = $props, a.createdAt = datetime()
CREATE (p)-[:WON]->(a)
RETURN a {.*} AS item
"""


async def grant(db: Runner, *, award: Award, project_id: str) -> Award:
    rows = await db.write(GRANT, props=to_props(award), projectId=project_id)
    return from_props(Award, rows[0]["item"])
