"""Two transitions of one partnership at the same moment: one wins, the other is refused.

Each transition takes the partnership's write lock before it reads the status. With
`SET p.status = p.status` (as before), the status was read before the lock: the second
transaction read the status the first had just replaced, passed the lifecycle check with it and
wrote it back, so an accepted partnership could be declined as well, with two events.
"""

from __future__ import annotations

import asyncio

from hub.db.database import Database
from hub.settings import Settings
from tests.conftest import serve
from tests.events.helpers import (
    BATCH_4,
    LIANYU,
    PROPOSE,
    REGISTER,
    START_TESTING,
    THAMESGATE,
    apply_joint,
    bearer,
    call,
    propose,
)

ACCEPT = """mutation($id: ID!) { acceptPartnership(input: {id: $id}) {
    partnership { status } userErrors { code } } }"""
DECLINE = """mutation($id: ID!) { declinePartnership(input: {id: $id}) {
    partnership { status } userErrors { code } } }"""


async def test_an_accept_and_a_decline_at_once_apply_one_and_refuse_the_other(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    title = "Concurrent decisions"
    async with serve(test_settings, seeded, bearer(admin_key)) as admin:
        partnership = await propose(admin, THAMESGATE, LIANYU, title=title)
        # Another transaction holds the partnership's lock while both decisions start, so both
        # reach their status check before either has changed anything.
        async with seeded.driver.session(database=seeded.name) as blocker_session:
            blocker = await blocker_session.begin_transaction()
            await (
                await blocker.run("MATCH (p:Partnership {title: $t}) SET p.held = true", t=title)
            ).consume()
            decisions = [
                asyncio.create_task(
                    admin.post("/graphql", json={"query": q, "variables": {"id": partnership}})
                )
                for q in (ACCEPT, DECLINE)
            ]
            await _until_waiting(seeded, 2)
            await blocker.rollback()
        answers = [next(iter((await d).json()["data"].values())) for d in decisions]
    applied = [a for a in answers if not a["userErrors"]]
    refused = [a for a in answers if a["userErrors"]]
    assert len(applied) == 1 and len(refused) == 1, answers
    assert refused[0]["userErrors"][0]["code"] == "INVALID_TRANSITION"
    stored = await seeded.read("MATCH (p:Partnership {title: $t}) RETURN p.status AS status", t=title)
    assert stored == [{"status": applied[0]["partnership"]["status"]}]
    events = await seeded.read(
        "MATCH (e:Event) WHERE e.type IN ['partnership.accepted', 'partnership.declined'] RETURN count(e) AS n"
    )
    assert events == [{"n": 1}]


async def test_the_same_sandbox_transition_twice_at_once_applies_once(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    name = "Concurrent testing"
    async with serve(test_settings, seeded, bearer(admin_key)) as admin:
        project = await apply_joint(admin, name)
        await call(admin, REGISTER, {"id": project, "b": BATCH_4})
        async with seeded.driver.session(database=seeded.name) as blocker_session:
            blocker = await blocker_session.begin_transaction()
            held = "MATCH (p:SandboxProject {name: $n}) SET p.held = true"
            await (await blocker.run(held, n=name)).consume()
            starts = [
                asyncio.create_task(
                    admin.post("/graphql", json={"query": START_TESTING, "variables": {"id": project}})
                )
                for _ in range(2)
            ]
            await _until_waiting(seeded, 2)
            await blocker.rollback()
        answers = [(await s).json()["data"]["startSandboxTesting"] for s in starts]
    codes = sorted(e["code"] for a in answers for e in a["userErrors"])
    assert codes == ["INVALID_TRANSITION"], answers
    events = await seeded.read(
        "MATCH (e:Event {type: 'sandbox_project.testing_started'}) RETURN count(e) AS n"
    )
    assert events == [{"n": 1}]


async def _until_waiting(db: Database, count: int) -> None:
    """Returns once `count` transactions wait for a lock, in a statement or at their commit
    (some locks are taken only then); bounded, it proves "not hanging"."""
    for _ in range(400):
        rows = await db.read(
            "SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' OR status = 'Closing' "
            "RETURN count(*) AS n"
        )
        if rows[0]["n"] >= count:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"fewer than {count} transactions waited for the lock")


async def test_two_proposals_between_the_same_pair_at_once_create_one_partnership(
    seeded: Database, test_settings: Settings, admin_key: str
) -> None:
    # Each proposal checks that the pair has no open partnership; before the parties were locked
    # first, both checks could pass and the pair got two.
    async with serve(test_settings, seeded, bearer(admin_key)) as admin:
        async with seeded.driver.session(database=seeded.name) as blocker_session:
            blocker = await blocker_session.begin_transaction()
            held = "MATCH (o:Organisation {id: 'lianyu-data'}) SET o.held = true"
            await (await blocker.run(held)).consume()
            proposals = [
                asyncio.create_task(
                    admin.post(
                        "/graphql",
                        json={"query": PROPOSE, "variables": {"p": p, "r": r, "t": "Twice at once"}},
                    )
                )
                for p, r in ((THAMESGATE, LIANYU), (LIANYU, THAMESGATE))
            ]
            await _until_waiting(seeded, 2)
            await blocker.rollback()
        answers = [(await p).json()["data"]["proposePartnership"] for p in proposals]
    codes = sorted(e["code"] for a in answers for e in a["userErrors"])
    assert codes == ["DUPLICATE"], answers
    pairs = await seeded.read(
        "MATCH (:Organisation {id: 'thamesgate-bank'})-[:PARTY_TO]->(p:Partnership {title: 'Twice at once'})"
        "<-[:PARTY_TO]-(:Organisation {id: 'lianyu-data'}) RETURN count(p) AS n"
    )
    assert pairs == [{"n": 1}]
