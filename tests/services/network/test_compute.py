"""The network arithmetic on graphs whose answers are known by hand."""

from __future__ import annotations

import random

import pytest

from hub.services.network import compute
from hub.services.network.compute import measure


def test_a_star_centres_on_its_hub() -> None:
    # 0 is the hub of 1..4; 5 is alone.
    m = measure(6, [0, 0, 0, 0], [1, 2, 3, 4])
    assert m.degree == [4, 1, 1, 1, 1, 0]
    assert m.pagerank[0] == max(m.pagerank)
    assert sum(m.pagerank) == pytest.approx(1.0)
    # every shortest path between two leaves runs through the hub: 6 of the C(5,2)=10 pairs of others
    assert m.betweenness[0] == pytest.approx(6 / 10)
    assert m.betweenness[1:] == [0.0] * 5
    assert m.ties == 4 and m.betweenness_sources == 6


def test_two_cliques_joined_by_a_bridge_are_two_communities() -> None:
    left = [(a, b) for a in range(4) for b in range(a + 1, 4)]
    right = [(a + 4, b + 4) for a, b in left]
    edges = [*left, *right, (3, 4)]
    m = measure(8, [a for a, _ in edges], [b for _, b in edges])
    assert len(set(m.community[:4])) == 1 and len(set(m.community[4:])) == 1
    assert m.community[0] != m.community[4]
    assert m.modularity > 0.3
    # the bridge's ends carry every path between the cliques
    assert m.betweenness[3] == m.betweenness[4] == max(m.betweenness)


def test_repeated_partnerships_weigh_but_count_one_partner() -> None:
    m = measure(3, [0, 0, 0], [1, 1, 2])
    assert m.degree == [2, 1, 1]
    assert m.ties == 2
    assert m.pagerank[1] > m.pagerank[2]


def test_betweenness_is_estimated_from_sampled_sources_on_large_graphs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compute, "EXACT_BETWEENNESS_UP_TO", 10)
    monkeypatch.setattr(compute, "BETWEENNESS_SAMPLES", 20)
    n = 41  # a path: the middle vertex lies on the most shortest paths
    m = measure(n, list(range(n - 1)), list(range(1, n)))
    assert m.betweenness_sources == 20
    middle = m.betweenness[n // 2]
    assert middle == pytest.approx(0.5, abs=0.2)  # exact: (20*20)/(40*39/2) = 0.51
    assert m.betweenness[0] == 0.0


def test_measuring_leaves_the_process_wide_random_generator_alone() -> None:
    random.seed(12345)
    expected = random.random()
    random.seed(12345)
    first = measure(8, [0, 1, 2, 3, 4, 5, 6], [1, 2, 3, 0, 5, 6, 4])
    assert random.random() == expected  # not reseeded by the measurement
    assert measure(8, [0, 1, 2, 3, 4, 5, 6], [1, 2, 3, 0, 5, 6, 4]).community == first.community
