"""The arithmetic of the network measures, with igraph (its C core measures 100,000 organisations in
seconds). Pure: ids and edges in, measures out; it runs in a worker process, away from the API.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import igraph

EXACT_BETWEENNESS_UP_TO = 5_000  # organisations; above this, betweenness is estimated
BETWEENNESS_SAMPLES = 128  # sources sampled for the estimate (Brandes and Pich, 2007)


@dataclass(frozen=True, slots=True)
class Measured:
    degree: list[int]
    pagerank: list[float]
    betweenness: list[float]
    community: list[int]  # 0 is the largest community
    ties: int
    modularity: float
    betweenness_sources: int


def measure(count: int, sources: list[int], targets: list[int], seed: int = 7) -> Measured:
    """Measures of the undirected graph of `count` vertices with edges `sources[i]`-`targets[i]`;
    repeated edges (several partnerships between two organisations) add weight."""
    graph = igraph.Graph(n=count, edges=list(zip(sources, targets, strict=True)), directed=False)
    graph.es["weight"] = 1
    graph.simplify(multiple=True, loops=True, combine_edges={"weight": "sum"})

    # igraph draws from Python's `random` module by default: a generator of its own makes Louvain
    # reproducible without reseeding the process-wide one (the API's other users of `random`).
    igraph.set_random_number_generator(random.Random(seed))
    try:
        degree = graph.degree()
        pagerank = graph.pagerank(weights="weight", directed=False) if count else []

        if count <= EXACT_BETWEENNESS_UP_TO:
            raw = graph.betweenness(directed=False)
            sampled = count
        else:
            sampled = BETWEENNESS_SAMPLES
            chosen = random.Random(seed).sample(range(count), sampled)
            # Each sampled source's dependencies, scaled up to all sources: an unbiased estimate.
            raw = [b * count / sampled for b in graph.betweenness(directed=False, sources=chosen)]
        pairs = (count - 1) * (count - 2) / 2
        betweenness = [b / pairs if pairs > 0 else 0.0 for b in raw]

        clusters = graph.community_multilevel(weights="weight") if count else None
    finally:
        igraph.set_random_number_generator(random)  # igraph's default again
    membership = list(clusters.membership) if clusters else []
    sizes: dict[int, int] = {}
    for c in membership:
        sizes[c] = sizes.get(c, 0) + 1
    by_size = sorted(sizes, key=lambda c: (-sizes[c], c))
    renumbered = {c: rank for rank, c in enumerate(by_size)}
    return Measured(
        degree=list(degree),
        pagerank=list(pagerank),
        betweenness=betweenness,
        community=[renumbered[c] for c in membership],
        ties=graph.ecount(),
        modularity=float(clusters.modularity) if clusters else 0.0,
        betweenness_sources=sampled,
    )
