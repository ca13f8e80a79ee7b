"""Who hears which event: the policy module's pure rule, and its Cypher form agreeing with it."""

from __future__ import annotations

import itertools

import pytest

from hub.domain.enums import Role
from hub.domain.events import EventScope
from hub.domain.principal import Principal
from hub.security.policy import event_audience, sees_event

PARTNER = Principal("key:p", Role.PARTNER, "thamesgate-bank")
OTHER = Principal("key:o", Role.PARTNER, "hudson-ridge-bank")
ANALYST = Principal("key:a", Role.ANALYST, None)
REGULATOR = Principal("key:r", Role.REGULATOR, None)
ADMIN = Principal("key:ad", Role.ADMIN, None)
PARTIES = ("thamesgate-bank", "lianyu-data")


def test_a_partner_hears_only_what_concerns_its_own_organisation() -> None:
    for scope in EventScope:
        assert sees_event(PARTNER, scope, PARTIES)
        assert not sees_event(OTHER, scope, PARTIES)
    assert not sees_event(PARTNER, EventScope.NETWORK, ())


def test_analysts_hear_what_they_may_read_but_nothing_private_to_the_parties() -> None:
    assert sees_event(ANALYST, EventScope.PUBLIC, PARTIES)
    assert sees_event(ANALYST, EventScope.NETWORK, ())
    assert not sees_event(ANALYST, EventScope.PARTIES, PARTIES)


@pytest.mark.parametrize("principal", [REGULATOR, ADMIN])
def test_regulators_and_admins_hear_everything(principal: Principal) -> None:
    assert all(sees_event(principal, scope, ()) for scope in EventScope)


def test_an_analyst_key_with_an_organisation_hears_nothing_more_for_it() -> None:
    odd = Principal("key:x", Role.ANALYST, "thamesgate-bank")
    assert not sees_event(odd, EventScope.PARTIES, PARTIES)


def _cypher_rule(params: dict[str, object], scope: EventScope, organisations: tuple[str, ...]) -> bool:
    """hub/db/repositories/events.py's predicate, evaluated as Cypher would."""
    scopes = params["scopes"]
    viewer = params["viewerOrg"]
    assert isinstance(scopes, list)
    return (
        bool(params["seesAll"]) or scope.value in scopes or (viewer is not None and viewer in organisations)
    )


def test_the_parameters_the_log_reads_with_give_the_same_answers() -> None:
    callers = [PARTNER, OTHER, ANALYST, REGULATOR, ADMIN]
    concerned = [(), PARTIES, ("hudson-ridge-bank",)]
    for principal, scope, orgs in itertools.product(callers, EventScope, concerned):
        params = event_audience(principal).params()
        assert _cypher_rule(params, scope, orgs) == sees_event(principal, scope, orgs)
