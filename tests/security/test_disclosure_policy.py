"""The aggregate disclosure rule and the sandbox consent rule, as the policy decides them (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from hub.domain.enums import Dimension, Role
from hub.domain.principal import AggregateDisclosure, Principal, PrivateRows
from hub.security.policy import (
    aggregate_disclosure,
    joins_sandbox_project_at_once,
    sees_sandbox_invitation,
    visibility,
    whole_months,
)

ANALYST = Principal("key:a", Role.ANALYST, None)
PARTNER = Principal("key:p", Role.PARTNER, "thamesgate-bank")
OPEN = (None, None)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (None, None, (None, None)),
        (date(2025, 3, 1), date(2025, 3, 31), (date(2025, 3, 1), date(2025, 3, 31))),
        (date(2025, 3, 2), date(2025, 5, 30), (date(2025, 4, 1), date(2025, 4, 30))),
        (date(2024, 2, 1), date(2024, 2, 29), (date(2024, 2, 1), date(2024, 2, 29))),
        (date(2025, 3, 5), None, (date(2025, 4, 1), None)),
        (None, date(2025, 3, 5), (None, date(2025, 2, 28))),
        (date(2025, 3, 5), date(2025, 3, 5), None),  # one day: no whole month
        (date(2025, 3, 2), date(2025, 4, 30), (date(2025, 4, 1), date(2025, 4, 30))),
        (date(2025, 3, 2), date(2025, 4, 29), None),
        (date(9999, 12, 2), None, None),  # no month after December 9999
        (date(1, 1, 1), date.max, (date(1, 1, 1), date.max)),
        (None, date(1, 1, 30), None),
    ],
)
def test_whole_months(
    start: date | None, end: date | None, months: tuple[date | None, date | None] | None
) -> None:
    assert whole_months(start, end) == months


def test_regulators_and_admins_count_everything() -> None:
    for role in (Role.REGULATOR, Role.ADMIN):
        rule = aggregate_disclosure(Principal("key:r", role, None), [Dimension.ZONE], OPEN, 5)
        assert rule.private_rows is PrivateRows.COUNTED and rule.visibility.sees_all


def test_partners_count_only_what_they_see() -> None:
    rule = aggregate_disclosure(PARTNER, [Dimension.STATUS], OPEN, 5)
    assert rule.private_rows is PrivateRows.EXCLUDED
    assert rule.visibility.organisation_id == "thamesgate-bank" and not rule.visibility.sees_all


def test_analysts_get_crowds_by_time_kind_and_status_in_whole_months() -> None:
    window = (date(2025, 3, 2), date(2025, 6, 30))
    rule = aggregate_disclosure(ANALYST, [Dimension.MONTH, Dimension.STATUS], window, 7)
    assert rule.private_rows is PrivateRows.IN_CROWDS and rule.min_crowd == 7
    assert (rule.months_from, rule.months_to) == (date(2025, 4, 1), date(2025, 6, 30))
    for who_or_where in (Dimension.HOME_COUNTRY, Dimension.ZONE, Dimension.CAPABILITY):
        rule = aggregate_disclosure(ANALYST, [Dimension.YEAR, who_or_where], OPEN, 5)
        assert rule.private_rows is PrivateRows.EXCLUDED
    one_day = (date(2025, 3, 5), date(2025, 3, 5))
    assert aggregate_disclosure(ANALYST, [Dimension.STATUS], one_day, 5).private_rows is PrivateRows.EXCLUDED


def test_sandbox_consent() -> None:
    assert joins_sandbox_project_at_once(PARTNER, "thamesgate-bank")
    assert not joins_sandbox_project_at_once(PARTNER, "albion-crown-bank")
    assert joins_sandbox_project_at_once(Principal("key:x", Role.ADMIN, None), "albion-crown-bank")
    assert not joins_sandbox_project_at_once(Principal("key:x", Role.REGULATOR, None), "albion-crown-bank")
    assert sees_sandbox_invitation(PARTNER, "albion-crown-bank", ["thamesgate-bank"])
    assert sees_sandbox_invitation(PARTNER, "thamesgate-bank", ["albion-crown-bank"])
    assert not sees_sandbox_invitation(PARTNER, "albion-crown-bank", ["kestrel-bank"])
    assert not sees_sandbox_invitation(ANALYST, "albion-crown-bank", ["kestrel-bank"])
    assert sees_sandbox_invitation(Principal("key:r", Role.REGULATOR, None), "albion-crown-bank", [])


def test_crowds_are_never_counted_for_a_caller_with_an_organisation() -> None:
    # Its own private partnerships are counted as seen; in crowds they would count twice.
    with pytest.raises(ValueError, match="without an organisation"):
        AggregateDisclosure(visibility(PARTNER), PrivateRows.IN_CROWDS, 5)
