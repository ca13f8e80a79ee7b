"""`hub eval`: time splits, baselines on the same held-out pairs, intervals, the synthetic family."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np

from hub.db.database import Database
from hub.db.repositories.matchmaking_model import snapshot_rows
from hub.seeds import ecosystems
from hub.seeds.files import read_seed_dir
from hub.seeds.loading import DEFAULT_SEED_DIR, load_seed_dir
from hub.services.matchmaking.evaluation import BASELINES, HUB, cuts, evaluate_graph, rank_metrics
from hub.services.matchmaking.family import SEED_GRAPH_SLICES, FamilySize, run_family
from hub.services.matchmaking.features import QueryKind
from hub.services.matchmaking.graphview import Link
from hub.services.matchmaking.learned import links_from_rows, view_from_rows
from hub.services.matchmaking.ranker import new_pairs
from hub.services.matchmaking.service import Matchmaker
from hub.services.partnerships import PartnershipService


def test_rank_metrics_count_ties_at_their_expected_rank() -> None:
    none = np.zeros(4, dtype=bool)
    assert rank_metrics(np.array([2.0, 1.0, 1.0, 0.0]), 0, none.copy()) == (1.0, 1.0, 1.0)
    hit10, hit50, rr = rank_metrics(np.array([1.0, 1.0, 1.0, 0.0]), 0, none.copy())
    assert hit10 == 1.0 and hit50 == 1.0 and abs(rr - (1 + 1 / 2 + 1 / 3) / 3) < 1e-12
    ignore = np.array([False, True, False, False])  # another held-out partner is left out
    assert rank_metrics(np.array([1.0, 5.0, 0.0, 0.0]), 0, ignore)[2] == 1.0
    twelve_above = np.array([2.0] * 12 + [1.0])
    assert rank_metrics(twelve_above, 12, np.zeros(13, dtype=bool))[0] == 0.0


def test_cuts_put_validation_before_test_on_the_newest_share() -> None:
    links = [
        Link("a", f"t{k}", "COOPERATION", date(2020, 1 + k // 28, 1 + k % 28), "ACTIVE") for k in range(100)
    ]
    c = cuts(links)
    assert c.validation < c.test < c.end
    newer = [x for x in links if x.on >= c.test]
    assert 10 <= len(newer) <= 20


def test_each_mechanism_alone_draws_a_reproducible_graph() -> None:
    taxonomy = read_seed_dir(DEFAULT_SEED_DIR)
    mixes = ecosystems.family(3)
    assert len(mixes) == 8 and [m.weights for m in mixes[:5]] == [
        tuple(1.0 if i == j else 0.0 for j in range(5)) for i in range(5)
    ]
    for mix in mixes[:5]:
        first = ecosystems.generate(mix, 30, 40, 200, 3, taxonomy)
        again = ecosystems.generate(mix, 30, 40, 200, 3, taxonomy)
        assert first.tables == again.tables
        assert len(first.tables["partnerships"]) >= 180, mix


async def test_a_small_family_reports_every_method_on_the_same_held_out_pairs(empty_graph: Database) -> None:
    size = FamilySize(institutions=40, techs=60, random_mixes=1, max_parties=40)
    reports = await run_family(empty_graph, size, with_seed_graph=False, seed=5)
    assert [r.graph for r in reports] == [m.name for m in ecosystems.family(1)]
    for report in reports:
        assert [q.query for q in report.queries] == ["TECH_PARTNERS", "PEERS", "INSTITUTIONS"]
        for q in report.queries:
            assert [m.method for m in q.methods] == [HUB, *BASELINES]
            for m in q.methods:
                for metric in (m.hits10, m.hits50, m.mrr):
                    assert metric.low - 1e-9 <= metric.value <= metric.high + 1e-9
                assert m.hits10.value <= m.hits50.value
        tech = report.queries[0]
        assert tech.pairs > 0 and tech.pairs == len(tech.held_out)
    # The graph last loaded is the family's last one: its held-out pairs are exactly the new
    # cooperation pairs proposed on or after the cut, read back from Neo4j.
    rows = await snapshot_rows(empty_graph)
    links = links_from_rows(rows)
    cut = reports[-1].cut
    assert cut == cuts(links).test
    before = {frozenset((x.a, x.b)) for x in links if x.on < cut and x.status != "DECLINED"}
    institutions = {r["id"] for r in rows["organisations"] if r["institution"]}
    expected = set()
    for x in links:
        new = frozenset((x.a, x.b)) not in before
        if x.on >= cut and x.status != "DECLINED" and x.kind == "COOPERATION" and new:
            inst, tech = (x.a, x.b) if x.a in institutions else (x.b, x.a)
            expected.add((inst, tech))
    held = set(reports[-1].queries[0].held_out)
    assert held <= expected and (len(held) == len(expected) or reports[-1].queries[0].parties == 40)
    # Chance earns what chance earns: about 10 in the number of candidates.
    random_hits = next(m for m in reports[-1].queries[0].methods if m.method == "random").hits10.value
    assert 10 / 60 * 0.8 < random_hits < 10 / 50 * 1.2


async def test_the_seed_graph_is_scored_on_four_slices_pooled(empty_graph: Database) -> None:
    """One 15 % slice of the seed graph holds 14-16 new pairs per query, so a pair or two decided a
    cell: it is scored on its four newest slices of 15 %, each with the hub fitted on the history
    before it, and every method on the same pooled pairs."""
    await load_seed_dir(empty_graph, DEFAULT_SEED_DIR)
    rows = await snapshot_rows(empty_graph)
    links = links_from_rows(rows)
    matchmaker = Matchmaker(empty_graph, PartnershipService(empty_graph))
    one = await evaluate_graph(matchmaker, rows, "seed graph", "", "test", 300)
    pooled = await evaluate_graph(matchmaker, rows, "seed graph", "", "test", 300, SEED_GRAPH_SLICES)
    dates = sorted(x.on for x in links if x.status != "DECLINED")
    bounds = [dates[int(len(dates) * share)] for share in (0.40, 0.55, 0.70, 0.85)] + [cuts(links).end]
    assert pooled.slices == 4 and pooled.cut == bounds[0] and one.cut == bounds[-2]
    for q_one, q_pooled, query in zip(one.queries, pooled.queries, QueryKind, strict=True):
        expected = []
        for start, end in itertools.pairwise(bounds):
            view = view_from_rows(rows, start)
            expected += sorted(
                (p, t) for p, ts in new_pairs(links, view, query, start, end).items() for t in ts
            )
        assert sorted(q_pooled.held_out) == sorted(expected)
        # The test slice's pairs are among them, and the other slices add more.
        assert set(q_one.held_out) <= set(q_pooled.held_out)
        assert q_pooled.pairs >= 2 * q_one.pairs, (query, q_one.pairs, q_pooled.pairs)
        assert [m.method for m in q_pooled.methods] == [HUB, *BASELINES]
