from __future__ import annotations

import pytest

from hub.domain.enums import PartnershipStatus, SandboxInvitationStatus, SandboxStatus
from hub.domain.lifecycles import (
    PARTNERSHIP_LIFECYCLE,
    SANDBOX_INVITATION_LIFECYCLE,
    SANDBOX_LIFECYCLE,
    InvitationAction,
    PartnershipAction,
    SandboxAction,
)
from hub.errors import TransitionError


def test_only_a_proposed_partnership_can_be_accepted() -> None:
    assert PARTNERSHIP_LIFECYCLE.next(PartnershipStatus.PROPOSED, PartnershipAction.ACCEPT) is (
        PartnershipStatus.ACTIVE
    )
    for status, said in (
        (PartnershipStatus.ACTIVE, "an ACTIVE"),
        (PartnershipStatus.DECLINED, "a DECLINED"),
        (PartnershipStatus.ENDED, "an ENDED"),
    ):
        with pytest.raises(TransitionError, match=f"cannot ACCEPT {said} partnership"):
            PARTNERSHIP_LIFECYCLE.next(status, PartnershipAction.ACCEPT)


def test_final_states_say_so() -> None:
    with pytest.raises(TransitionError, match=r"none \(it is final\)"):
        PARTNERSHIP_LIFECYCLE.next(PartnershipStatus.ENDED, PartnershipAction.END)


def test_sandbox_path_to_exit() -> None:
    status = SandboxStatus.PUBLIC_COMMENT
    for action in (SandboxAction.REGISTER, SandboxAction.START_TESTING, SandboxAction.EXIT):
        status = SANDBOX_LIFECYCLE.next(status, action)
    assert status is SandboxStatus.EXITED
    with pytest.raises(TransitionError, match="allowed actions: REGISTER, WITHDRAW"):
        SANDBOX_LIFECYCLE.next(SandboxStatus.PUBLIC_COMMENT, SandboxAction.EXIT)


def test_a_sandbox_invitation_is_answered_once() -> None:
    pending = SandboxInvitationStatus.PENDING
    assert (
        SANDBOX_INVITATION_LIFECYCLE.next(pending, InvitationAction.CONFIRM)
        is SandboxInvitationStatus.CONFIRMED
    )
    assert (
        SANDBOX_INVITATION_LIFECYCLE.next(pending, InvitationAction.LAPSE) is SandboxInvitationStatus.LAPSED
    )
    declined = SANDBOX_INVITATION_LIFECYCLE.next(pending, InvitationAction.DECLINE)
    with pytest.raises(
        TransitionError, match=r"cannot CONFIRM a DECLINED sandbox invitation; .*final"
    ) as refused:
        SANDBOX_INVITATION_LIFECYCLE.next(declined, InvitationAction.CONFIRM)
    assert refused.value.errors[0].field == "projectId"
