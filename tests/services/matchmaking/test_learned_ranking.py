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
    assert model.status == "FITTED", model.note
    weight = dict(zip(("capability_fit", "popularity"), (model.weights[0], model.weights[2]), strict=True))
    assert weight["popularity"] > abs(weight["capability_fit"]), weight
    report = await evaluate_graph(
        Matchmaker(empty_graph, PartnershipService(empty_graph)), snapshot, "pa", "", "validation", 150
    )
    tech = report.queries[0]
    by_method = {m.method: m for m in tech.methods}
    assert by_method["hub"].hits10.value > 2 * by_method["content fit"].hits10.value, tech
    assert by_method["hub"].hits10.value > 3 * by_method["random"].hits10.value, tech
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
    tops = [[r.id for r in await matchmaker.ranked(QueryKind.TECH, i, _everything())][:10] for i in unfit]
    assert sum(busiest in top for top in tops) >= len(unfit) // 2


def _everything() -> RecommendationFilter:
    return RecommendationFilter()
