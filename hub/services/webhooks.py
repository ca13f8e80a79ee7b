"""Managing webhook endpoints: register, list, rotate the secret, delete, read the delivery log.

A partner manages its own organisation's endpoints, an admin any organisation's (the policy's
MANAGE_WEBHOOKS). An endpoint the caller may not manage is answered as if it did not exist.
"""

from __future__ import annotations

from hub.db.database import Database
from hub.db.repositories import webhooks as repo
from hub.domain.events import known_types_text, unknown_types
from hub.domain.principal import Principal
from hub.domain.webhooks import Delivery, DeliveryStatus, Webhook, new_secret
from hub.errors import FieldError, NotFoundError, UserInputError
from hub.security.endpoints import EndpointRefused, check_endpoint
from hub.security.policy import Action, allowed
from hub.security.secret_box import SecretBox
from hub.services.organisations import new_id

MAX_WEBHOOKS = 100


class WebhookService:
    def __init__(self, db: Database, box: SecretBox, production: bool) -> None:
        self.db = db
        self.box = box
        self.production = production

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
        secret = new_secret()
        created = await repo.create(
            self.db,
            webhook_id=new_id("wh"),
            organisation_id=organisation_id,
            url=url,
            types=sorted(set(types)),
            sealed_secret=self.box.seal(secret),
        )
        if created is None:
            raise NotFoundError("organisationId", "organisation", organisation_id)
        return created, secret

    async def _managed(self, principal: Principal, webhook_id: str) -> Webhook:
        found = await repo.one(self.db, webhook_id=webhook_id)
        if found is None or not allowed(principal, Action.MANAGE_WEBHOOKS, [found.organisation_id]):
            raise NotFoundError("id", "webhook", webhook_id)
        return found

    async def rotate(self, principal: Principal, webhook_id: str) -> tuple[Webhook, str]:
        """A new secret; the old one signs nothing from now on."""
        await self._managed(principal, webhook_id)
        secret = new_secret()
        rotated = await repo.rotate(self.db, webhook_id=webhook_id, sealed_secret=self.box.seal(secret))
        if rotated is None:
            raise NotFoundError("id", "webhook", webhook_id)
        return rotated, secret

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
