"""Pure: features, the prior, and reasons that sum to the score (no database)."""

from __future__ import annotations

from datetime import date

from hub.services.matchmaking.features import FEATURES, QueryKind, candidates_with_features
from hub.services.matchmaking.graphview import GraphView, Link, Org, build
from hub.services.matchmaking.learned import State, rank
from hub.services.matchmaking.ranker import PRIOR_WEIGHTS, fit, prior
from hub.services.matchmaking.scoring import ReasonKind


def _view() -> GraphView:
    orgs = [
        Org("bank", "A Bank", "BANK", "GB", "z1"),
        Org("bank2", "B Bank", "BANK", "GB", "z1"),
        Org("fit", "Fit Tech", None, "CN", "z1"),
        Org("busy", "Busy Tech", None, "CN", "z2"),
        Org("other", "Other Tech", None, "CN", "z2"),
    ]
    links = [
        Link("bank2", "busy", "COOPERATION", date(2024, 1, 1), "ACTIVE"),
        Link("bank2", "fit", "COOPERATION", date(2024, 2, 1), "ENDED"),
        Link("bank", "other", "COOPERATION", date(2024, 3, 1), "DECLINED"),
    ]
    sought = {"bank": frozenset({"ai", "kyc"}), "bank2": frozenset({"ai"})}
    offered = {
        "fit": {"ai": "MATURE", "kyc": "EMERGING"},
        "busy": {"cloud": "PROVEN"},
        "other": {"ai": "PROVEN"},
    }
    return build(None, orgs, links, sought, offered, {}, [("bank", "other")])


def test_features_read_fit_maturity_paths_and_exclusions() -> None:
    view = _view()
    found = {
        c.id: dict(zip(FEATURES, c.values, strict=True))
        for c in candidates_with_features(view, "bank", QueryKind.TECH)
    }
    assert "other" not in found  # dismissed
    assert found["fit"]["capability_fit"] == (1.0 + 0.5) / 2 and found["fit"]["capabilities_matched"] == 2
    assert found["busy"]["capability_fit"] == 0.0 and found["busy"]["popularity"] > 0
    assert found["fit"]["same_zone"] == 1.0 and found["busy"]["same_zone"] == 0.0
    # bank and bank2 share no partner, so no path reaches a candidate from bank.
    assert found["fit"]["paths"] == 0.0
    assert found["busy"]["popular_with_similar"] > 0  # bank2, also a bank, works with it


def test_reasons_sum_to_the_score_and_name_their_evidence() -> None:
    view = _view()
    state = State(view, {q: prior(q, "test") for q in QueryKind})
    ranked = rank(state, "bank", QueryKind.TECH, lambda _: True)
    assert ranked[0].id == "fit"
    for r in ranked:
        assert abs(sum(x.contribution for x in r.reasons) - r.score) < 1e-6
    fit = next(x for x in ranked[0].reasons if x.kind is ReasonKind.CAPABILITY_FIT)
    assert "matches 2 of 2 capabilities sought" in fit.detail and "ai (MATURE)" in fit.detail
    assert fit.contribution == PRIOR_WEIGHTS["capability_fit"] * 0.75


def test_a_graph_without_history_gets_the_prior_and_says_so() -> None:
    view = _view()
    model = fit([], lambda d: view, date(2025, 1, 1), QueryKind.TECH, view)
    assert model.status == "PRIOR" and "fewer than 10 partnerships" in model.note
