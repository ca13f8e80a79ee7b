"""Relay conventions: opaque global ids, the Node interface, cursor connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.types.nodes import SelectedField, Selection

from hub.domain.paging import Page, PageRequest
from hub.domain.wording import with_article
from hub.errors import FieldError, UserInputError
from hub.graphql import cursors
from hub.model.graph import MODEL
from hub.model.keyset import SortKey, root_sort

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_PAGE = 20
DEFAULT_MAX_PAGE = 100
# The largest `first` (and number of ids) a caller may ask for, HUB_MAX_PAGE_SIZE: the view sets
# it for each operation it runs (HubGraphQL.get_context), so every resolver and the compiled
# planner read the one setting without each being handed it.
PAGE_LIMIT: ContextVar[int] = ContextVar("page_limit", default=DEFAULT_MAX_PAGE)

# The `after` argument of every connection (docs/architecture.md, "Cursors").
After = Annotated[
    str | None,
    strawberry.argument(
        description="The `cursor` of the item to start after (an edge's `cursor` or "
        "`pageInfo.endCursor`): the page holds the items that follow it in this connection's "
        "order, so items added or removed before it neither repeat nor skip one. A cursor is "
        "valid only for the order it was issued with."
    ),
]


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
    return decode_typed_id(global_id, field, allowed)[1]


def decode_typed_id(global_id: str, field: str, allowed: Iterable[str]) -> tuple[str, str]:
    """The type and the key inside `global_id` (one of several `allowed` types), refused as a
    field error when malformed or of another type."""
    allowed = tuple(allowed)
    parsed = from_global_id(global_id)
    if parsed is None or parsed[0] not in allowed:
        raise UserInputError(
            [FieldError(field, f"{global_id!r} is not the id of {_either(allowed)}", "INVALID_ID")]
        )
    return parsed


def decode_ids(global_ids: Iterable[str], field: str, allowed: Iterable[str]) -> list[str]:
    allowed = tuple(allowed)
    return [decode_id(g, f"{field}.{i}", allowed) for i, g in enumerate(global_ids)]


def bad_argument(argument: str, message: str) -> GraphQLError:
    return cursors.refused(argument, message)


def max_page() -> int:
    return PAGE_LIMIT.get()


def page_size_refusal(first: int, limit: int) -> GraphQLError | None:
    """The BAD_USER_INPUT refusal of a `first` outside 1..limit, or None."""
    if 1 <= first <= limit:
        return None
    return bad_argument("first", f"must be between 1 and {limit}, the largest page (got {first})")


def bounded_first(first: int) -> int:
    """`first` itself, or a BAD_USER_INPUT refusal when it is outside 1..max_page() (never clamped)."""
    if (refusal := page_size_refusal(first, PAGE_LIMIT.get())) is not None:
        raise refusal
    return first


ITEM_FIELDS = frozenset({"edges", "nodes", "pageInfo"})


def _names(selections: Iterable[Selection]) -> Iterable[str]:
    """The names of the fields selected, fragments included."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection.name
        else:
            yield from _names(selection.selections)


def root_order(root: str, field: str | None = None, descending: bool | None = None) -> SortKey:
    """The order of the root connection `root` for an `orderBy` (its default when not given)."""
    found = MODEL.root(root)
    assert found is not None, root
    ordering = found.ordering
    return root_sort(
        MODEL,
        found,
        ordering.default_field if field is None else field,
        ordering.default_descending if descending is None else descending,
    )


def page_request(first: int | None, after: str | None, sort: SortKey, info: Any = None) -> PageRequest:
    """The page a `first`/`after` pair asks for in the order `sort`; out-of-range values and
    cursors of another order are refused, not clamped or ignored.

    With the resolver's `info`, a connection asked only for `totalCount` reads no items at all,
    and one not asked for `totalCount` counts nothing (`hasNextPage` comes from reading one item
    more than the page).
    """
    size = bounded_first(DEFAULT_PAGE if first is None else first)
    counted = True
    if info is not None:
        selected = {s for f in info.selected_fields for s in _names(f.selections)}
        if not ITEM_FIELDS & selected:
            size = 0
        counted = "totalCount" in selected
    position = None if after is None else cursors.decode(after, sort)
    return PageRequest(limit=size, order=sort.name, key=sort.prop, after=position, counted=counted)


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
        Edge(cursor=cursors.encode(page.order, p.key, p.id), node=convert(item))
        for item, p in zip(page.items, page.positions, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
    )
