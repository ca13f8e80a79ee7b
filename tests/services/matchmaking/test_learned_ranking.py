"""Issue 12's defect: on a graph where partners are chosen by popularity, hand-set weights let
capability fit decide the top 10 (a popular provider offering none of the sought capabilities
never reached one). Fitted on the graph's own history, the ranker must weight popularity above
capability fit there, and its top 10s must hold such providers."""

from __future__ import annotations

from hub.db.database import Database
from hub.db.repositories.matchmaking import refresh_leaders
from hub.db.repositories.matchmaking_model import snapshot_rows
from hub.seeds import ecosystems
from hub.seeds.files import read_seed_dir
from hub.seeds.loading import DEFAULT_SEED_DIR
from hub.seeds.writer import write_in_batches
from hub.services.matchmaking.evaluation import evaluate_graph
from hub.services.matchmaking.features import QueryKind
from hub.services.matchmaking.learned import fit_all
from hub.services.matchmaking.service import Matchmaker, RecommendationFilter
from hub.services.partnerships import PartnershipService


async def test_on_a_popularity_driven_graph_the_hub_learns_popularity(empty_graph: Database) -> None:
    preferential = ecosystems.family(0)[0]
    assert preferential.name == "preferential alone"
    rows = ecosystems.generate(preferential, 150, 250, 1600, 11, read_seed_dir(DEFAULT_SEED_DIR))
    await write_in_batches(empty_graph, rows)
    await refresh_leaders(empty_graph)
    snapshot = await snapshot_rows(empty_graph)
    model = fit_all(snapshot, None).models[QueryKind.TECH]
    # Fitted weights, or the popularity ranker chosen because it ranked the validation pairs best:
    # either way the graph's history, not a hand-set weight, puts popularity first.
    assert model.status == "FITTED" or "documented popularity ranker" in model.note, model.note
    weight = dict(zip(("capability_fit", "popularity"), (model.weights[0], model.weights[2]), strict=True))
    assert weight["popularity"] > abs(weight["capability_fit"]), weight
    report = await evaluate_graph(
        Matchmaker(empty_graph, PartnershipService(empty_graph)), snapshot, "pa", "", "validation", 150
    )
    for q in report.queries:
        by_method = {m.method: m for m in q.methods}
        assert by_method["hub"].hits10.value > 2 * by_method["content fit"].hits10.value, q
        assert by_method["hub"].hits10.value > 3 * by_method["random"].hits10.value, q
    # The busiest provider that offers none of what an institution seeks is still recommended.
    matchmaker = Matchmaker(empty_graph, PartnershipService(empty_graph))
    state = await matchmaker.learning.current()
    view = state.view
    busiest = view.by_degree[False][0]
    unfit = [
        i
        for i in view.by_degree[True]
        if not view.sought.get(i, frozenset()) & view.offered.get(busiest, {}).keys()
        and busiest not in view.open_partners.get(i, set())
    ][:20]
    assert unfit
    ranked = [(await matchmaker.ranked(QueryKind.TECH, i, _everything()))[:10] for i in unfit]
    assert sum(busiest in [r.id for r in top] for top in ranked) >= len(unfit) // 2
    for top in ranked:  # every recommendation's reasons add up to its score
        for r in top:
            assert r.reasons and abs(sum(x.contribution for x in r.reasons) - r.score) < 1e-5, r


def _everything() -> RecommendationFilter:
    return RecommendationFilter()
