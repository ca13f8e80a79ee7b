"""Keyset cursors: opaque, versioned and checked.

A cursor is base64url (unpadded) of the compact JSON `[1, order, key, id]`: the format's
version, the name of the ordering it was issued for (`name`, `-proposedOn` for descending,
`id`), the ordering key's value at the item (a string, a number, a date as its ISO string, or
null where the key may be missing) and the item's id, which breaks ties. A cursor is read back
only for the ordering it was issued for; anything else (a tampered or foreign string, an offset
cursor of the hub before keyset cursors, a cursor of another ordering) is refused as
BAD_USER_INPUT at `after`.
"""

from __future__ import annotations

import base64
import binascii
import datetime

import orjson
from graphql import GraphQLError

from hub.domain.paging import KeyValue, Position
from hub.model.keyset import SortKey
from hub.model.types import Kind

VERSION = 1
# Longer than any cursor the hub issues (keys are names and titles of a few hundred characters).
MAX_LENGTH = 2048


def encode(order: str, key: object, item_id: str) -> str:
    """The cursor of the item `item_id` whose ordering key is `key` (a date is written as its ISO
    string, as Cypher's toString writes it)."""
    body = orjson.dumps([VERSION, order, key, item_id])
    return base64.urlsafe_b64encode(body).decode().rstrip("=")


def refused(argument: str, message: str) -> GraphQLError:
    return GraphQLError(f"{argument}: {message}", extensions={"code": "BAD_USER_INPUT", "argument": argument})


def decode(cursor: str, sort: SortKey, argument: str = "after") -> Position:
    """The position `cursor` names, with its key as the statement compares it (a date as a
    `datetime.date`), or a BAD_USER_INPUT refusal that says what is wrong with it."""
    parts = _parts(cursor)
    if parts is None:
        shown = cursor if len(cursor) <= 40 else cursor[:40] + "..."
        if _is_offset_cursor(cursor):
            raise refused(
                argument,
                f"{shown!r} is an offset cursor of an earlier version of the hub, which no longer "
                "takes them: ask for the first page again (without `after`) and page on with the "
                "cursors it gives",
            )
        raise refused(argument, f"{shown!r} is not a cursor of this connection")
    order, key, item_id = parts
    if order != sort.name:
        issued = SortKey(order.lstrip("-"), descending=order.startswith("-")).describe()
        raise refused(
            argument,
            f"the cursor was issued for the order {issued}, but this connection is ordered by "
            f"{sort.describe()}: page on with the orderBy the cursor came with, or start again",
        )
    return Position(_key(key, sort, argument), item_id)


def _parts(cursor: str) -> tuple[str, KeyValue, str] | None:
    if not cursor or len(cursor) > MAX_LENGTH:
        return None
    try:
        decoded = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, ValueError):
        return None
    if not (isinstance(decoded, list) and len(decoded) == 4 and decoded[0] == VERSION):
        return None
    _, order, key, item_id = decoded
    if not (isinstance(order, str) and isinstance(item_id, str) and item_id):
        return None
    if key is not None and (isinstance(key, bool) or not isinstance(key, str | int | float)):
        return None
    return order, key, item_id


def _is_offset_cursor(cursor: str) -> bool:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).startswith(b"offset:")
    except (binascii.Error, ValueError):
        return False


def _key(key: KeyValue, sort: SortKey, argument: str) -> object:
    """The key as the statement compares it; refused when it cannot be one of this order's."""
    if key is None:
        if sort.prop is None or sort.nullable:
            return None
        raise refused(argument, f"the cursor has no value for {sort.prop}, which every item has")
    if sort.kind is Kind.DATE and isinstance(key, str):
        try:
            return datetime.date.fromisoformat(key)
        except ValueError:
            pass
    elif (
        (sort.kind in (Kind.STRING, Kind.ENUM) and isinstance(key, str))
        or (sort.kind is Kind.INT and isinstance(key, int))
        or (sort.kind is Kind.FLOAT and isinstance(key, int | float))
    ):
        return key
    raise refused(argument, f"the cursor's value for {sort.prop or 'id'} is not one this order can hold")
