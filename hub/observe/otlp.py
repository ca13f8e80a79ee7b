"""Tracing on: OpenTelemetry's SDK, spans batched and sent over OTLP/HTTP (protobuf) to a
collector (HUB_OTLP_ENDPOINT, e.g. http://otel-collector:4318; the exporter's standard
OTEL_EXPORTER_OTLP_* variables add headers, certificates, compression, OTEL_BSP_* the batching).

Spans follow OpenTelemetry's semantic conventions where there are some: the request is a SERVER
span named after its method and route, a statement a CLIENT span with `db.system.name` neo4j,
`db.namespace` the database and `db.query.text` the statement's text (values only ever travel as
$parameters, which are never recorded: they may be private); a statement kept as a named constant
in hub/db/ is named after it (`db.query.summary`, e.g. `network.ACTIVE_TIES`).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import Scope

from hub.observe.access import route_label
from hub.observe.tracing import NO_SPAN, Tracing

TRACES_PATH = "/v1/traces"
MAX_QUERY_TEXT = 4096  # characters of a statement's text kept on its span (compiled reads run long)
_PROPAGATOR = TraceContextTextMapPropagator()


def statement_names() -> dict[str, str]:
    """Each statement constant of the hub's Neo4j layer by its text: `module.NAME`."""
    names: dict[str, str] = {}
    for module_name, module in list(sys.modules.items()):
        if module is None or not module_name.startswith("hub.db"):
            continue
        short = module_name.rsplit(".", 1)[-1]
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str) and " " in value:
                names.setdefault(value, f"{short}.{name}")
    return names


class OtlpTracing(Tracing):
    enabled = True

    def __init__(self, endpoint: str, service_instance: str) -> None:
        url = endpoint.rstrip("/")
        exporter = OTLPSpanExporter(endpoint=url if url.endswith(TRACES_PATH) else url + TRACES_PATH)
        resource = Resource.create({"service.name": "fintech-hub", "service.instance.id": service_instance})
        self.provider = TracerProvider(resource=resource)
        self.provider.add_span_processor(BatchSpanProcessor(exporter))
        self.tracer = self.provider.get_tracer("hub")
        self._names: dict[str, str] | None = None

    def request(self, scope: Scope, request_id: str) -> AbstractContextManager[Any]:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", ())}
        return self.tracer.start_as_current_span(
            f"{scope['method']} {route_label(scope['path'])}",
            context=_PROPAGATOR.extract(headers),
            kind=SpanKind.SERVER,
            attributes={
                "http.request.method": scope["method"],
                "url.path": scope["path"],
                "http.route": route_label(scope["path"]),
                "hub.request_id": request_id,
            },
        )

    def trace_id(self) -> str | None:
        context = trace.get_current_span().get_span_context()
        return format(context.trace_id, "032x") if context.is_valid else None

    def responded(self, span: Any, status: int, outcome: str) -> None:
        if isinstance(span, Span):
            span.set_attribute("http.response.status_code", status)
            span.set_attribute("hub.outcome", outcome)
            if status >= 500:
                span.set_status(Status(StatusCode.ERROR, outcome))

    def graphql(self, path: str, operation: str | None) -> AbstractContextManager[Any]:
        return self.tracer.start_as_current_span(
            f"graphql {operation or 'anonymous'}",
            attributes={"graphql.operation.name": operation or "", "hub.graphql.path": path},
        )

    def statement(self, mode: str, query: str, database: str) -> AbstractContextManager[Any]:
        if not trace.get_current_span().get_span_context().is_valid:
            # Outside a request: the event feed's polls (every 0.5 s), the job leases' claims.
            # Each would be a trace of one span, a steady noise at the collector.
            return NO_SPAN
        if self._names is None:  # once the repositories are imported: on the first statement
            self._names = statement_names()
        attributes = {"db.system.name": "neo4j", "db.namespace": database, "db.operation.name": mode}
        if mode == "transaction":  # its statements are its children
            return self.tracer.start_as_current_span(
                "neo4j transaction", kind=SpanKind.CLIENT, attributes=attributes
            )
        attributes["db.query.text"] = query[:MAX_QUERY_TEXT]
        name = self._names.get(query)
        if name is not None:
            attributes["db.query.summary"] = name
        # A statement has no children: its span is never made current (no context to restore, even
        # when a stream's generator is closed elsewhere).
        span = self.tracer.start_span(name or f"neo4j {mode}", kind=SpanKind.CLIENT, attributes=attributes)
        return _ended(span)

    def shutdown(self) -> None:
        self.provider.shutdown()


@contextlib.contextmanager
def _ended(span: Span) -> Iterator[Span]:
    try:
        yield span
    except BaseException as failure:
        span.set_status(Status(StatusCode.ERROR, type(failure).__name__))
        raise
    finally:
        span.end()
