"""The learned ranker at work: the graph's snapshot, the fitted models, ranking with reasons.

`Learning` keeps the graph as of now in memory with the three models fitted on it. It refits
(snapshot read from Neo4j, fitting in a worker thread so requests are not blocked; requests keep
using the previous state meanwhile) after seeding, on the API's schedule and on demand. For the
evaluation, `state_as_of(d)` fits the same way on the graph before `d` only.
"""

from __future__ import annotations

import asyncio
import gc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from hub.db.database import Database
from hub.db.repositories import matchmaking_model as repo
from hub.services.matchmaking.features import FEATURES, Candidate, QueryKind, candidates_with_features
from hub.services.matchmaking.graphview import GraphView, Link, Org, build
from hub.services.matchmaking.ranker import Model, fit, model_from_props, prior
from hub.services.matchmaking.scoring import Reason, ReasonKind

Rows = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class State:
    view: GraphView
    models: dict[QueryKind, Model]


@dataclass(frozen=True, slots=True)
class Ranked:
    id: str
    score: float
    reasons: tuple[Reason, ...]


def links_from_rows(rows: Rows) -> list[Link]:
    return [
        Link(r["a"], r["b"], r["kind"], r["on"], r["status"], _proposer(r.get("aProposed"), r["a"], r["b"]))
        for r in rows["links"]
    ]


def _proposer(a_proposed: object, a: str, b: str) -> str | None:
    return None if a_proposed is None else (a if a_proposed else b)


@dataclass(frozen=True, slots=True)
class Parts:
    """What every view of one snapshot shares (a refit builds five views; on 100,000 organisations
    building these once instead of five times saves about 1 s and 100 MB a view)."""

    orgs: list[Org]
    links: list[Link]
    sought: dict[str, frozenset[str]]
    offered: dict[str, dict[str, str]]
    projects: dict[str, frozenset[str]]
    dismissals: list[tuple[str, str]]


def parts_from_rows(rows: Rows) -> Parts:
    return Parts(
        [
            Org(r["id"], r["name"], r["kind"] if r["institution"] else None, r["country"], r["zone"])
            for r in rows["organisations"]
        ],
        links_from_rows(rows),
        {r["id"]: frozenset(r["ids"]) for r in rows["sought"]},
        {r["id"]: {c: m for c, m in r["offers"]} for r in rows["offered"]},
        {r["id"]: frozenset(r["names"]) for r in rows["projects"]},
        [(r["a"], r["b"]) for r in rows["dismissals"]],
    )


def view_from_rows(rows: Rows, as_of: date | None, parts: Parts | None = None) -> GraphView:
    p = parts or parts_from_rows(rows)
    # Dismissals are live feedback: a view of the past (fitting's windows, the evaluation) has none.
    dismissals = p.dismissals if as_of is None else []
    return build(as_of, p.orgs, p.links, p.sought, p.offered, p.projects, dismissals)


def fit_all(rows: Rows, as_of: date | None) -> State:
    """CPU-bound: builds the views and fits the three models (run it in a thread)."""
    parts = parts_from_rows(rows)
    links = parts.links
    now = view_from_rows(rows, as_of, parts)
    end = as_of or (max((x.on for x in links), default=date.today()) + timedelta(days=1))
    views: dict[date, GraphView] = {}

    def view_at(d: date) -> GraphView:
        if d not in views:
            views[d] = view_from_rows(rows, d, parts)
        return views[d]

    return State(now, {q: fit(links, view_at, end, q, now) for q in QueryKind})


def _model_props(m: Model) -> dict[str, Any]:
    return {
        "status": m.status,
        "features": list(FEATURES),
        "weights": list(m.weights),
        "mean": list(m.mean),
        "scale": list(m.scale),
        "fittedAt": m.fitted_at,
        "trainingSize": m.training_size,
        "positives": m.positives,
        "regularisation": m.regularisation,
        "validationHits10": m.validation_hits10,
        "validationMrr": m.validation_mrr,
        "note": m.note,
    }


INTERIM_PRIOR = "no model stored for these features yet: the default prior ranks until the refit ends"
REFIT_RUNNING = "a refit on the current graph is running in the background"


def _settle_heap() -> None:
    """The view and the models live until the next refit: out of the cyclic collector's sight, so
    its full collections do not walk millions of objects while a request waits (on 100,000
    organisations they took long enough to show in the requests' p95). Released by reference
    counting as usual when a refit replaces them (they hold no cycles)."""
    gc.collect()
    gc.freeze()


@dataclass(frozen=True, slots=True)
class StoredModel:
    model: Model
    version: int


class Learning:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.state: State | None = None
        self.signature: str | None = None  # of the graph the state was built from
        self._lock = asyncio.Lock()
        self._rows: Rows | None = None  # the evaluation's graph, read once
        self._as_of: dict[date, State] = {}
        self._loading: asyncio.Task[None] | None = None
        self.refitting: asyncio.Task[None] | None = None  # the refit the first load started

    async def refit(self) -> State:
        """Reads the graph, fits in a worker thread, stores the models; then requests use them
        (until then they keep using the previous state)."""
        async with self._lock:
            signature = await repo.graph_signature(self.db)
            rows = await repo.snapshot_rows(self.db)
            return await self._fit_and_store(rows, signature)

    async def _fit_and_store(self, rows: Rows, signature: str) -> State:
        state = await asyncio.to_thread(fit_all, rows, None)
        for query, model in state.models.items():
            await repo.store_model(self.db, query.value, _model_props(model) | {"graphSignature": signature})
        self.state, self.signature = state, signature
        _settle_heap()
        return state

    async def _refit_in_background(self, rows: Rows, signature: str) -> None:
        async with self._lock:
            await self._fit_and_store(rows, signature)

    @property
    def refit_running(self) -> bool:
        return self.refitting is not None and not self.refitting.done()

    async def refresh(self) -> None:
        """The schedule's refit, skipped when the graph has not changed since the last one, and
        before the first recommendation request has loaded anything (that request loads the
        snapshot with the stored models; nothing runs behind the API's back at start-up), or while
        the refit that load started is still running."""
        if self.state is None or self.refit_running:
            return
        if await repo.graph_signature(self.db) != self.signature:
            await self.refit()

    async def current(self) -> State:
        """The state requests rank with. The first time: the graph's view, with the stored models
        when they were fitted on this very graph (after seeding), else fitted now. The loading runs
        as its own task, so a request that times out meanwhile does not cancel it."""
        if self.state is None:
            failed = (
                self._loading is not None
                and self._loading.done()
                and (self._loading.cancelled() or self._loading.exception() is not None)
            )
            if self._loading is None or failed:
                self._loading = asyncio.create_task(self._load_once())
            await asyncio.shield(self._loading)
        assert self.state is not None
        return self.state

    async def _load_once(self) -> None:
        async with self._lock:
            if self.state is None:
                await self._load()

    async def _load(self) -> None:
        """The graph's view at once; the models stored for these features (fitted on this graph or
        an earlier one), else the default prior (models stored for other features: an upgrade).
        When they were not fitted on this very graph, a
        refit starts in the background (on 100,000 organisations it takes minutes) and requests
        are answered meanwhile, by those models or the prior, which say so."""
        signature = await repo.graph_signature(self.db)
        rows = await repo.snapshot_rows(self.db)
        stored = await repo.models(self.db)
        if not stored:
            # Never fitted (`hub seed` fits; a graph loaded otherwise): fitted now, as the first
            # request waits. A background task here would outlive a test's graph and write models
            # into the next one's.
            await self._fit_and_store(rows, signature)
            return
        usable = {QueryKind(str(p["query"])): p for p in stored if p.get("features") == list(FEATURES)}
        view = await asyncio.to_thread(view_from_rows, rows, None)
        models = {
            q: model_from_props(usable[q]) if q in usable else prior(q, INTERIM_PRIOR) for q in QueryKind
        }
        self.state = State(view, models)
        _settle_heap()
        if all(q in usable and usable[q].get("graphSignature") == signature for q in QueryKind):
            self.signature = signature
            return
        self.refitting = asyncio.create_task(self._refit_in_background(rows, signature))

    async def state_as_of(self, as_of: date) -> State:
        """The graph before `as_of` and models fitted on it alone (the evaluation's time split)."""
        if as_of not in self._as_of:
            if self._rows is None:
                self._rows = await repo.snapshot_rows(self.db)
            self._as_of[as_of] = await asyncio.to_thread(fit_all, self._rows, as_of)
        return self._as_of[as_of]

    async def stored(self) -> list[StoredModel]:
        """The stored models; while the first load's refit runs, the models requests rank with
        meanwhile (the stored ones were fitted on an earlier graph, or on other features: then
        the prior ranks), each saying so in its note."""
        stored = [StoredModel(model_from_props(p), int(p["version"])) for p in await repo.models(self.db)]
        if not self.refit_running or self.state is None:
            return stored
        versions = {s.model.query: s.version for s in stored}
        return [
            StoredModel(replace(m, note=f"{REFIT_RUNNING}; {m.note}"), versions.get(q, 0))
            for q, m in self.state.models.items()
        ]


def rank(
    state: State,
    party_id: str,
    query: QueryKind,
    keep: Any,
    exclude: Iterable[str] = (),
    explained: int | None = None,
) -> list[Ranked]:
    """Every candidate of the party passing `keep(org)`, best first (ties by name, then id); the
    first `explained` (all if None) carry their reasons, the others only their score."""
    view, model = state.view, state.models[query]
    found = [c for c in candidates_with_features(view, party_id, query, also_exclude=exclude) if keep(c.id)]
    scores = model.scores([c.values for c in found])
    scored = [(round(s, 6), c) for s, c in zip(scores, found, strict=True)]
    scored.sort(key=lambda sc: (-sc[0], view.orgs[sc[1].id].name, sc[1].id))
    shown = len(scored) if explained is None else min(explained, len(scored))
    ranked = []
    for k, (score, c) in enumerate(scored):
        if k >= shown:
            ranked.append(Ranked(c.id, score, ()))
            continue
        reasons = explain(view, party_id, query, c, model.contributions(c.values))
        # The reasons' sum is the score (up to rounding each to 6 places).
        ranked.append(Ranked(c.id, round(sum(r.contribution for r in reasons), 6), reasons))
    return ranked


_GROUPS: dict[str, ReasonKind] = {
    "capability_fit": ReasonKind.CAPABILITY_FIT,
    "capabilities_matched": ReasonKind.CAPABILITY_FIT,
    "fit_x_popularity": ReasonKind.CAPABILITY_FIT,
    "content_x_popularity": ReasonKind.CAPABILITY_FIT,
    "tenure": ReasonKind.TRACK_RECORD,
    "initiative": ReasonKind.TRACK_RECORD,
    "demand": ReasonKind.TRACK_RECORD,
    "popularity": ReasonKind.TRACK_RECORD,
    "recent_activity": ReasonKind.TRACK_RECORD,
    "dormancy": ReasonKind.TRACK_RECORD,
    "popular_with_similar": ReasonKind.EXPERIENCE,
    "same_country_experience": ReasonKind.EXPERIENCE,
    "adamic_adar": ReasonKind.SIMILAR_PARTIES,
    "resource_allocation": ReasonKind.SIMILAR_PARTIES,
    "paths": ReasonKind.SIMILAR_PARTIES,
    "same_zone": ReasonKind.SAME_ZONE,
    "same_country": ReasonKind.SAME_HOME_COUNTRY,
    "same_kind": ReasonKind.SAME_SECTOR,
    "shared_projects": ReasonKind.SHARED_SANDBOX_PROJECT,
}
_PEER_NAMES = {
    ReasonKind.CAPABILITY_FIT: ReasonKind.CAPABILITY_OVERLAP,
    ReasonKind.SIMILAR_PARTIES: ReasonKind.SHARED_PARTNERS,
}


def explain(
    view: GraphView, party_id: str, query: QueryKind, c: Candidate, parts: list[float]
) -> tuple[Reason, ...]:
    """Contributions grouped by the evidence they come from, largest first; they sum to the score."""
    total: dict[ReasonKind, float] = defaultdict(float)
    for name, part in zip(FEATURES, parts, strict=True):
        kind = _GROUPS[name]
        total[_PEER_NAMES.get(kind, kind) if query is QueryKind.PEERS else kind] += part
    reasons = [Reason(k, _detail(view, party_id, query, c, k), v) for k, v in total.items() if v != 0.0]
    return tuple(sorted(reasons, key=lambda r: -r.contribution))


def _names(items: list[str], most: int = 3) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def _detail(view: GraphView, party_id: str, query: QueryKind, c: Candidate, kind: ReasonKind) -> str:
    party, other = view.orgs[party_id], view.orgs[c.id]
    value = dict(zip(FEATURES, c.values, strict=True))
    if kind is ReasonKind.CAPABILITY_FIT:
        sought = len(view.sought.get(c.id if query is QueryKind.INSTITUTIONS else party_id, ()))
        offered = [f"{name} ({maturity})" for name, maturity in c.matched]
        return f"matches {len(c.matched)} of {sought} capabilities sought" + (
            f": {_names(offered)}" if offered else ""
        )
    if kind is ReasonKind.CAPABILITY_OVERLAP:
        return (
            f"both seek {_names([n for n, _ in c.matched])}"
            if c.matched
            else "seeks none of the same capabilities"
        )
    if kind is ReasonKind.TRACK_RECORD:
        degree = view.degree(c.id)
        return (
            f"{degree} partnership{'s' if degree != 1 else ''} on the platform, {c.recent} in the last year"
        )
    if kind is ReasonKind.EXPERIENCE:
        similar = "institutions of the same kind" if party.is_institution else "similar tech enterprises"
        return (
            f"has worked with {c.similar_served} {similar} and {c.country_served} from the same home country"
        )
    if kind in (ReasonKind.SIMILAR_PARTIES, ReasonKind.SHARED_PARTNERS):
        paths = round(pow(2.718281828, value["paths"]) - 1)
        via = f", strongest through {c.via[0]}" if c.via else ""
        return f"{paths} path(s) through shared partners{via}"
    if kind is ReasonKind.SAME_ZONE:
        return f"both are located in {other.zone}" if value["same_zone"] else "located in another zone"
    if kind is ReasonKind.SAME_HOME_COUNTRY:
        return "has the same home country" if value["same_country"] else f"home country {other.country}"
    if kind is ReasonKind.SAME_SECTOR:
        return (
            f"also a {str(other.kind).lower().replace('_', ' ')} institution"
            if value["same_kind"]
            else (f"a {str(other.kind or 'tech enterprise').lower().replace('_', ' ')}")
        )
    return (
        f"both take part in sandbox project {_names(c.projects, 2)}"
        if c.projects
        else "no shared sandbox project"
    )
