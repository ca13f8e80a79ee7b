"""What makes two GraphQL requests the same request: their text, operation name and variables.

Clients (portals polling, dashboards) send the same few requests again and again, and what the
hub works out from a request before it runs (its screening, its compiled statement and
parameters) depends on nothing else, so that work is remembered under this key, computed once
per request.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import orjson

RequestKey = tuple[str, str | None, bytes]

# A remembered request keeps its text and variables as its key: a request larger than this is
# worked out afresh each time, so a cache of N requests holds at most about N times this many
# characters, whatever the body limit (polling requests are a few hundred characters).
MAX_KEY_CHARS = 16 * 1024


def request_key(
    text: str, operation_name: str | None, variables: Mapping[str, Any] | None
) -> RequestKey | None:
    """The key, or None for a request that is not to be remembered: variables orjson cannot
    encode (an integer past 64 bits, nesting past its limit) or encodes as another value would
    be (NaN and infinities come out as `null`), and requests past MAX_KEY_CHARS. Keys are
    sorted, so their order does not matter; JSON keeps `1`, `1.0` and `true` apart."""
    if len(text) > MAX_KEY_CHARS:
        return None
    try:
        encoded = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    if len(text) + len(encoded) > MAX_KEY_CHARS:
        return None
    # json.loads takes NaN, Infinity and 1e400; orjson writes them as null, so `{"c": 1e400}`
    # would share `{"c": null}`'s key and skip its own coercion error. Walked only when a null
    # is written at all (orjson has already bounded the nesting).
    if b"null" in encoded and not _finite(variables):
        return None
    return (text, operation_name, encoded)


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Mapping):
        return all(map(_finite, value.values()))
    if isinstance(value, list):
        return all(map(_finite, value))
    return True
