"""Exports of a filtered subgraph as CSV (nodes, edges) or GraphML, written as the rows stream in.

Nothing is held whole: each format is an async generator of text chunks over the database's
streamed rows, so an export of the 100,000-organisation graph runs in constant memory.

Stored text is written as it is, with two exceptions, so that every export stays well-formed
whatever the graph holds (text stored before inputs were checked, or loaded from elsewhere):
each character XML 1.0 cannot represent (C0 controls other than tab, line feed and carriage
return; unpaired surrogates; U+FFFE and U+FFFF) becomes U+FFFD in every format, and CSV rows end
in CRLF (RFC 4180), so a value holding a line break or carriage return is quoted. In CSV, a text
that a spreadsheet would take for a formula (starting with =, +, -, @, a tab or a carriage
return) is written after an apostrophe, so opening an export never runs what a partner stored.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pycountry

from hub.db.database import Database, Row
from hub.db.repositories import export as repo
from hub.db.repositories.lookups import missing_ids
from hub.domain.enums import InstitutionKind, PartnershipKind, PartnershipStatus
from hub.domain.principal import Visibility
from hub.domain.text import for_xml
from hub.errors import FieldError, UserInputError
from hub.model.types import Kind

NODE_COLUMNS = repo.NODE_COLUMNS  # the model's exported properties of organisations among them
EDGE_COLUMNS = ("id", "source", "target", "kind", "status", "proposedOn", "startedOn", "endedOn")
NODE_TYPES = ("Institution", "TechEnterprise")
ROWS_PER_CHUNK = 500
EXPORT_TIMEOUT_SECONDS = 120.0  # a whole export; the operation timeout is for single requests


class ExportFormat(StrEnum):
    NODES_CSV = "nodes.csv"
    EDGES_CSV = "edges.csv"
    GRAPHML = "graph.graphml"

    @property
    def media_type(self) -> str:
        return "application/graphml+xml" if self is ExportFormat.GRAPHML else "text/csv; charset=utf-8"


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which organisations (nodes) and partnerships between them (edges) an export holds."""

    type: str | None = None  # Institution or TechEnterprise
    kind: InstitutionKind | None = None  # institutions of this kind (tech enterprises unaffected)
    country: str | None = None
    zone: str | None = None
    capability: str | None = None  # organisations offering or seeking it
    statuses: tuple[PartnershipStatus, ...] = (PartnershipStatus.ACTIVE,)
    partnership_kind: PartnershipKind | None = None

    def params(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "kind": self.kind.value if self.kind else None,
            "country": self.country,
            "zone": self.zone,
            "capability": self.capability,
            "statuses": [s.value for s in self.statuses],
            "partnershipKind": self.partnership_kind.value if self.partnership_kind else None,
        }


REPEATABLE = ("status",)
"""The only filter given several times (several statuses); any other may be given once."""


def parse_filter(params: Sequence[tuple[str, str]]) -> ExportFilter:
    """An ExportFilter from the query's parameters, in order and repeats included; every bad one is
    named in one UserInputError."""
    errors: list[FieldError] = []
    known = {"type", "kind", "country", "zone", "capability", "status", "partnershipKind"}
    given = Counter(name for name, _ in params)
    errors += [FieldError(k, "is not a filter of exports", "UNKNOWN") for k in given if k not in known]
    errors += [
        FieldError(k, f"may be given once (got {n} values)", "REPEATED")
        for k, n in given.items()
        if n > 1 and k in known and k not in REPEATABLE
    ]
    query = dict(params)
    statuses = [value for name, value in params if name == "status"]

    def choice(name: str, allowed: Iterable[str]) -> str | None:
        value = query.get(name)
        options = list(allowed)
        if value is not None and value not in options:
            errors.append(FieldError(name, f"must be one of {', '.join(options)} (got {value!r})"))
            return None
        return value

    type_ = choice("type", NODE_TYPES)
    kind = choice("kind", [k.value for k in InstitutionKind])
    partnership_kind = choice("partnershipKind", [k.value for k in PartnershipKind])
    chosen: list[PartnershipStatus] = []
    for value in statuses:
        if value in PartnershipStatus.__members__:
            chosen.append(PartnershipStatus(value))
        else:
            options = ", ".join(s.value for s in PartnershipStatus)
            errors.append(FieldError("status", f"must be one of {options} (got {value!r})"))
    country = query.get("country")
    if country is not None and (
        len(country) != 2 or pycountry.countries.get(alpha_2=country.upper()) is None
    ):
        errors.append(FieldError("country", f"must be an ISO 3166-1 alpha-2 code (got {country!r})"))
    if errors:
        raise UserInputError(errors)
    return ExportFilter(
        type=type_,
        kind=InstitutionKind(kind) if kind else None,
        country=country.upper() if country else None,
        zone=query.get("zone"),
        capability=query.get("capability"),
        statuses=tuple(dict.fromkeys(chosen)) or (PartnershipStatus.ACTIVE,),
        partnership_kind=PartnershipKind(partnership_kind) if partnership_kind else None,
    )


class Exporter:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def check(self, chosen: ExportFilter) -> None:
        """Refuses a filter naming a zone or capability that does not exist, before streaming."""
        errors = []
        for name, label, value in (
            ("zone", "Zone", chosen.zone),
            ("capability", "Capability", chosen.capability),
        ):
            if value is not None and await missing_ids(self.db, label=label, ids=[value]):
                errors.append(FieldError(name, f"no {label} with id {value!r}", "NOT_FOUND"))
        if errors:
            raise UserInputError(errors)

    async def size(self, chosen: ExportFilter) -> int:
        """How many organisations the filter selects: what an export is charged by."""
        return await repo.count_nodes(self.db, chosen.params())

    def export(self, what: ExportFormat, chosen: ExportFilter, visibility: Visibility) -> AsyncIterator[str]:
        params = chosen.params()
        if what is ExportFormat.NODES_CSV:
            return csv_text(repo.nodes(self.db, params, EXPORT_TIMEOUT_SECONDS), NODE_COLUMNS)
        edges = repo.edges(self.db, params, visibility, EXPORT_TIMEOUT_SECONDS)
        if what is ExportFormat.EDGES_CSV:
            return csv_text(edges, EDGE_COLUMNS)
        # GraphML lists nodes before edges: the edge statement starts once the nodes are written.
        return graphml_text(repo.nodes(self.db, params, EXPORT_TIMEOUT_SECONDS), edges)


async def csv_text(rows: AsyncIterator[Row], columns: tuple[str, ...]) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    async for row in rows:
        writer.writerow([_csv_value(row[c]) for c in columns])
        count += 1
        if count % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


# A spreadsheet opening the CSV would run a cell starting with one of these as a formula
# (CSV injection, OWASP): such a text cell starts with an apostrophe instead, which a
# spreadsheet shows as text and does not display.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = for_xml(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


_GRAPHML_KINDS = {Kind.INT: "int", Kind.FLOAT: "double"}
_GRAPHML_TYPES = {
    **{p.name: _GRAPHML_KINDS[p.kind] for p in repo.PROPS if p.kind in _GRAPHML_KINDS},
    "degree": "int",
    "community": "int",
    "pagerank": "double",
    "betweenness": "double",
}


def _keys(scope: str, columns: tuple[str, ...]) -> str:
    return "".join(
        f'  <key id="{scope[0]}_{c}" for="{scope}" attr.name="{c}" attr.type="{_GRAPHML_TYPES.get(c, "string")}"/>\n'
        for c in columns
        if c not in {"id", "source", "target"}
    )


def _data(scope: str, row: Row, columns: tuple[str, ...]) -> str:
    return "".join(
        f'<data key="{scope[0]}_{c}">{_xml_text(row[c])}</data>'
        for c in columns
        if c not in {"id", "source", "target"} and row[c] is not None
    )


def _xml_text(value: Any) -> str:
    # A carriage return is written as a reference: XML parsers turn a literal one into a line feed.
    return escape(for_xml(str(value)), {"\r": "&#13;"})


def _xml_attribute(value: Any) -> str:
    return quoteattr(for_xml(str(value)))


async def graphml_text(nodes: AsyncIterator[Row], edges: AsyncIterator[Row]) -> AsyncIterator[str]:
    # The header goes out with the first nodes, so the first chunk has asked Neo4j something.
    chunk: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
        + _keys("node", NODE_COLUMNS)
        + _keys("edge", EDGE_COLUMNS)
        + '  <graph id="partnerships" edgedefault="undirected">\n'
    ]
    async for row in nodes:
        chunk.append(f"    <node id={_xml_attribute(row['id'])}>{_data('node', row, NODE_COLUMNS)}</node>\n")
        if len(chunk) == ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    async for row in edges:
        chunk.append(
            f"    <edge id={_xml_attribute(row['id'])} source={_xml_attribute(row['source'])} "
            f"target={_xml_attribute(row['target'])}>{_data('edge', row, EDGE_COLUMNS)}</edge>\n"
        )
        if len(chunk) == ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "  </graph>\n</graphml>\n"
