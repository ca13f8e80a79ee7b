"""Managing webhook endpoints: register, list, rotate the secret, delete, read the delivery log.

A partner manages its own organisation's endpoints, an admin any organisation's (the policy's
MANAGE_WEBHOOKS). An endpoint the caller may not manage is answered as if it did not exist.
"""

from __future__ import annotations

from hub.db.database import Database, Transaction
from hub.db.repositories import webhooks as repo
from hub.domain.events import known_types_text, unknown_types
from hub.domain.principal import Principal
from hub.domain.webhooks import Delivery, DeliveryStatus, SealedWebhook, Webhook, new_secret
from hub.errors import FieldError, NotFoundError, UserInputError
from hub.security.endpoints import EndpointRefused, check_endpoint
from hub.security.policy import Action, allowed
from hub.security.secret_box import SecretBox
from hub.services.organisations import new_id

MAX_WEBHOOKS = 100


class WebhookService:
    def __init__(
        self, db: Database, box: SecretBox, production: bool, secret_overlap_seconds: float = 0
    ) -> None:
        self.db = db
        self.box = box
        self.production = production
        self.secret_overlap_seconds = secret_overlap_seconds

    async def register(
        self, principal: Principal, organisation_id: str, url: str, types: list[str]
    ) -> tuple[Webhook, str]:
        """The new endpoint and its secret (shown this once)."""
        errors = [
            FieldError(f"types.{i}", f"{t!r} is not an event type (known: {known_types_text()})", "INVALID")
            for i, t in unknown_types(types)
        ]
        try:
            await check_endpoint(url, self.production)
        except EndpointRefused as refused:
            errors.append(FieldError("url", f"the URL {refused}", "UNSAFE_URL"))
        if errors:
            raise UserInputError(errors)
        sealed = self.box.seal(new_secret())
        webhook_id = new_id("wh")

        # In a transaction: the endpoint and its audit entry land together, and a retry with the
        # request's Idempotency-Key gets the same endpoint and secret instead of a second one.
        async def work(tx: Transaction) -> SealedWebhook:
            created = await repo.create(
                tx,
                webhook_id=webhook_id,
                organisation_id=organisation_id,
                url=url,
                types=sorted(set(types)),
                sealed_secret=sealed,
            )
            if created is None:
                raise NotFoundError("organisationId", "organisation", organisation_id)
            return SealedWebhook(created, sealed)

        return self._opened(await self.db.transaction(work))

    def _opened(self, result: SealedWebhook) -> tuple[Webhook, str]:
        return result.webhook, self.box.open(result.sealed_secret)

    async def _managed(self, principal: Principal, webhook_id: str) -> Webhook:
        found = await repo.one(self.db, webhook_id=webhook_id)
        if found is None or not allowed(principal, Action.MANAGE_WEBHOOKS, [found.organisation_id]):
            raise NotFoundError("id", "webhook", webhook_id)
        return found

    async def rotate(self, principal: Principal, webhook_id: str) -> tuple[Webhook, str]:
        """A new secret; the old one signs beside it for the overlap, then nothing."""
        await self._managed(principal, webhook_id)
        sealed = self.box.seal(new_secret())

        async def work(tx: Transaction) -> SealedWebhook:
            rotated = await repo.rotate(
                tx, webhook_id=webhook_id, sealed_secret=sealed, overlap_seconds=self.secret_overlap_seconds
            )
            if rotated is None:
                raise NotFoundError("id", "webhook", webhook_id)
            return SealedWebhook(rotated, sealed)

        return self._opened(await self.db.transaction(work))

    async def enable(self, principal: Principal, webhook_id: str) -> Webhook:
        """Sends to an endpoint again (after its owner fixed what made the hub disable it)."""
        await self._managed(principal, webhook_id)

        async def work(tx: Transaction) -> Webhook:
            enabled = await repo.enable(tx, webhook_id=webhook_id)
            if enabled is None:
                raise NotFoundError("id", "webhook", webhook_id)
            return enabled

        return await self.db.transaction(work)

    async def delete(self, principal: Principal, webhook_id: str) -> None:
        await self._managed(principal, webhook_id)
        await repo.delete(self.db, webhook_id=webhook_id)

    async def of_organisation(self, organisation_id: str | None) -> list[Webhook]:
        return await repo.of_organisation(self.db, organisation_id=organisation_id, limit=MAX_WEBHOOKS)

    async def deliveries(
        self, principal: Principal, webhook_id: str, status: DeliveryStatus | None, limit: int
    ) -> list[Delivery]:
        await self._managed(principal, webhook_id)
        return await repo.deliveries(self.db, webhook_id=webhook_id, status=status, limit=limit)
