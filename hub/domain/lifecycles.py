"""The lifecycles of partnerships, sandbox projects and sandbox invitations as explicit state machines.

A transition table maps (current status, action) to the next status; anything else is refused
with a message that names the status and the actions it allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from hub.domain.enums import PartnershipStatus, SandboxInvitationStatus, SandboxStatus
from hub.domain.wording import with_article
from hub.errors import TransitionError

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


class PartnershipAction(StrEnum):
    ACCEPT = "ACCEPT"
    DECLINE = "DECLINE"
    END = "END"


class SandboxAction(StrEnum):
    REGISTER = "REGISTER"
    START_TESTING = "START_TESTING"
    EXIT = "EXIT"
    WITHDRAW = "WITHDRAW"


class InvitationAction(StrEnum):
    CONFIRM = "CONFIRM"
    DECLINE = "DECLINE"
    LAPSE = "LAPSE"  # the project left public comment before the invitation was answered


class StateMachine(Generic[S, A]):
    def __init__(self, subject: str, table: Mapping[S, Mapping[A, S]], field: str = "id") -> None:
        self._subject = subject
        self._table = table
        self._field = field  # the input field a refusal names

    def allowed(self, status: S) -> tuple[A, ...]:
        return tuple(self._table.get(status, {}))

    def next(self, status: S, action: A) -> S:
        """The status after `action`, or a TransitionError that says why not."""
        target = self._table.get(status, {}).get(action)
        if target is None:
            allowed = ", ".join(self.allowed(status)) or "none (it is final)"
            raise TransitionError(
                self._field,
                f"cannot {action} {with_article(status)} {self._subject}; allowed actions: {allowed}",
            )
        return target


PARTNERSHIP_LIFECYCLE: StateMachine[PartnershipStatus, PartnershipAction] = StateMachine(
    "partnership",
    {
        PartnershipStatus.PROPOSED: {
            PartnershipAction.ACCEPT: PartnershipStatus.ACTIVE,
            PartnershipAction.DECLINE: PartnershipStatus.DECLINED,
        },
        PartnershipStatus.ACTIVE: {PartnershipAction.END: PartnershipStatus.ENDED},
    },
)

SANDBOX_LIFECYCLE: StateMachine[SandboxStatus, SandboxAction] = StateMachine(
    "sandbox project",
    {
        SandboxStatus.PUBLIC_COMMENT: {
            SandboxAction.REGISTER: SandboxStatus.REGISTERED,
            SandboxAction.WITHDRAW: SandboxStatus.WITHDRAWN,
        },
        SandboxStatus.REGISTERED: {
            SandboxAction.START_TESTING: SandboxStatus.TESTING,
            SandboxAction.WITHDRAW: SandboxStatus.WITHDRAWN,
        },
        SandboxStatus.TESTING: {
            SandboxAction.EXIT: SandboxStatus.EXITED,
            SandboxAction.WITHDRAW: SandboxStatus.WITHDRAWN,
        },
    },
)

SANDBOX_INVITATION_LIFECYCLE: StateMachine[SandboxInvitationStatus, InvitationAction] = StateMachine(
    "sandbox invitation",
    {
        SandboxInvitationStatus.PENDING: {
            InvitationAction.CONFIRM: SandboxInvitationStatus.CONFIRMED,
            InvitationAction.DECLINE: SandboxInvitationStatus.DECLINED,
            InvitationAction.LAPSE: SandboxInvitationStatus.LAPSED,
        },
    },
    field="projectId",
)
