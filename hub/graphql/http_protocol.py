"""GraphQL over HTTP (graphql.github.io/graphql-over-http) where Strawberry's view leaves gaps.

- A request is read strictly: a body that is not a JSON object, not UTF-8, nested past what the
  decoder can follow, holding a number too long to convert, or whose `query`, `operationName`,
  `variables` or `extensions` has the wrong type, is a 400 with a GraphQL-shaped JSON error
  (`BAD_REQUEST`), never a 500.
- Every refusal of the HTTP layer (Strawberry's plain-text ones too) answers in that JSON shape.
- A request error (the operation never started: it did not parse, validate, resolve, coerce its
  variables, or was refused by a guard) has no `data` entry, as the GraphQL spec asks; a client
  accepting `application/graphql-response+json` gets that media type and, for a request error,
  status 400 unless a guard chose another (401, 429, ...).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types import ExecutionResult

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"

_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def _bad_request(message: str) -> HTTPException:
    return HTTPException(400, message)


def _decode(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise _bad_request(f"{what} nests too deeply to be read") from None
    except json.JSONDecodeError as exc:
        raise _bad_request(f"{what} is not valid JSON: {exc}") from None
    except ValueError:  # the only other: an integer past Python's limit of digits to convert
        raise _bad_request(f"a number in {what} has too many digits") from None


# Clients send the same few Content-Type and Accept values again and again, and parsing one
# goes through an `email.message.Message` (about 30 Python calls): each value is parsed once.
_HEADER_VALUES = 256


@functools.lru_cache(maxsize=_HEADER_VALUES)
def _media_type(content_type: str) -> str:
    return parse_content_type(content_type)[0].lower()


def body_request(content_type: str | None, body: bytes) -> GraphQLRequestData:
    """The operation POSTed as `application/json`."""
    media_type = _media_type(content_type or "")
    if media_type != JSON:
        raise HTTPException(415, f"send the operation as {JSON} (got {content_type or 'no content type'})")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad_request(f"the request body is not valid UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise _bad_request("the request body is empty: send a JSON object with a `query` string")
    data = _decode(text, "the request body")
    if isinstance(data, list):
        raise _bad_request("batched operations are not accepted: send one operation per request")
    if not isinstance(data, dict):
        raise _bad_request(f"the request body must be a JSON object with a `query` string, not {_kind(data)}")
    return _request_data(data)


def query_string_request(params: Mapping[str, str]) -> GraphQLRequestData:
    """The operation sent with GET: `variables` and `extensions` are JSON in the query string."""
    data: dict[str, Any] = {key: params[key] for key in ("query", "operationName") if key in params}
    for key in ("variables", "extensions"):
        if params.get(key):
            data[key] = _decode(params[key], f"the `{key}` parameter")
    return _request_data(data)


def _request_data(data: Mapping[str, Any]) -> GraphQLRequestData:
    expected = {"query": str, "operationName": str, "variables": dict, "extensions": dict}
    for key, kind in expected.items():
        value = data.get(key)
        if value is not None and not isinstance(value, kind):
            wanted = "a string" if kind is str else "an object"
            raise _bad_request(f"`{key}` must be {wanted} or null, not {_kind(value)}")
    return GraphQLRequestData(
        query=data.get("query"),
        variables=data.get("variables"),
        operation_name=data.get("operationName"),
        extensions=data.get("extensions"),
    )


def _kind(value: object) -> str:
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array"}
    return names.get(type(value), "an object")


def error_response(status: int, message: str) -> JSONResponse:
    """An HTTP-level refusal, shaped as GraphQL errors are."""
    code = _CODES.get(status, "BAD_REQUEST")
    headers = {"Allow": "GET, POST"} if status == 405 else None
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status, headers)


def wants_graphql_response(request: Request) -> bool:
    """Whether the client prefers `application/graphql-response+json` to `application/json`."""
    return _prefers_graphql_response(request.headers.get("accept", ""))


@functools.lru_cache(maxsize=_HEADER_VALUES)
def _prefers_graphql_response(accept: str) -> bool:
    preferences: dict[str, float] = {}
    for item in accept.split(","):
        media_type, params = parse_content_type(item.strip() or "*/*")
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 1.0
        media_type = media_type.lower()
        preferences[media_type] = max(quality, preferences.get(media_type, 0.0))
    ours = preferences.get(GRAPHQL_RESPONSE, 0.0)
    return ours > 0 and ours >= preferences.get(JSON, 0.0)


def is_request_error(result: ExecutionResult) -> bool:
    """Errors raised before execution carry no path; execution errors always do."""
    return result.data is None and bool(result.errors) and all(e.path is None for e in result.errors or ())


def without_data(response: GraphQLHTTPResponse) -> GraphQLHTTPResponse:
    """A request error's response: the GraphQL spec leaves `data` out when execution never began."""
    return {key: value for key, value in response.items() if key != "data"}  # type: ignore[return-value]


def labelled(request: Request, response: Response) -> Response:
    """The response under the media type the client asked for."""
    if response.media_type == JSON and wants_graphql_response(request):
        response.headers["content-type"] = GRAPHQL_RESPONSE
    return response
