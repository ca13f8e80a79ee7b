"""The partnership network's measures: where each organisation stands, its communities, when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class NetworkMeasure(StrEnum):
    DEGREE = "DEGREE"
    PAGERANK = "PAGERANK"
    BETWEENNESS = "BETWEENNESS"


@dataclass(frozen=True, slots=True)
class NetworkPosition:
    organisation_id: str
    degree: int  # distinct partners in ACTIVE partnerships
    pagerank: float  # sums to 1 over all organisations
    betweenness: float  # normalised to 0..1; estimated from sampled sources on large graphs
    community: int  # 0 is the largest community


@dataclass(frozen=True, slots=True)
class Community:
    id: int
    size: int
    institutions: int
    tech_enterprises: int
    central_members: tuple[str, ...]  # organisation ids, highest PageRank first


@dataclass(frozen=True, slots=True)
class NetworkSnapshot:
    computed_at: datetime
    organisations: int
    ties: int  # pairs of organisations with at least one ACTIVE partnership
    communities: int
    modularity: float
    betweenness_sources: int  # sources sampled for betweenness; equal to `organisations` when exact
    seconds: float  # how long the computation took
