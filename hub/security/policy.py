"""Who may do what: every rule of the hub in one place, as pure functions of the principal.

- ADMIN may do everything.
- REGULATOR registers organisations, moves sandbox projects through their lifecycle, grants
  awards and reads the audit log.
- ANALYST reads, including the risk views and network measures, and exports the graph; it changes
  nothing but may have the network measures recomputed.
- PARTNER acts only for its own organisation: changes its own details and capabilities,
  proposes in its own name, accepts or declines only proposals addressed to it, ends only its
  own partnerships, applies to the sandbox only as one of the applicants, answers only its own
  recommendations.
- Recommendations for a party: that party's partner, analysts, regulators and admins.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from hub.domain.enums import Role
from hub.domain.principal import Principal, Visibility


class Action(StrEnum):
    REGISTER_ORGANISATION = "register organisations"
    UPDATE_ORGANISATION = "change this organisation"
    PROPOSE_PARTNERSHIP = "propose a partnership in this organisation's name"
    DECIDE_PARTNERSHIP = "accept or decline this proposal"
    END_PARTNERSHIP = "end this partnership"
    APPLY_TO_SANDBOX = "apply to the sandbox for these applicants"
    MOVE_SANDBOX_PROJECT = "move sandbox projects through their lifecycle"
    ANSWER_RECOMMENDATION = "answer recommendations made to this organisation"
    READ_RECOMMENDATIONS = "read recommendations for this organisation"
    READ_AUDIT_LOG = "read the audit log"
    MANAGE_AWARDS = "grant awards"
    READ_RISK_VIEWS = "read the risk views"
    ANALYSE_NETWORK = "read, refresh and export the partnership network's measures"


_ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.REGULATOR: frozenset(
        {
            Action.REGISTER_ORGANISATION,
            Action.MOVE_SANDBOX_PROJECT,
            Action.READ_RECOMMENDATIONS,
            Action.READ_AUDIT_LOG,
            Action.MANAGE_AWARDS,
            Action.READ_RISK_VIEWS,
            Action.ANALYSE_NETWORK,
        }
    ),
    Role.ANALYST: frozenset({Action.READ_RECOMMENDATIONS, Action.READ_RISK_VIEWS, Action.ANALYSE_NETWORK}),
    Role.PARTNER: frozenset(),
}

# What a partner may do, provided it is the organisation the rule names.
_PARTNER_ACTIONS = frozenset(
    {
        Action.UPDATE_ORGANISATION,
        Action.PROPOSE_PARTNERSHIP,
        Action.DECIDE_PARTNERSHIP,
        Action.END_PARTNERSHIP,
        Action.APPLY_TO_SANDBOX,
        Action.ANSWER_RECOMMENDATION,
        Action.READ_RECOMMENDATIONS,
    }
)


def allowed(principal: Principal, action: Action, organisations: Collection[str] = ()) -> bool:
    """Whether `principal` may take `action` where `organisations` are the ones acting or addressed.

    For a partner, its own organisation must be among `organisations` (the organisation being
    changed, the proposer, the recipient of a proposal, a party, an applicant, the party of a
    recommendation).
    """
    if action in _ROLE_ACTIONS[principal.role]:
        return True
    return (
        principal.role is Role.PARTNER
        and action in _PARTNER_ACTIONS
        and principal.organisation_id is not None
        and principal.organisation_id in organisations
    )


def visibility(principal: Principal) -> Visibility:
    """PROPOSED and DECLINED partnerships, and every partnership's terms, are private to their
    parties, regulators and admins; analysts see them only in aggregates."""
    return Visibility(principal.organisation_id, principal.role in {Role.REGULATOR, Role.ADMIN})
