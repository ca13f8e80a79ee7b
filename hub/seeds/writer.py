"""Writes an ecosystem into Neo4j with batched `UNWIND $rows ... MERGE` statements.

Every statement MERGEs on ids and replaces properties, so loading the same data twice leaves the
graph as it was. A seed load runs in one transaction (all or nothing); a synthetic load at scale
commits batch by batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, LiteralString

from hub.db.database import Database, Transaction
from hub.db.repositories.value_labels import label_params, partnership_status
from hub.domain.wording import with_article
from hub.errors import SeedError, SeedProblem
from hub.seeds.files import SeedSet

MERGE_ZONES = "UNWIND $rows AS row MERGE (n:Zone {id: row.id}) SET n = row"
MERGE_CAPABILITIES = "UNWIND $rows AS row MERGE (n:Capability {id: row.id}) SET n = row"
MERGE_INSTITUTIONS = "UNWIND $rows AS row MERGE (n:Organisation {id: row.id}) SET n:Institution, n = row"
MERGE_TECH_ENTERPRISES = (
    "UNWIND $rows AS row MERGE (n:Organisation {id: row.id}) SET n:TechEnterprise, n = row"
)
MERGE_LOCATED_IN = """
UNWIND $rows AS row
MATCH (o:Organisation {id: row.organisation}), (z:Zone {id: row.zone})
MERGE (o)-[:LOCATED_IN]->(z)
"""
MERGE_SEEKS = """
UNWIND $rows AS row
MATCH (o:Institution {id: row.institution}), (c:Capability {id: row.capability})
MERGE (o)-[:SEEKS]->(c)
"""
MERGE_OFFERS = """
UNWIND $rows AS row
MATCH (o:TechEnterprise {id: row.enterprise}), (c:Capability {id: row.capability})
MERGE (o)-[r:OFFERS]->(c)
SET r.maturity = row.maturity
"""
MERGE_PARTNERSHIPS = """
UNWIND $rows AS row
MERGE (p:Partnership {id: row.props.id})
SET p = row.props
REMOVE p:$($valueLabels)
SET p:$($labelOf[row.props.status])
WITH p, row
MATCH (a:Organisation {id: row.proposer}), (b:Organisation {id: row.recipient})
MERGE (a)-[:PARTY_TO {role: 'PROPOSER'}]->(p)
MERGE (b)-[:PARTY_TO {role: 'RECIPIENT'}]->(p)
"""
MERGE_BATCHES = "UNWIND $rows AS row MERGE (n:SandboxBatch {id: row.id}) SET n = row"
MERGE_PROJECTS = "UNWIND $rows AS row MERGE (n:SandboxProject {id: row.id}) SET n = row"
MERGE_IN_BATCH = """
UNWIND $rows AS row
MATCH (p:SandboxProject {id: row.project}), (b:SandboxBatch {id: row.batch})
MERGE (p)-[:IN_BATCH]->(b)
"""
MERGE_PARTICIPANTS = """
UNWIND $rows AS row
MATCH (o:Organisation {id: row.organisation}), (p:SandboxProject {id: row.project})
MERGE (o)-[r:PARTICIPATES_IN]->(p)
SET r.role = row.role
"""
MERGE_USES = """
UNWIND $rows AS row
MATCH (p:SandboxProject {id: row.project}), (c:Capability {id: row.capability})
MERGE (p)-[:USES]->(c)
"""
MERGE_AWARDS = """
UNWIND $rows AS row
MERGE (a:Award {id: row.props.id})
SET a = row.props
WITH a, row
MATCH (p:SandboxProject {id: row.project})
MERGE (p)-[:WON]->(a)
"""

# An organisation id already held by a node of the other kind (an institution cannot become
# a tech enterprise by being seeded again under the same id).
KIND_CLASHES = """
UNWIND $rows AS row
MATCH (n:Organisation {id: row.id})
WHERE NOT row.label IN labels(n)
RETURN row.id AS id, row.label AS wanted,
       CASE WHEN n:Institution THEN 'Institution' ELSE 'TechEnterprise' END AS existing
"""

_FILES = {"Institution": "institutions.yaml", "TechEnterprise": "tech_enterprises.yaml"}

# Seeded nodes get exactly the relationships their files give them: a re-seed after an edit
# replaces them (a changed zone, party or capability list does not leave the old one behind).
CLEAR_INSTITUTION_LINKS = """
UNWIND $rows AS row
MATCH (o:Institution {id: row.id})-[r:LOCATED_IN|SEEKS]->()
DELETE r
"""
CLEAR_TECH_ENTERPRISE_LINKS = """
UNWIND $rows AS row
MATCH (o:TechEnterprise {id: row.id})-[r:LOCATED_IN|OFFERS]->()
DELETE r
"""
CLEAR_PARTIES = """
UNWIND $rows AS row
MATCH (:Partnership {id: row.props.id})<-[r:PARTY_TO]-()
DELETE r
"""
CLEAR_PROJECT_LINKS = """
UNWIND $rows AS row
MATCH (p:SandboxProject {id: row.id})
CALL (p) { MATCH (p)<-[r:PARTICIPATES_IN]-() DELETE r }
CALL (p) { MATCH (p)-[r:IN_BATCH|USES]->() DELETE r }
"""
CLEAR_WINNERS = """
UNWIND $rows AS row
MATCH (:Award {id: row.props.id})<-[r:WON]-()
DELETE r
"""

CLEARS: tuple[tuple[str, LiteralString], ...] = (
    ("institutions", CLEAR_INSTITUTION_LINKS),
    ("tech_enterprises", CLEAR_TECH_ENTERPRISE_LINKS),
    ("partnerships", CLEAR_PARTIES),
    ("projects", CLEAR_PROJECT_LINKS),
    ("awards", CLEAR_WINNERS),
)

# In dependency order: nodes before the relationships that join them.
STATEMENTS: tuple[tuple[str, LiteralString], ...] = (
    ("zones", MERGE_ZONES),
    ("capabilities", MERGE_CAPABILITIES),
    ("institutions", MERGE_INSTITUTIONS),
    ("tech_enterprises", MERGE_TECH_ENTERPRISES),
    ("located_in", MERGE_LOCATED_IN),
    ("seeks", MERGE_SEEKS),
    ("offers", MERGE_OFFERS),
    ("partnerships", MERGE_PARTNERSHIPS),
    ("batches", MERGE_BATCHES),
    ("projects", MERGE_PROJECTS),
    ("in_batch", MERGE_IN_BATCH),
    ("participants", MERGE_PARTICIPANTS),
    ("uses", MERGE_USES),
    ("awards", MERGE_AWARDS),
)

# What a statement takes besides its rows: a partnership's status label is set with its status.
_PARAMS: dict[str, dict[str, Any]] = {"partnerships": label_params(partnership_status())}


@dataclass
class Rows:
    """The rows of each statement, keyed as in STATEMENTS."""

    tables: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {name: [] for name, _ in STATEMENTS}
    )

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.tables[table].append(row)

    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def _props(record: Any, *drop: str) -> dict[str, Any]:
    data: dict[str, Any] = record.model_dump(by_alias=True, mode="python", exclude=set(drop))
    return {key: value for key, value in data.items() if value is not None and value != []}


def rows_from_seeds(seeds: SeedSet) -> Rows:
    rows = Rows()
    for z in seeds.zones:
        rows.add("zones", _props(z))
    for c in seeds.capabilities:
        rows.add("capabilities", _props(c))
    for i in seeds.institutions:
        rows.add("institutions", _props(i, "zone", "seeks"))
        if i.zone:
            rows.add("located_in", {"organisation": i.id, "zone": i.zone})
        for cap in i.seeks:
            rows.add("seeks", {"institution": i.id, "capability": cap})
    for t in seeds.tech_enterprises:
        rows.add("tech_enterprises", _props(t, "zone", "offers"))
        if t.zone:
            rows.add("located_in", {"organisation": t.id, "zone": t.zone})
        for cap, maturity in t.offers.items():
            rows.add("offers", {"enterprise": t.id, "capability": cap, "maturity": maturity.value})
    for p in seeds.partnerships:
        rows.add(
            "partnerships",
            {
                "props": _props(p, "proposer", "recipient"),
                "proposer": p.proposer,
                "recipient": p.recipient,
            },
        )
    for b in seeds.batches:
        rows.add("batches", _props(b))
    for project in seeds.projects:
        rows.add("projects", _props(project, "batch", "applicants", "providers", "technologies"))
        if project.batch:
            rows.add("in_batch", {"project": project.id, "batch": project.batch})
        for applicant in project.applicants:
            rows.add("participants", {"organisation": applicant, "project": project.id, "role": "APPLICANT"})
        for provider in project.providers:
            rows.add(
                "participants",
                {"organisation": provider, "project": project.id, "role": "TECHNOLOGY_PROVIDER"},
            )
        for cap in project.technologies:
            rows.add("uses", {"project": project.id, "capability": cap})
    for award in seeds.awards:
        rows.add("awards", {"props": _props(award, "project"), "project": award.project})
    return rows


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def _refuse_kind_clashes(tx: Transaction, rows: Rows) -> None:
    organisations = [{"id": r["id"], "label": "Institution"} for r in rows.tables["institutions"]]
    organisations += [{"id": r["id"], "label": "TechEnterprise"} for r in rows.tables["tech_enterprises"]]
    clashes = await tx.read(KIND_CLASHES, rows=organisations)
    if clashes:
        raise SeedError(
            [
                SeedProblem(
                    _FILES[c["wanted"]],
                    f"id {c['id']!r}",
                    f"the graph already holds {with_article(c['existing'])} with this id",
                )
                for c in clashes
            ]
        )


async def write_in_one_transaction(db: Database, rows: Rows, batch_size: int = 5000) -> None:
    """All rows in one transaction: if any statement fails, nothing of the load remains."""

    async def work(tx: Transaction) -> None:
        await _refuse_kind_clashes(tx, rows)
        for table, statement in (*CLEARS, *STATEMENTS):
            for chunk in _chunks(rows.tables[table], batch_size):
                await tx.write(statement, rows=chunk, **_PARAMS.get(table, {}))

    await db.transaction(work)


async def write_in_batches(
    db: Database,
    rows: Rows,
    batch_size: int = 10_000,
    progress: Callable[[str, int, int], None] | None = None,
) -> None:
    """Rows committed batch by batch, for loads too large for one transaction."""
    for table, statement in (*CLEARS, *STATEMENTS):
        total = len(rows.tables[table])
        done = 0
        for chunk in _chunks(rows.tables[table], batch_size):
            await db.write(statement, rows=chunk, **_PARAMS.get(table, {}))
            done += len(chunk)
            if progress is not None:
                progress(table, done, total)
