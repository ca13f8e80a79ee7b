"""An operation screened before it runs: parsed and analysed once per text (hub/graphql/analysis.py),
its operation chosen, its limits checked, its page sizes checked (hub/graphql/cost.py: a `first`
out of range is BAD_USER_INPUT, whatever its size, never a cost refusal), its cost computed; and
the rate-limit points it spends.

An operation refused for its size still spends what it asked for (its cost, or its field
selections once expanded if more), capped at the cost limit: a refusal is cheap for the hub now,
but it should not be free for a caller who sends them again and again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from graphql import GraphQLError, GraphQLSchema

from hub.graphql.analysis import OperationLimits, analyse
from hub.graphql.cost import costing
from hub.graphql.relay import DEFAULT_MAX_PAGE
from hub.graphql.request_key import RequestKey, request_key


@dataclass(frozen=True, slots=True)
class Screening:
    cost: int | None  # None when no operation could be chosen (the text does not parse, ...)
    points: int  # rate-limit points the request spends
    refusal: GraphQLError | None
    operation: str | None = None  # the chosen operation's name, for the access log and metrics


def screen(
    schema: GraphQLSchema,
    text: str,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    limits: OperationLimits,
    max_cost: int,
    max_points: int,
    max_page: int = DEFAULT_MAX_PAGE,
) -> Screening:
    analysis = analyse(text, limits.max_tokens)
    if analysis.error is not None:
        return Screening(None, 1, analysis.error)
    operation = analysis.operation(operation_name)
    if isinstance(operation, GraphQLError):
        return Screening(None, 1, operation)
    cost, page_refusal = costing(schema, analysis, operation, variables, max_page)
    name = operation.name.value if operation.name else None
    refusal = analysis.refusal(limits) or page_refusal
    if refusal is None and cost > max_cost:
        refusal = GraphQLError(
            f"query cost {cost} is above the limit of {max_cost}: "
            "ask for fewer items per page or nest fewer connections",
            extensions={"code": "QUERY_TOO_COMPLEX", "cost": {"requested": cost, "limit": max_cost}},
        )
    if refusal is None:
        return Screening(cost, max(cost, 1), None, name)
    asked = max(cost, analysis.largest())
    return Screening(cost, max(1, min(asked, max_cost, max_points)), refusal, name)


class Screener:
    """`screen` with this hub's schema and limits, remembered per request (text, operation name,
    variables): a screening depends on nothing else, and walking an operation for its cost was
    the largest share of the hub's own Python per compiled read (bench/profiling.md, "The hub's
    own CPU per request"). Refusals are remembered too: the same refused request is refused
    the same way, with the same points spent."""

    def __init__(
        self,
        schema: GraphQLSchema,
        limits: OperationLimits,
        max_cost: int,
        max_points: int,
        size: int = 1024,
        max_page: int = DEFAULT_MAX_PAGE,
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.max_cost = max_cost
        self.max_points = max_points
        self.max_page = max_page
        self._screened: LRUCache[RequestKey, Screening] = LRUCache(size)

    def screen(self, text: str, operation_name: str | None, variables: Mapping[str, Any] | None) -> Screening:
        key = request_key(text, operation_name, variables)
        if key is not None and (found := self._screened.get(key)) is not None:
            return found
        screening = screen(
            self.schema,
            text,
            operation_name,
            variables,
            self.limits,
            self.max_cost,
            self.max_points,
            self.max_page,
        )
        if key is not None:
            self._screened[key] = screening
        return screening
