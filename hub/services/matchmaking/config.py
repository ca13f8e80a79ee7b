"""The one place the recommenders' weights live.

Each recommender adds up evidence features, each scaled to [0, 1], times a weight; the weights of
a recommender add up to 1, so a score is in [0, 1] and a reason's contribution is its share.

Cooperation (an institution looking for tech partners, and a tech enterprise for institutions):
- capability_fit: the capabilities sought that the candidate offers, weighted by the maturity of
  the offer (EMERGING 0.5, PROVEN 0.8, MATURE 1.0), over the number sought.
- similar_parties: "institutions like you partnered with X": parties that share partners with
  this one (Adamic-Adar weights on the projected graph, i.e. paths of length 3 in the
  institution-tech graph), summed over those that partnered with the candidate, as 1 - e^-x.
- track_record: the candidate's non-declined partnerships, log-scaled against the busiest
  candidate of the same request.
- experience: partnerships the candidate has had with institutions of the same kind (up to 3)
  and the same home country (up to 2).
- shared_sandbox: a sandbox project both take part in.
- same_zone: both are located in the same zone.

Intra-sector (an institution looking for institution peers):
- same_sector: the candidate is of the same kind.
- shared_partners: tech partners both have (Adamic-Adar: rarer partners count more).
- capability_overlap: Jaccard overlap of the capabilities both seek.
- partners_of_partners: institutions both have worked with intra-sector.
- track_record, shared_sandbox, same_zone as above; same_home_country.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

MATURITY_WEIGHT = {"EMERGING": 0.5, "PROVEN": 0.8, "MATURE": 1.0}


@dataclass(frozen=True, slots=True)
class CooperationWeights:
    capability_fit: float = 0.7
    similar_parties: float = 0.1
    track_record: float = 0.1
    experience: float = 0.05
    # Shown as a reason but weighted 0: on both evaluation graphs a shared sandbox project did not
    # predict a later cooperation (docs/matchmaking.md), so it does not move the ranking.
    shared_sandbox: float = 0.0
    same_zone: float = 0.05


@dataclass(frozen=True, slots=True)
class PeerWeights:
    same_sector: float = 0.25
    shared_partners: float = 0.25
    capability_overlap: float = 0.15
    partners_of_partners: float = 0.1
    track_record: float = 0.1
    shared_sandbox: float = 0.05
    same_zone: float = 0.05
    same_home_country: float = 0.05


@dataclass(frozen=True, slots=True)
class Limits:
    """How far candidate generation reaches: it stays in the party's neighbourhood."""

    per_capability: int = 30
    similar_parties: int = 20
    from_similar: int = 50
    shared_partners: int = 20  # the party's rarest partners through which similar parties are found


COOPERATION = CooperationWeights()
PEERS = PeerWeights()
LIMITS = Limits()


def total(weights: CooperationWeights | PeerWeights) -> float:
    return float(sum(getattr(weights, f.name) for f in fields(weights)))
