from __future__ import annotations

from hub.services.matchmaking.config import COOPERATION, PEERS, total
from hub.services.matchmaking.scoring import ReasonKind, capability_fit, score_cooperation, score_peer


def _facts(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "soughtCount": 2,
        "fit": [
            {"name": "Cloud computing", "maturity": "MATURE"},
            {"name": "Open banking APIs", "maturity": "EMERGING"},
        ],
        "similar": [{"name": "Lakeshore Bank (China)", "weight": 0.5}],
        "degree": 4,
        "sameKindServed": 3,
        "sameCountryServed": 0,
        "sharedProjects": ["Digital renminbi merchant settlement"],
        "sharedZones": ["Beijing Financial Street"],
    }
    return base | overrides


def test_weights_add_up_to_one() -> None:
    assert abs(total(COOPERATION) - 1) < 1e-9
    assert abs(total(PEERS) - 1) < 1e-9


def test_capability_fit_weights_maturity() -> None:
    assert capability_fit([{"maturity": "MATURE"}], 1) == 1.0
    assert capability_fit([{"maturity": "EMERGING"}], 2) == 0.25
    assert capability_fit([], 3) == 0.0
    assert capability_fit([{"maturity": "MATURE"}], 0) == 0.0


def test_cooperation_score_is_the_sum_of_its_reasons() -> None:
    score, reasons = score_cooperation(_facts(), 8, COOPERATION, party_word="institutions")
    assert 0 < score <= 1
    assert abs(score - sum(r.contribution for r in reasons)) < 1e-9
    kinds = {r.kind for r in reasons}
    assert {
        ReasonKind.CAPABILITY_FIT,
        ReasonKind.SIMILAR_PARTIES,
        ReasonKind.TRACK_RECORD,
        ReasonKind.SAME_ZONE,
    } <= kinds
    fit = next(r for r in reasons if r.kind is ReasonKind.CAPABILITY_FIT)
    assert (
        fit.detail
        == "matches 2 of 2 capabilities sought: Cloud computing (MATURE), Open banking APIs (EMERGING)"
    )
    similar = next(r for r in reasons if r.kind is ReasonKind.SIMILAR_PARTIES)
    assert "Lakeshore Bank (China)" in similar.detail


def test_more_fit_scores_higher_all_else_equal() -> None:
    weak, _ = score_cooperation(
        _facts(fit=[{"name": "Cloud", "maturity": "EMERGING"}]), 8, COOPERATION, party_word="x"
    )
    strong, _ = score_cooperation(_facts(), 8, COOPERATION, party_word="x")
    assert strong > weak


def test_absent_evidence_gives_no_reason() -> None:
    facts = _facts(fit=[], similar=[], degree=0, sameKindServed=0, sharedProjects=[], sharedZones=[])
    score, reasons = score_cooperation(facts, 0, COOPERATION, party_word="x")
    assert score == 0 and reasons == []


def test_peer_reasons_name_the_evidence() -> None:
    facts = {
        "candidateKind": "BANK",
        "sameSector": True,
        "sameHomeCountry": False,
        "sharedPartnersWeight": 0.7,
        "sharedPartners": ["Yunhe Cloud Systems", "Yunhe Cloud Systems"],
        "partnersOfPartners": ["Kestrel Bank (China)"],
        "overlap": ["Biometric identification"],
        "union": 4,
        "degree": 2,
        "sharedProjects": [],
        "sharedZones": [],
    }
    score, reasons = score_peer(facts, 5, PEERS)
    details = {r.kind: r.detail for r in reasons}
    assert details[ReasonKind.SAME_SECTOR] == "also a bank institution"
    assert details[ReasonKind.SHARED_PARTNERS] == "both work with Yunhe Cloud Systems"
    assert details[ReasonKind.CAPABILITY_OVERLAP] == "both seek Biometric identification"
    assert details[ReasonKind.PARTNERS_OF_PARTNERS] == "both have collaborated with Kestrel Bank (China)"
    assert abs(score - sum(r.contribution for r in reasons)) < 1e-9
