"""OpenTelemetry traces of a real `hub serve` process, received by a real OTLP/HTTP receiver on
127.0.0.1 (a small HTTP server decoding ExportTraceServiceRequest with opentelemetry-proto): one
request's spans are linked request > GraphQL execution > Neo4j statement on both paths (compiled
and executor), carry the request id, and never a parameter's value; the access line names the
trace. Without HUB_OTLP_ENDPOINT the tracing SDK is not even imported."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

from hub.db.database import Database
from hub.db.server import Connection
from tests.replicas.conftest import replicas

PRIVATE = "needle-org-7f3a9c"  # a variable's value: it must appear in no span


@dataclass
class ReceivedSpan:
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    attributes: dict[str, Any]
    resource: dict[str, Any]


def _value(value: AnyValue) -> Any:
    return getattr(value, value.WhichOneof("value")) if value.WhichOneof("value") else None


class Receiver:
    """An OTLP/HTTP trace receiver: POST /v1/traces with a protobuf ExportTraceServiceRequest."""

    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self.requests = 0
        self.lock = threading.Lock()
        received = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path != "/v1/traces" or self.headers["Content-Type"] != "application/x-protobuf":
                    self.send_error(404)
                    return
                received.add(ExportTraceServiceRequest.FromString(body))
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, export: ExportTraceServiceRequest) -> None:
        with self.lock:
            self.requests += 1
            for resource_spans in export.resource_spans:
                resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        self.spans.append(
                            ReceivedSpan(
                                span.name,
                                span.trace_id.hex(),
                                span.span_id.hex(),
                                span.parent_span_id.hex(),
                                {a.key: _value(a.value) for a in span.attributes},
                                resource,
                            )
                        )

    def trace_of(self, request_id: str) -> list[ReceivedSpan]:
        with self.lock:
            roots = [s for s in self.spans if s.attributes.get("hub.request_id") == request_id]
            if not roots:
                return []
            return [s for s in self.spans if s.trace_id == roots[0].trace_id]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiving = Receiver()
    thread = threading.Thread(target=receiving.server.serve_forever, daemon=True)
    thread.start()
    yield receiving
    receiving.server.shutdown()
    receiving.server.server_close()
    thread.join(10)


async def _spans_of(receiver: Receiver, request_id: str, at_least: int) -> list[ReceivedSpan]:
    deadline = time.monotonic() + 30  # spans leave in batches (every 100 ms here)
    while len(receiver.trace_of(request_id)) < at_least:
        assert time.monotonic() < deadline, (request_id, receiver.spans)
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # the rest of the trace, if any, in the next batch
    return receiver.trace_of(request_id)


def _children(spans: list[ReceivedSpan], parent: ReceivedSpan) -> list[ReceivedSpan]:
    return [s for s in spans if s.parent_span_id == parent.span_id]


def _chain(spans: list[ReceivedSpan], request_id: str, path: str) -> tuple[ReceivedSpan, ReceivedSpan]:
    """The request's span and its GraphQL span on `path`; asserts statements hang under it."""
    (root,) = [s for s in spans if s.attributes.get("hub.request_id") == request_id]
    assert root.name == "POST /graphql" and root.attributes["http.response.status_code"] == 200, root
    (graphql,) = [s for s in _children(spans, root) if s.attributes.get("hub.graphql.path") == path]
    statements = [s for s in spans if s.attributes.get("db.system.name") == "neo4j"]
    under = [s for s in statements if s.parent_span_id == graphql.span_id]
    if path == "executor":  # a mutation: statements in transactions under the execution
        transactions = [s for s in under if s.attributes.get("db.operation.name") == "transaction"]
        under += [s for t in transactions for s in _children(spans, t)]
    assert any("db.query.text" in s.attributes for s in under), spans
    return root, graphql


async def test_one_request_is_one_trace_request_graphql_statement(
    seeded: Database, neo4j: Connection, tmp_path: Path, receiver: Receiver, auth: dict[str, str]
) -> None:
    with replicas(
        1,
        neo4j,
        tmp_path,
        HUB_OTLP_ENDPOINT=receiver.url,
        OTEL_BSP_SCHEDULE_DELAY="100",
        HUB_NETWORK_REFRESH_SECONDS="0",
        HUB_MATCHMAKING_REFRESH_SECONDS="0",
    ) as (hub,):
        async with httpx.AsyncClient(base_url=hub.url, headers=auth, timeout=30) as http:
            compiled = await http.post(
                "/graphql",
                json={
                    "query": "query Capabilities($n: String) { capabilities(category: $n) { totalCount } }",
                    "variables": {"n": PRIVATE},
                },
                headers={"X-Request-Id": "traced-compiled"},
            )
            assert compiled.status_code == 200 and "errors" not in compiled.json(), compiled.text
            executed = await http.post(
                "/graphql",
                json={"query": "mutation Refresh { refreshNetworkMeasures { organisations } }"},
                headers={"X-Request-Id": "traced-executor"},
            )
            assert executed.status_code == 200 and "errors" not in executed.json(), executed.text
            # A caller's W3C traceparent: the hub's spans join the caller's trace.
            caller_trace, caller_span = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
            joined = await http.post(
                "/graphql",
                json={"query": "query Zones { zones(first: 1) { totalCount } }"},
                headers={
                    "X-Request-Id": "traced-joined",
                    "traceparent": f"00-{caller_trace}-{caller_span}-01",
                },
            )
            assert joined.status_code == 200

            compiled_spans = await _spans_of(receiver, "traced-compiled", 3)
            executor_spans = await _spans_of(receiver, "traced-executor", 4)
            joined_spans = await _spans_of(receiver, "traced-joined", 2)

    root, graphql = _chain(compiled_spans, "traced-compiled", "compiled")
    assert graphql.name == "graphql Capabilities"
    assert graphql.attributes["graphql.operation.name"] == "Capabilities"
    assert root.resource["service.name"] == "fintech-hub"
    _chain(executor_spans, "traced-executor", "executor")
    named = {s.attributes.get("db.query.summary") for s in executor_spans}
    assert "network.ACTIVE_TIES" in named, named  # a repository's statement, by its constant's name

    (joined_root,) = [s for s in joined_spans if s.attributes.get("hub.request_id") == "traced-joined"]
    assert joined_root.trace_id == caller_trace and joined_root.parent_span_id == caller_span

    # Statements are traced within requests only: the event feed polls Neo4j in the background
    # every 0.5 s, which would otherwise send a trace of one span each time.
    assert all(s.parent_span_id for s in receiver.spans if s.attributes.get("db.system.name")), [
        s for s in receiver.spans if not s.parent_span_id
    ]
    # Statements carry their text, never a parameter's value.
    everything = json.dumps([s.attributes for s in receiver.spans])
    assert PRIVATE not in everything
    assert any("$" in str(s.attributes.get("db.query.text", "")) for s in compiled_spans), compiled_spans

    lines = [json.loads(line) for line in hub.log.read_text().splitlines() if line.startswith("{")]
    (access,) = [e for e in lines if e.get("request_id") == "traced-compiled" and e["logger"] == "hub.access"]
    assert access["trace_id"] == root.trace_id


def test_without_an_endpoint_the_tracing_sdk_is_not_even_imported() -> None:
    # redis-py imports OpenTelemetry's metrics SDK on its own when installed; the tracing SDK, the
    # exporter and the hub's tracing module are what tracing would load.
    probe = (
        "import sys; from hub.app import create_app; from hub.settings import Settings; "
        "app = create_app(Settings()); "
        "print(sorted(m for m in sys.modules if m.startswith(("
        "'opentelemetry.sdk.trace', 'opentelemetry.exporter', 'hub.observe.otlp'))))"
    )
    env = {"PATH": "/usr/bin:/bin", "HUB_HOME": "/nonexistent"}
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert loaded.stdout.strip() == "[]", loaded.stdout
