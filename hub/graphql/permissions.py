"""Permission classes: each names the policy action and where to find the organisations it concerns.

A refusal is a GraphQL error with `extensions.code` FORBIDDEN, raised before the resolver runs,
so nothing is written. A partner refused for a partnership it is not party to gets the same
answer whether or not the partnership exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.permission import BasePermission

from hub.db.repositories.relations import Wrapped
from hub.domain.enums import PartyRole
from hub.domain.wording import with_article
from hub.graphql.context import Info
from hub.graphql.relay import from_global_id
from hub.security.policy import Action, allowed


def _keys(values: Iterable[Any]) -> list[str]:
    keys = []
    for value in values:
        parsed = from_global_id(str(value)) if value is not None else None
        if parsed is not None:
            keys.append(parsed[1])
    return keys


class _Policy(BasePermission):
    action: Action
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012

    async def organisations(self, info: Info, kwargs: dict[str, Any]) -> list[str]:
        return []

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        if principal is None:
            self.message = "credentials are required"
            return False
        concerned = await self.organisations(info, kwargs)
        if allowed(principal, self.action, concerned):
            return True
        self.message = f"{with_article(principal.role)} may not {self.action}"
        return False


def _input(kwargs: dict[str, Any]) -> Any:
    return kwargs.get("input")


class CanRegisterOrganisation(_Policy):
    action = Action.REGISTER_ORGANISATION


def organisations_changed(kwargs: dict[str, Any]) -> list[str]:
    """The organisations a change of an organisation concerns (also asked by the compiled
    mutations, hub/graphql/compiled/mutations.py, before they run)."""
    i = _input(kwargs)
    return _keys(
        [
            getattr(i, "id", None),
            getattr(i, "institution_id", None),
            getattr(i, "tech_enterprise_id", None),
        ]
    )


class CanUpdateOrganisation(_Policy):
    action = Action.UPDATE_ORGANISATION

    async def organisations(self, info: Info, kwargs: dict[str, Any]) -> list[str]:
        return organisations_changed(kwargs)


class CanProposePartnership(_Policy):
    action = Action.PROPOSE_PARTNERSHIP

    async def organisations(self, info: Info, kwargs: dict[str, Any]) -> list[str]:
        return _keys([_input(kwargs).proposer_id])


async def _parties(info: Info, kwargs: dict[str, Any], role: PartyRole | None) -> list[str]:
    keys = _keys([_input(kwargs).id])
    if not keys:
        return []
    parties: list[Wrapped] = await info.context.loaders.listed("partnership.parties").load(keys[0])
    return [p.node.id for p in parties or [] if role is None or p.values["role"] == role.value]


class CanDecidePartnership(_Policy):
    action = Action.DECIDE_PARTNERSHIP

    async def organisations(self, info: Info, kwargs: dict[str, Any]) -> list[str]:
        return await _parties(info, kwargs, PartyRole.RECIPIENT)


class CanEndPartnership(_Policy):
    action = Action.END_PARTNERSHIP

    async def organisations(self, info: Info, kwargs: dict[str, Any]) -> list[str]:
        return await _parties(info, kwargs, None)


class CanApplyToSandbox(_Policy):
    action = Action.APPLY_TO_SANDBOX

    async def organisations(self, info: Info, kwargs: dict[str, Any]) -> list[str]:
        return _keys(_input(kwargs).applicant_ids)


class CanAnswerSandboxInvitation(_Policy):
    action = Action.ANSWER_SANDBOX_INVITATION

    async def organisations(self, info: Info, kwargs: dict[str, Any]) -> list[str]:
        return _keys([_input(kwargs).organisation_id])


class CanMoveSandboxProject(_Policy):
    action = Action.MOVE_SANDBOX_PROJECT


class CanAnswerRecommendation(_Policy):
    action = Action.ANSWER_RECOMMENDATION

    async def organisations(self, info: Info, kwargs: dict[str, Any]) -> list[str]:
        return _keys([_input(kwargs).party_id])


class CanReadRecommendations(_Policy):
    action = Action.READ_RECOMMENDATIONS

    async def organisations(self, info: Info, kwargs: dict[str, Any]) -> list[str]:
        return _keys([kwargs.get("institution_id"), kwargs.get("tech_enterprise_id")])


class CanReadAuditLog(_Policy):
    action = Action.READ_AUDIT_LOG


class CanManageAwards(_Policy):
    action = Action.MANAGE_AWARDS


class CanReadRiskViews(_Policy):
    action = Action.READ_RISK_VIEWS


class CanRefitMatchmaking(_Policy):
    action = Action.REFIT_MATCHMAKING


class CanAnalyseNetwork(_Policy):
    action = Action.ANALYSE_NETWORK


class CanManageOrganisationWebhooks(_Policy):
    """The organisation named by `organisationId` (an argument, or a field of `input`)."""

    action = Action.MANAGE_WEBHOOKS

    async def organisations(self, info: Info, kwargs: dict[str, Any]) -> list[str]:
        value = kwargs.get("input")
        org = getattr(value, "organisation_id", None) if value is not None else kwargs.get("organisation_id")
        return _keys([org])
