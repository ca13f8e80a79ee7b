from __future__ import annotations

from datetime import date

from hub.db.database import Database
from hub.db.repositories.evaluation import Edge, snapshot
from hub.services.matchmaking.evaluation import evaluate, expected_rank_metrics, split
from hub.services.matchmaking.service import Matchmaker
from hub.services.partnerships import PartnershipService


def test_split_holds_out_the_newest_new_pairs() -> None:
    edges = [
        Edge("i1", "t1", date(2020, 1, 1), "ACTIVE"),
        Edge("i1", "t2", date(2021, 1, 1), "ENDED"),
        Edge("i2", "t1", date(2022, 1, 1), "ACTIVE"),
        Edge("i1", "t1", date(2023, 1, 1), "ACTIVE"),  # a repeat pair is not a new link
        Edge("i2", "t3", date(2024, 1, 1), "PROPOSED"),
    ]
    s = split(edges, 0.4)
    assert s.cutoff == date(2023, 1, 1)
    assert s.held_out == {"i2": {"t3"}}
    assert len(s.train) == 3


def test_expected_rank_with_ties() -> None:
    # Alone at the top: rank 1.
    assert expected_rank_metrics({"a": 2.0, "b": 1.0, "c": 1.0}, "a", set()) == (1.0, 1.0)
    # Tied with two others at the top: ranks 1, 2 or 3 equally likely.
    hit, mrr = expected_rank_metrics({"a": 1.0, "b": 1.0, "c": 1.0}, "a", set())
    assert hit == 1.0 and abs(mrr - (1 + 1 / 2 + 1 / 3) / 3) < 1e-12
    # Other held-out targets are left out of the ranking.
    assert expected_rank_metrics({"a": 1.0, "b": 5.0}, "a", {"b"}) == (1.0, 1.0)
    # Twelve candidates above: no hit.
    scores = {f"x{i}": 2.0 for i in range(12)} | {"a": 1.0}
    assert expected_rank_metrics(scores, "a", set())[0] == 0.0


async def test_hub_scorer_beats_every_baseline_on_the_seed_graph(seeded: Database) -> None:
    snap = await snapshot(seeded)
    result = await evaluate(Matchmaker(seeded, PartnershipService(seeded)), snap, 0.2)
    _, results = result
    by_method = {r.method: r for r in results}
    hub = by_method.pop("hub scorer")
    assert hub.queries >= 20
    for baseline in by_method.values():
        assert hub.hits > baseline.hits, (hub, baseline)
    assert abs(by_method["random"].hits - 10 / 64) < 0.05
