"""A client's mistake is logged as one line (operation, code, message) without a traceback; an
unexpected failure keeps its traceback in the log (tests/graphql/test_audit_log.py provokes one)."""

from __future__ import annotations

import logging

import pytest

from hub.db.database import Database
from tests.conftest import GraphQLClient


async def test_client_errors_are_logged_as_one_line_each(
    seeded: Database, gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    mistakes = [
        ("query Overdue { stuckSandboxProjects(maxTestDays: 0) { daysInTest } }", "BAD_USER_INPUT"),
        ('query Find { search(text: "  ") { score } }', "BAD_USER_INPUT"),
        ('query Lookup { institutions(after: "nonsense") { totalCount } }', "BAD_USER_INPUT"),
        (
            'mutation Rename { updateOrganisation(input: {id: "x", name: "a\\u0001\\nb"}) { userErrors { field } } }',
            "BAD_USER_INPUT",
        ),
        ("query Typo { institutionz { totalCount } }", "GRAPHQL_VALIDATION_FAILED"),
    ]
    with caplog.at_level(logging.DEBUG):
        for query, code in mistakes:
            answer = await gql.raw(query)
            assert answer["errors"][0]["extensions"]["code"] == code, answer
    assert not [r for r in caplog.records if r.name.startswith("strawberry")]
    logged = [r for r in caplog.records if r.name == "hub.graphql"]
    assert len(logged) == len(mistakes)
    for record, (query, code) in zip(logged, mistakes, strict=True):
        line = record.getMessage()
        assert record.levelno == logging.INFO and record.exc_info is None, line
        assert "\n" not in line and "Traceback" not in caplog.text
        assert line.startswith(query.split()[1]) and code in line, line
    assert "'maxTestDays: must be between 1 and 36,500 (got 0)'" in logged[0].getMessage()
