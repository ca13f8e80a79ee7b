"""Relay conventions: opaque global ids, the Node interface, cursor connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.types.nodes import SelectedField, Selection

from hub.domain.paging import Page, PageRequest
from hub.domain.wording import with_article
from hub.errors import FieldError, UserInputError

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_PAGE = 20
DEFAULT_MAX_PAGE = 100
# The largest `first` (and number of ids) a caller may ask for, HUB_MAX_PAGE_SIZE: the view sets
# it for each operation it runs (HubGraphQL.get_context), so every resolver and the compiled
# planner read the one setting without each being handed it.
PAGE_LIMIT: ContextVar[int] = ContextVar("page_limit", default=DEFAULT_MAX_PAGE)
_CURSOR_PREFIX = "offset:"
# `totalCount` is a GraphQL Int, so no connection holds more items than this; a cursor past it
# was not issued by the hub (and a larger SKIP could overflow Neo4j's).
MAX_OFFSET = 2**31 - 1


def to_global_id(type_name: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def from_global_id(global_id: str) -> tuple[str, str] | None:
    """(type name, key) of a global id, or None if it is not one of ours."""
    padded = global_id + "=" * (-len(global_id) % 4)
    try:
        decoded = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, sep, key = decoded.partition(":")
    return (type_name, key) if sep and type_name and key else None


def _either(type_names: tuple[str, ...]) -> str:
    return " or ".join(with_article(t) for t in type_names)


def decode_id(global_id: str, field: str, allowed: Iterable[str]) -> str:
    """The key inside `global_id`, refused as a field error when malformed or of another type."""
    allowed = tuple(allowed)
    parsed = from_global_id(global_id)
    if parsed is None or parsed[0] not in allowed:
        raise UserInputError(
            [FieldError(field, f"{global_id!r} is not the id of {_either(allowed)}", "INVALID_ID")]
        )
    return parsed[1]


def decode_ids(global_ids: Iterable[str], field: str, allowed: Iterable[str]) -> list[str]:
    allowed = tuple(allowed)
    return [decode_id(g, f"{field}.{i}", allowed) for i, g in enumerate(global_ids)]


def bad_argument(argument: str, message: str) -> GraphQLError:
    return GraphQLError(f"{argument}: {message}", extensions={"code": "BAD_USER_INPUT", "argument": argument})


def max_page() -> int:
    return PAGE_LIMIT.get()


def bounded_first(first: int) -> int:
    """`first` itself, or a BAD_USER_INPUT refusal when it is outside 1..max_page() (never clamped)."""
    limit = PAGE_LIMIT.get()
    if not 1 <= first <= limit:
        raise bad_argument("first", f"must be between 1 and {limit}, the largest page (got {first})")
    return first


ITEM_FIELDS = frozenset({"edges", "nodes", "pageInfo"})


COUNT_FIELDS = frozenset({"totalCount", "pageInfo"})


def _names(selections: Iterable[Selection]) -> Iterable[str]:
    """The names of the fields selected, fragments included."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection.name
        else:
            yield from _names(selection.selections)


def page_request(first: int | None, after: str | None, info: Any = None) -> PageRequest:
    """The slice a `first`/`after` pair asks for; out-of-range values are refused, not clamped.

    With the resolver's `info`, a connection asked only for `totalCount` reads no items at all, and
    one asked for neither `totalCount` nor `pageInfo` counts nothing.
    """
    size = bounded_first(DEFAULT_PAGE if first is None else first)
    counted = True
    if info is not None:
        selected = [s for f in info.selected_fields for s in _names(f.selections)]
        if not ITEM_FIELDS & set(selected):
            size = 0
        counted = bool(COUNT_FIELDS & set(selected))
    skip = 0
    if after is not None:
        offset = _cursor_offset(after)
        if offset is None:
            shown = after if len(after) <= 40 else after[:40] + "..."
            raise bad_argument("after", f"{shown!r} is not a cursor of this connection")
        skip = offset + 1
    return PageRequest(skip=skip, limit=size, counted=counted)


def offset_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def _cursor_offset(cursor: str) -> int | None:
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    digits = decoded.removeprefix(_CURSOR_PREFIX)
    # The length is checked before int(): Python refuses to convert more than 4,300 digits.
    if not decoded.startswith(_CURSOR_PREFIX) or not digits.isascii() or not digits.isdigit():
        return None
    if len(digits) > len(str(MAX_OFFSET)) or int(digits) > MAX_OFFSET:
        return None
    return int(digits)


@strawberry.interface(description="An object with a global id, fetchable through `node(id)`.")
class Node:
    id: strawberry.ID
    key: strawberry.Private[str]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many items the whole list holds.")

    @strawberry.field(description="The nodes of the edges, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection(page: Page[R], convert: Callable[[R], Any]) -> Connection[Any]:
    edges = [
        Edge(cursor=offset_cursor(page.skip + i), node=convert(item)) for i, item in enumerate(page.items)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.skip > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
    )
