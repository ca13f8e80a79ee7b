"""After Neo4j failed to answer, statements fail at once for a moment, then one probes again."""

from __future__ import annotations

import time

import pytest
from neo4j.exceptions import ServiceUnavailable

from hub.db.failures import Reachability, bounded_waits
from hub.errors import DatabaseUnavailable


def _fail(reachability: Reachability) -> None:
    with pytest.raises(DatabaseUnavailable), reachability.reported():
        raise ServiceUnavailable("connection refused")


def test_fails_fast_after_a_failure_then_probes() -> None:
    reachability = Reachability(probe_every=0.2)
    _fail(reachability)
    assert reachability.down
    with pytest.raises(DatabaseUnavailable, match="a moment ago"), reachability.reported():
        pass
    time.sleep(0.25)
    with reachability.reported():  # the probe goes through, and Neo4j answered
        pass
    assert not reachability.down


def test_driver_waits_fit_in_the_operation_timeout() -> None:
    waits = bounded_waits(10.0)
    assert waits["max_transaction_retry_time"] + waits["connection_timeout"] < 10.0
    assert waits["connection_acquisition_timeout"] < 10.0
    assert bounded_waits(None) == {}
