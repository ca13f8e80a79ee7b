"""A compiled read seen before (same text and variables) is prepared once."""

from __future__ import annotations

from hub.graphql.compiled.operations import CompiledReads
from hub.graphql.schema import build_schema

PAGE = "query($n: Int!, $c: String) { institutions(first: $n, filter: {homeCountry: $c}) { nodes { name } } }"


def test_a_request_seen_before_is_prepared_once_and_its_values_stay_its_own() -> None:
    reads = CompiledReads(build_schema()._schema)
    first = reads.prepare(PAGE, None, {"n": 3, "c": "GB"})
    assert first is not None
    assert reads.prepare(PAGE, None, {"c": "GB", "n": 3}) is first  # key order does not matter
    other = reads.prepare(PAGE, None, {"n": 4, "c": "DE"})
    assert other is not None and other is not first
    assert sorted(map(str, first.params.values())) != sorted(map(str, other.params.values()))
    assert other.text == first.text  # the statement depends on the values' shape only


def test_a_refused_request_stays_refused() -> None:
    reads = CompiledReads(build_schema()._schema)
    for _ in range(2):
        assert reads.prepare(PAGE, None, {"n": "three"}) is None  # the executor reports it
        assert reads.prepare(PAGE, None, {"n": 2**70}) is None  # not kept, refused all the same
        assert reads.prepare(PAGE, None, {"n": 3, "c": "G\u0001B"}) is None
