"""A ranker fitted on the graph's own history: logistic regression on standardised features.

Time split of the partnerships the graph holds (DECLINED ones left out), all before `as_of`:
- train: features from the graph before T1 (70 % of the history), labels = the pairs that formed
  in [T1, T2) (T2 at 85 %);
- validation: features before T2, labels = pairs formed in [T2, as_of). The regularisation C is
  chosen on validation MRR only; the validation scores of that choice are what the model reports;
- the final model is fitted on train + validation examples with that C.
A candidate's score is sum_j w_j * (x_j - mean_j) / std_j: each feature's contribution is its
term, so contributions sum exactly to the score (the intercept, equal for every candidate, is
left out: the score is relative to an average candidate). DISMISS feedback adds negative
examples; ACCEPT proposes a partnership, which is a positive example of the next fit.

Too small or too young a graph (fewer than MIN_POSITIVES labelled pairs among the candidates in
train or validation) gets PRIOR: documented weights on the same features (`PRIOR_WEIGHTS`).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from hub.services.matchmaking.features import (
    FEATURES,
    Candidate,
    QueryKind,
    candidates_with_features,
    features,
    path_scores,
    wanted,
)
from hub.services.matchmaking.graphview import GraphView, Link

TRAIN_AT, VALIDATE_AT = 0.70, 0.85
MIN_POSITIVES = 15
MAX_PARTIES = 1000
ENOUGH_POSITIVES = 300  # parties are taken (in random order) until this many labelled pairs are found
C_GRID = (0.01, 0.1, 1.0)

# The prior on raw features, used when the graph cannot be fitted: capability fit first, then
# popularity and shared partners, as a reasonable user would rank before seeing any history.
PRIOR_WEIGHTS: dict[str, float] = {
    "capability_fit": 1.0,
    "popularity": 0.3,
    "popular_with_similar": 0.2,
    "adamic_adar": 0.3,
    "recent_activity": 0.1,
    "same_zone": 0.05,
    "same_kind": 0.3,
}


@dataclass(frozen=True, slots=True)
class Model:
    query: QueryKind
    status: str  # FITTED or PRIOR
    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    fitted_at: datetime
    training_size: int = 0
    positives: int = 0
    regularisation: float = 0.0
    validation_hits10: float | None = None
    validation_mrr: float | None = None
    note: str = ""

    def contributions(self, values: list[float]) -> list[float]:
        return [
            w * (x - m) / s for w, x, m, s in zip(self.weights, values, self.mean, self.scale, strict=True)
        ]


def prior(query: QueryKind, note: str) -> Model:
    n = len(FEATURES)
    return Model(
        query,
        "PRIOR",
        tuple(PRIOR_WEIGHTS.get(f, 0.0) for f in FEATURES),
        (0.0,) * n,
        (1.0,) * n,
        datetime.now().astimezone(),
        note=note,
    )


Labels = dict[str, set[str]]
ViewAt = Callable[[date], GraphView]


def new_pairs(links: list[Link], view: GraphView, query: QueryKind, start: date, end: date) -> Labels:
    """Pairs of the query's kind that formed in [start, end) and did not exist before `start`."""
    out: Labels = defaultdict(set)
    for x in links:
        if not (start <= x.on < end) or x.status == "DECLINED":
            continue
        for party, other in ((x.a, x.b), (x.b, x.a)):
            p, o = view.orgs.get(party), view.orgs.get(other)
            if p is None or o is None or other in view.neighbours.get(party, ()):
                continue
            if _pair_fits(query, p.is_institution, o.is_institution):
                out[party].add(other)
    return out


def _pair_fits(query: QueryKind, party_inst: bool, other_inst: bool) -> bool:
    if query is QueryKind.TECH:
        return party_inst and not other_inst
    if query is QueryKind.PEERS:
        return party_inst and other_inst
    return not party_inst and other_inst


@dataclass
class Examples:
    rows: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    missed: int = 0  # labelled pairs not among the candidates (count against validation scores)
    positives: int = 0


def examples(view: GraphView, query: QueryKind, labels: Labels, seed: int) -> Examples:
    out = Examples()
    parties = sorted(labels)
    random.Random(seed).shuffle(parties)
    for party in parties[:MAX_PARTIES]:
        if out.positives >= ENOUGH_POSITIVES:
            break
        found = candidates_with_features(view, party, query)
        ids = {c.id for c in found}
        out.missed += len(labels[party] - ids)
        for c in found:
            label = 1 if c.id in labels[party] else 0
            out.rows.append(c.values)
            out.labels.append(label)
            out.groups.append(party)
            out.positives += label
    # DISMISS feedback: the dismissed candidates are negatives (they are excluded from requests).
    for party, dismissed in sorted(view.dismissed.items()):
        if party not in view.orgs:
            continue
        for c in _features_of(view, party, query, dismissed):
            out.rows.append(c.values)
            out.labels.append(0)
            out.groups.append(party)
    return out


def _features_of(view: GraphView, party: str, query: QueryKind, ids: set[str]) -> list[Candidate]:
    org = view.orgs[party]
    if org.is_institution == (query is QueryKind.INSTITUTIONS):
        return []
    chosen = sorted(i for i in ids if wanted(view, query, i))
    return features(view, org, query, chosen, path_scores(view, party, query, None))


def ranking_metrics(
    scores: list[float], labels: list[int], groups: list[str], missed: int
) -> tuple[float, float]:
    """Hits@10 and MRR over labelled pairs, ties at their expected rank; missed pairs count 0."""
    by_group: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for s, y, g in zip(scores, labels, groups, strict=True):
        by_group[g].append((s, y))
    hits = rr = 0.0
    n = missed
    for rows in by_group.values():
        for s, y in rows:
            if not y:
                continue
            greater = sum(1 for t, z in rows if t > s and not z)
            ties = sum(1 for t, z in rows if t == s and not z)
            positions = range(greater + 1, greater + ties + 2)
            hits += sum(1 for p in positions if p <= 10) / (ties + 1)
            rr += sum(1 / p for p in positions) / (ties + 1)
            n += 1
    return (hits / n, rr / n) if n else (0.0, 0.0)


def _time_cuts(links: list[Link], end: date) -> tuple[date, date] | None:
    dates = sorted(x.on for x in links if x.status != "DECLINED" and x.on < end)
    if len(dates) < 10:
        return None
    return dates[int(len(dates) * TRAIN_AT)], dates[int(len(dates) * VALIDATE_AT)]


def fit(links: list[Link], view_at: ViewAt, end: date, query: QueryKind, now: GraphView) -> Model:
    """Fits the query's model on the history before `end`; `view_at(d)` is the graph before d."""
    cuts = _time_cuts(links, end)
    if cuts is None:
        return prior(query, "fewer than 10 partnerships: the documented prior ranks")
    t1, t2 = cuts
    v1, v2 = view_at(t1), view_at(t2)
    train = examples(v1, query, new_pairs(links, v1, query, t1, t2), seed=1)
    valid = examples(v2, query, new_pairs(links, v2, query, t2, end), seed=2)
    if min(train.positives, valid.positives) < MIN_POSITIVES:
        return prior(
            query,
            f"too little history to fit ({train.positives} training and {valid.positives} validation "
            f"pairs among candidates, {MIN_POSITIVES} needed each): the documented prior ranks",
        )
    x_train, x_valid = np.array(train.rows), np.array(valid.rows)
    best: tuple[float, float, float] | None = None
    for c in C_GRID:
        scaler = StandardScaler().fit(x_train)
        lr = LogisticRegression(C=c, max_iter=500).fit(scaler.transform(x_train), train.labels)
        scores = lr.decision_function(scaler.transform(x_valid)).tolist()
        h, m = ranking_metrics(scores, valid.labels, valid.groups, valid.missed)
        if best is None or m > best[2]:
            best = (c, h, m)
    assert best is not None
    chosen, hits, mrr = best
    x_all = np.vstack([x_train, x_valid])
    y_all = train.labels + valid.labels
    scaler = StandardScaler().fit(x_all)
    lr = LogisticRegression(C=chosen, max_iter=500).fit(scaler.transform(x_all), y_all)
    scale = [float(s) if s > 0 else 1.0 for s in scaler.scale_]
    return Model(
        query,
        "FITTED",
        tuple(float(w) for w in lr.coef_[0]),
        tuple(float(m) for m in scaler.mean_),
        tuple(scale),
        datetime.now().astimezone(),
        training_size=len(y_all),
        positives=int(sum(y_all)),
        regularisation=chosen,
        validation_hits10=hits,
        validation_mrr=mrr,
        note=f"fitted on partnerships before {end.isoformat()}; cuts {t1.isoformat()} and {t2.isoformat()}",
    )


def model_from_props(props: Mapping[str, object]) -> Model:
    """A stored model back from its node's properties."""

    def floats(key: str) -> tuple[float, ...]:
        value = props[key]
        assert isinstance(value, list)
        return tuple(float(v) for v in value)

    fitted = props["fittedAt"]
    native = fitted.to_native() if hasattr(fitted, "to_native") else fitted
    assert isinstance(native, datetime)
    return Model(
        QueryKind(str(props["query"])),
        str(props["status"]),
        floats("weights"),
        floats("mean"),
        floats("scale"),
        native,
        int(str(props.get("trainingSize", 0))),
        int(str(props.get("positives", 0))),
        float(str(props.get("regularisation", 0.0))),
        _maybe(props.get("validationHits10")),
        _maybe(props.get("validationMrr")),
        str(props.get("note", "")),
    )


def _maybe(value: object) -> float | None:
    return None if value is None else float(str(value))


def sanity(model: Model) -> bool:
    return all(math.isfinite(w) for w in model.weights)
