"""Pure scoring: evidence about a candidate in, a score in [0, 1] and its reasons out.

No I/O here, so the evaluation harness and the API score with exactly the same functions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hub.domain.wording import with_article
from hub.services.matchmaking.config import MATURITY_WEIGHT, CooperationWeights, PeerWeights


class ReasonKind(StrEnum):
    CAPABILITY_FIT = "CAPABILITY_FIT"
    SIMILAR_PARTIES = "SIMILAR_PARTIES"
    TRACK_RECORD = "TRACK_RECORD"
    EXPERIENCE = "EXPERIENCE"
    SHARED_SANDBOX_PROJECT = "SHARED_SANDBOX_PROJECT"
    SAME_ZONE = "SAME_ZONE"
    SAME_SECTOR = "SAME_SECTOR"
    SHARED_PARTNERS = "SHARED_PARTNERS"
    CAPABILITY_OVERLAP = "CAPABILITY_OVERLAP"
    PARTNERS_OF_PARTNERS = "PARTNERS_OF_PARTNERS"
    SAME_HOME_COUNTRY = "SAME_HOME_COUNTRY"


@dataclass(frozen=True, slots=True)
class Reason:
    kind: ReasonKind
    detail: str
    contribution: float


def _names(items: Sequence[str], most: int = 3) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def capability_fit(fit: Sequence[Mapping[str, Any]], sought_count: int) -> float:
    """Capabilities sought that the candidate offers, weighted by maturity, over those sought."""
    if sought_count <= 0:
        return 0.0
    return min(1.0, sum(MATURITY_WEIGHT.get(str(f["maturity"]), 0.5) for f in fit) / sought_count)


def similar_strength(weights: Sequence[float]) -> float:
    return 1.0 - math.exp(-sum(weights))


def track_record(degree: int, max_degree: int) -> float:
    if max_degree <= 0:
        return 0.0
    return math.log1p(degree) / math.log1p(max_degree)


def _add(reasons: list[Reason], kind: ReasonKind, weight: float, value: float, detail: str) -> None:
    """Records evidence that is present; a zero weight shows it with a zero contribution."""
    if value > 0:
        reasons.append(Reason(kind, detail, weight * value))


def score_cooperation(
    facts: Mapping[str, Any], max_degree: int, w: CooperationWeights, *, party_word: str
) -> tuple[float, list[Reason]]:
    """An institution and a tech enterprise; `party_word` names the kind of the similar parties."""
    reasons: list[Reason] = []
    fit = facts["fit"]
    fit_value = capability_fit(fit, facts["soughtCount"])
    offered = [f"{f['name']} ({f['maturity']})" for f in fit]
    _add(
        reasons,
        ReasonKind.CAPABILITY_FIT,
        w.capability_fit,
        fit_value,
        f"matches {len(fit)} of {facts['soughtCount']} capabilities sought: {_names(offered)}",
    )
    similar = facts["similar"]
    _add(
        reasons,
        ReasonKind.SIMILAR_PARTIES,
        w.similar_parties,
        similar_strength([s["weight"] for s in similar]),
        f"{party_word} with partners in common partnered with it: {_names([s['name'] for s in similar])}",
    )
    _track_record(reasons, w.track_record, facts["degree"], max_degree)
    kind_n, country_n = facts["sameKindServed"], facts["sameCountryServed"]
    experience = 0.7 * min(1.0, kind_n / 3) + 0.3 * min(1.0, country_n / 2)
    _add(
        reasons,
        ReasonKind.EXPERIENCE,
        w.experience,
        experience,
        f"has worked with {kind_n} institution(s) of the same kind and {country_n} from the same home country",
    )
    _shared_facts(reasons, facts, w.shared_sandbox, w.same_zone)
    return sum(r.contribution for r in reasons), reasons


def _track_record(reasons: list[Reason], weight: float, degree: int, max_degree: int) -> None:
    plural = "s" if degree != 1 else ""
    _add(
        reasons,
        ReasonKind.TRACK_RECORD,
        weight,
        track_record(degree, max_degree),
        f"{degree} partnership{plural} on the platform",
    )


def _shared_facts(reasons: list[Reason], facts: Mapping[str, Any], sandbox: float, zone: float) -> None:
    projects = facts["sharedProjects"]
    _add(
        reasons,
        ReasonKind.SHARED_SANDBOX_PROJECT,
        sandbox,
        1.0 if projects else 0.0,
        f"both take part in sandbox project {_names(projects, 2)}",
    )
    zones = facts["sharedZones"]
    _add(
        reasons, ReasonKind.SAME_ZONE, zone, 1.0 if zones else 0.0, f"both are located in {_names(zones, 1)}"
    )


def score_peer(facts: Mapping[str, Any], max_degree: int, w: PeerWeights) -> tuple[float, list[Reason]]:
    """Two institutions, for intra-sector collaboration."""
    reasons: list[Reason] = []
    candidate_kind = facts.get("candidateKind", "")
    _add(
        reasons,
        ReasonKind.SAME_SECTOR,
        w.same_sector,
        1.0 if facts["sameSector"] else 0.0,
        f"also {with_article(str(candidate_kind).lower().replace('_', ' '))} institution",
    )
    shared = sorted(set(facts["sharedPartners"]))
    _add(
        reasons,
        ReasonKind.SHARED_PARTNERS,
        w.shared_partners,
        similar_strength([facts["sharedPartnersWeight"] or 0.0]) if shared else 0.0,
        f"both work with {_names(shared)}",
    )
    overlap = facts["overlap"]
    union = facts["union"]
    _add(
        reasons,
        ReasonKind.CAPABILITY_OVERLAP,
        w.capability_overlap,
        len(overlap) / union if union else 0.0,
        f"both seek {_names(overlap)}",
    )
    via = facts["partnersOfPartners"] or []
    _add(
        reasons,
        ReasonKind.PARTNERS_OF_PARTNERS,
        w.partners_of_partners,
        min(1.0, len(via) / 2),
        f"both have collaborated with {_names(via)}",
    )
    _track_record(reasons, w.track_record, facts["degree"], max_degree)
    _shared_facts(reasons, facts, w.shared_sandbox, w.same_zone)
    _add(
        reasons,
        ReasonKind.SAME_HOME_COUNTRY,
        w.same_home_country,
        1.0 if facts["sameHomeCountry"] else 0.0,
        "has the same home country",
    )
    return sum(r.contribution for r in reasons), reasons
