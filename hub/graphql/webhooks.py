"""Webhook endpoints for partner portals: register, list, rotate, delete, and the delivery log.

The secret is in the payload of `registerWebhook` and `rotateWebhookSecret` only: the hub keeps
it sealed (hub/security/secret_box.py) and never shows it again.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from hub.domain import webhooks as domain
from hub.domain.models import TechEnterprise
from hub.domain.principal import Principal
from hub.domain.webhooks import DeliveryStatus
from hub.graphql.context import Info
from hub.graphql.organisations import ORGANISATION_TYPES
from hub.graphql.payloads import UserError, attempt
from hub.graphql.permissions import CanManageOrganisationWebhooks
from hub.graphql.relay import DEFAULT_PAGE, bounded_first, decode_id, to_global_id

DeliveryStatusEnum = strawberry.enum(DeliveryStatus, name="WebhookDeliveryStatus")


@strawberry.type(description="An HTTPS endpoint that receives, signed, the events its organisation may hear.")
class Webhook:
    id: strawberry.ID
    url: str
    types: list[str] = strawberry.field(description="The event types it receives; every type when empty.")
    organisation_id: strawberry.ID
    enabled: bool
    disabled_reason: str | None = strawberry.field(description="Why the hub stopped delivering to it.")
    created_at: datetime

    @classmethod
    def from_record(cls, webhook: domain.Webhook, organisation_type: str) -> Webhook:
        return cls(
            id=strawberry.ID(to_global_id("Webhook", webhook.id)),
            url=webhook.url,
            types=list(webhook.types),
            organisation_id=strawberry.ID(to_global_id(organisation_type, webhook.organisation_id)),
            enabled=webhook.enabled,
            disabled_reason=webhook.disabled_reason,
            created_at=webhook.created_at,
        )


@strawberry.type(description="One event for one endpoint: its attempts so far.")
class WebhookDelivery:
    id: strawberry.ID
    event_id: strawberry.ID = strawberry.field(description="The `webhook-id` header: the event's stable id.")
    event_type: str
    sequence: int
    status: DeliveryStatusEnum  # type: ignore[valid-type]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def from_record(cls, d: domain.Delivery) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(d.id),
            event_id=strawberry.ID(d.event_id),
            event_type=d.event_type,
            sequence=d.sequence,
            status=d.status,
            attempts=d.attempts,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            next_attempt_at=d.next_attempt_at,
            created_at=d.created_at,
            delivered_at=d.delivered_at,
        )


@strawberry.input
class RegisterWebhookInput:
    organisation_id: strawberry.ID = strawberry.field(description="For a partner, its own organisation.")
    url: str = strawberry.field(description="HTTPS, on a public address in production.")
    types: list[str] = strawberry.field(
        default_factory=list,
        description="Event types to receive (partnership.accepted, ...); all when empty.",
    )


@strawberry.input
class WebhookInput:
    id: strawberry.ID


@strawberry.type
class WebhookSecretPayload:
    webhook: Webhook | None
    secret: str | None = strawberry.field(
        description="The signing secret (whsec_...): shown this once; keep it where the receiver can use it."
    )
    user_errors: list[UserError]


@strawberry.type
class WebhookPayload:
    webhook: Webhook | None
    user_errors: list[UserError]


@strawberry.type
class DeleteWebhookPayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


async def _organisation_type(info: Info, organisation_id: str) -> str:
    found = await info.context.services.catalogue.organisations_by_id([organisation_id])
    org = found.get(organisation_id)
    return "TechEnterprise" if isinstance(org, TechEnterprise) else "Institution"


def _principal(info: Info) -> Principal:
    principal = info.context.principal
    assert principal is not None  # the view authenticates every operation
    return principal


@strawberry.type
class WebhookQueries:
    @strawberry.field(
        description="An organisation's webhook endpoints.", permission_classes=[CanManageOrganisationWebhooks]
    )
    async def webhooks(self, info: Info, organisation_id: strawberry.ID) -> list[Webhook]:
        org = decode_id(organisation_id, "organisationId", ORGANISATION_TYPES)
        kind = await _organisation_type(info, org)
        found = await info.context.services.webhooks.of_organisation(org)
        return [Webhook.from_record(w, kind) for w in found]

    @strawberry.field(description="An endpoint's deliveries, newest event first.")
    async def webhook_deliveries(
        self,
        info: Info,
        webhook_id: strawberry.ID,
        status: DeliveryStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None,
    ) -> list[WebhookDelivery]:
        key = decode_id(webhook_id, "webhookId", ("Webhook",))
        size = bounded_first(DEFAULT_PAGE if first is None else first)
        found = await info.context.services.webhooks.deliveries(_principal(info), key, status, size)
        return [WebhookDelivery.from_record(d) for d in found]


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="A new endpoint for the events its organisation may hear; its secret is shown once.",
        permission_classes=[CanManageOrganisationWebhooks],
    )
    async def register_webhook(self, info: Info, input: RegisterWebhookInput) -> WebhookSecretPayload:
        org = decode_id(input.organisation_id, "input.organisationId", ORGANISATION_TYPES)

        async def call() -> object:
            return await info.context.services.webhooks.register(
                _principal(info), org, input.url, input.types
            )

        made, errors = await attempt(call)
        if made is None:
            return WebhookSecretPayload(webhook=None, secret=None, user_errors=errors)
        webhook, secret = made
        kind = await _organisation_type(info, org)
        return WebhookSecretPayload(webhook=Webhook.from_record(webhook, kind), secret=secret, user_errors=[])

    @strawberry.mutation(
        description="A new signing secret. For HUB_WEBHOOK_SECRET_OVERLAP_SECONDS (a day) deliveries "
        "carry a signature by the old one too, so a receiver switches without refusing any; then "
        "the old one signs nothing."
    )
    async def rotate_webhook_secret(self, info: Info, input: WebhookInput) -> WebhookSecretPayload:
        key = decode_id(input.id, "input.id", ("Webhook",))

        async def call() -> object:
            return await info.context.services.webhooks.rotate(_principal(info), key)

        made, errors = await attempt(call)
        if made is None:
            return WebhookSecretPayload(webhook=None, secret=None, user_errors=errors)
        webhook, secret = made
        kind = await _organisation_type(info, webhook.organisation_id)
        return WebhookSecretPayload(webhook=Webhook.from_record(webhook, kind), secret=secret, user_errors=[])

    @strawberry.mutation(
        description="Sends to an endpoint the hub disabled again: its pending deliveries are due at "
        "once, and the events that committed meanwhile (those still retained) follow."
    )
    async def enable_webhook(self, info: Info, input: WebhookInput) -> WebhookPayload:
        key = decode_id(input.id, "input.id", ("Webhook",))

        async def call() -> object:
            return await info.context.services.webhooks.enable(_principal(info), key)

        webhook, errors = await attempt(call)
        if webhook is None:
            return WebhookPayload(webhook=None, user_errors=errors)
        kind = await _organisation_type(info, webhook.organisation_id)
        return WebhookPayload(webhook=Webhook.from_record(webhook, kind), user_errors=[])

    @strawberry.mutation(description="Removes an endpoint and its delivery log; nothing more is sent to it.")
    async def delete_webhook(self, info: Info, input: WebhookInput) -> DeleteWebhookPayload:
        key = decode_id(input.id, "input.id", ("Webhook",))

        async def call() -> object:
            await info.context.services.webhooks.delete(_principal(info), key)
            return input.id

        deleted, errors = await attempt(call)
        return DeleteWebhookPayload(
            deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors
        )
