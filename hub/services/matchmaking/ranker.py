"""A ranker learned from the graph's own history: logistic regression on standardised features,
or one of the documented rankers when that does better on validation or the graph is too small.

Time split of the partnerships the graph holds (DECLINED ones left out), all before `as_of`, at
40, 55, 70 and 85 % of them:
- train: three windows; in each, features from the graph before its start and labels = the pairs
  that formed before the next cut (more windows: more positives, so steadier weights);
- validation: features before the 85 % cut, labels = pairs formed after it (until `as_of`).
The logistic regression's C (one of C_GRID), and whether a documented ranker (`RANKERS`: the
simple baselines' orders, each with tie-breaks) ranks instead, are chosen on validation only;
the validation scores of that choice are what the model reports. The fitted model is refitted
on train + validation examples with that C.

A candidate's score is sum_j w_j * (x_j - mean_j) / scale_j: each feature's contribution is its
term, so contributions sum exactly to the score (the intercept, equal for every candidate, is
left out: the score is relative to an average candidate; a documented ranker has mean 0 and
scale 1). DISMISS feedback adds negative examples; ACCEPT proposes a partnership, which is a
positive example of the next fit.

Too small a graph to fit weights (fewer than MIN_POSITIVES labelled pairs among the candidates in
train or validation) gets the documented ranker that ranks those few pairs best, and says so;
with fewer than MIN_TO_CHOOSE pairs, or under 10 partnerships, the default prior
(`PRIOR_WEIGHTS`).
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

TRAIN_AT, VALIDATE_AT = (0.40, 0.55, 0.70), 0.85
MIN_POSITIVES = 15
MIN_TO_CHOOSE = 5
MAX_PARTIES = 1000
ENOUGH_POSITIVES = 300  # per window: parties are taken (in random order) until this many labelled pairs
C_GRID = (0.01, 0.1, 1.0)
FOLDS = 2

# The default prior on raw features, used when the graph cannot be fitted: capability fit first,
# then popularity and shared partners, as a reasonable user would rank before seeing any history.
PRIOR_WEIGHTS: dict[str, float] = {
    "capability_fit": 1.0,
    "popularity": 0.3,
    "popular_with_similar": 0.2,
    "adamic_adar": 0.3,
    "recent_activity": 0.1,
    "same_zone": 0.05,
    "same_kind": 0.3,
}
# Documented rankers on raw features: each simple baseline's order (its exact score, or a
# monotone transform of it), ties broken by small weights on the candidate's initiative and
# recent activity (popularity alone leaves many candidates tied).
_TIE_BREAK = {"initiative": 0.01, "recent_activity": 0.01}
RANKERS: dict[str, dict[str, float]] = {
    "popularity": {"popularity": 1.0, **_TIE_BREAK},
    "content fit": {"capability_fit": 1.0, "popularity": 0.01, **_TIE_BREAK},
    "content x popularity": {"content_x_popularity": 1.0, **_TIE_BREAK},
    "Adamic-Adar": {"adamic_adar": 1.0, "popularity": 0.01, **_TIE_BREAK},
    "resource allocation": {"resource_allocation": 1.0, "popularity": 0.01, **_TIE_BREAK},
    "default prior": PRIOR_WEIGHTS,
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

    def scores(self, rows: list[list[float]]) -> list[float]:
        """The score of each row (the sum of its contributions), for many candidates at once."""
        if not rows:
            return []
        z = (np.array(rows, dtype=float) - np.array(self.mean)) / np.array(self.scale)
        return [float(v) for v in z @ np.array(self.weights)]


def _documented(name: str) -> tuple[float, ...]:
    return tuple(RANKERS[name].get(f, 0.0) for f in FEATURES)


def prior(query: QueryKind, note: str, ranker: str = "default prior", **scores: object) -> Model:
    n = len(FEATURES)
    return Model(
        query,
        "PRIOR",
        _documented(ranker),
        (0.0,) * n,
        (1.0,) * n,
        datetime.now().astimezone(),
        note=note,
        **scores,  # type: ignore[arg-type]
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

    def extend(self, other: Examples) -> None:
        self.rows += other.rows
        self.labels += other.labels
        self.groups += other.groups
        self.missed += other.missed
        self.positives += other.positives


def examples(view: GraphView, query: QueryKind, labels: Labels, seed: int, tag: str = "") -> Examples:
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
            out.groups.append(f"{tag}{party}")
            out.positives += label
    # DISMISS feedback: the dismissed candidates are negatives (they are excluded from requests).
    for party, dismissed in sorted(view.dismissed.items()):
        if party not in view.orgs:
            continue
        for c in _features_of(view, party, query, dismissed):
            out.rows.append(c.values)
            out.labels.append(0)
            out.groups.append(f"{tag}{party}")
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


def _time_cuts(links: list[Link], end: date) -> tuple[date, ...] | None:
    """The training windows' starts, then the validation window's."""
    dates = sorted(x.on for x in links if x.status != "DECLINED" and x.on < end)
    if len(dates) < 10:
        return None
    return tuple(dates[int(len(dates) * share)] for share in (*TRAIN_AT, VALIDATE_AT))


@dataclass(frozen=True, slots=True)
class Tried:
    label: str
    hits10: float
    mrr: float
    c: float | None = None  # a logistic regression's C, else a documented ranker's name below
    ranker: str = ""
    pairs: int = 0  # labelled pairs it was scored on

    @property
    def merit(self) -> float:
        # Both measures count (Hits@10 runs about twice MRR on these graphs).
        return self.hits10 + 2 * self.mrr


def fit(links: list[Link], view_at: ViewAt, end: date, query: QueryKind, now: GraphView) -> Model:
    """Fits the query's model on the history before `end`; `view_at(d)` is the graph before d."""
    cuts = _time_cuts(links, end)
    if cuts is None:
        return prior(query, "fewer than 10 partnerships: the documented prior ranks")
    windows = []
    for k, (start, stop) in enumerate(zip(cuts, [*cuts[1:], end], strict=True)):
        v = view_at(start)
        windows.append(examples(v, query, new_pairs(links, v, query, start, stop), seed=1 + k, tag=f"w{k}:"))
    train, valid = _joined(windows[:-1]), windows[-1]
    t2 = cuts[-1]
    span = f"partnerships before {end.isoformat()}, validated on those from {t2.isoformat()}"
    if min(train.positives, valid.positives) < MIN_POSITIVES:
        return _small_graph(query, train, valid, span)
    # Rolling validation: fitted on the windows before, scored on the next; the last two windows
    # are scored (twice the pairs of one: a steadier choice), each choice on the same pairs.
    # A fold whose earlier windows hold too few pairs to fit on is left out (the last one never is).
    folds = [(_joined(windows[:k]), windows[k]) for k in range(len(windows) - FOLDS, len(windows))]
    folds = [(a, b) for a, b in folds if a.positives >= MIN_POSITIVES]
    fitted = {c: [_logistic(c, np.array(a.rows), a.labels) for a, _ in folds] for c in C_GRID}
    tried = [
        _pooled([_try_logistic(c, f, b) for f, (_, b) in zip(fitted[c], folds, strict=True)]) for c in C_GRID
    ]
    tried += [_pooled([_try_ranker(name, b) for _, b in folds]) for name in RANKERS]
    best = max(tried, key=lambda t: t.merit)
    x_train, x_valid = np.array(train.rows), np.array(valid.rows)
    scores = {"validation_hits10": best.hits10, "validation_mrr": best.mrr}
    if best.c is None:
        note = f"the documented {best.label} ranker ranked the validation pairs best ({span})"
        return prior(query, note, best.ranker, **scores)
    x_all = np.vstack([x_train, x_valid])
    y_all = train.labels + valid.labels
    scaler, w = _logistic(best.c, x_all, y_all)
    return Model(
        query,
        "FITTED",
        tuple(float(v) for v in w),
        tuple(float(m) for m in scaler.mean_),
        tuple(float(s) if s > 0 else 1.0 for s in scaler.scale_),
        datetime.now().astimezone(),
        training_size=len(y_all),
        positives=int(sum(y_all)),
        regularisation=best.c,
        note=f"{best.label} fitted on {span}",
        **scores,
    )


def _small_graph(query: QueryKind, train: Examples, valid: Examples, span: str) -> Model:
    """Too few pairs to fit weights: the documented ranker that ranks them best (all of them, as
    nothing is fitted), or the default prior when there are too few even for that."""
    pairs = train.positives + valid.positives
    why = (
        f"too little history to fit ({train.positives} training and {valid.positives} validation "
        f"pairs among candidates, {MIN_POSITIVES} needed each)"
    )
    if pairs < MIN_TO_CHOOSE:
        return prior(query, f"{why}: the default prior ranks")
    best = max((_try_ranker(name, _joined([train, valid])) for name in RANKERS), key=lambda t: t.merit)
    note = f"{why}: the documented {best.label} ranker, which ranked those {pairs} pairs best, ranks"
    return prior(query, note, best.ranker, validation_hits10=best.hits10, validation_mrr=best.mrr)


def _logistic(c: float, x: np.ndarray, labels: list[int]) -> tuple[StandardScaler, np.ndarray]:
    scaler = StandardScaler().fit(x)
    lr = LogisticRegression(C=c, max_iter=500).fit(scaler.transform(x), labels)
    return scaler, lr.coef_[0]


def _joined(parts: list[Examples]) -> Examples:
    out = Examples()
    for p in parts:
        out.extend(p)
    return out


def _pooled(folds: list[Tried]) -> Tried:
    """One choice's scores over several validation windows, each weighted by its labelled pairs."""
    total = sum(t.pairs for t in folds) or 1
    first = folds[0]
    return Tried(
        first.label,
        sum(t.hits10 * t.pairs for t in folds) / total,
        sum(t.mrr * t.pairs for t in folds) / total,
        first.c,
        first.ranker,
        total,
    )


def _try_logistic(c: float, fitted: tuple[StandardScaler, np.ndarray], valid: Examples) -> Tried:
    scaler, w = fitted
    scores = (scaler.transform(np.array(valid.rows)) @ w).tolist()
    h, m = ranking_metrics(scores, valid.labels, valid.groups, valid.missed)
    return Tried(f"logistic regression (C={c})", h, m, c=c, pairs=valid.positives + valid.missed)


def _try_ranker(name: str, data: Examples) -> Tried:
    x = np.array(data.rows)
    scores = (x @ np.array(_documented(name))).tolist() if len(x) else []
    h, m = ranking_metrics(scores, data.labels, data.groups, data.missed)
    return Tried(name, h, m, ranker=name, pairs=data.positives + data.missed)


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
