"""What makes two GraphQL requests the same request: their text, operation name and variables.

Clients (portals polling, dashboards) send the same few requests again and again, and what the
hub works out from a request before it runs (its screening, its compiled statement and
parameters) depends on nothing else, so that work is remembered under this key, computed once
per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

RequestKey = tuple[str, str | None, bytes]


def request_key(
    text: str, operation_name: str | None, variables: Mapping[str, Any] | None
) -> RequestKey | None:
    """The key, or None for variables orjson cannot encode (an integer past 64 bits): such a
    request is worked out afresh each time. Keys are sorted, so their order does not matter;
    JSON keeps `1`, `1.0` and `true` apart."""
    try:
        return (text, operation_name, orjson.dumps(variables, option=orjson.OPT_SORT_KEYS))
    except TypeError:
        return None
