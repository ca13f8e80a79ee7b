// Constraints and indexes of the hub's graph. Applied idempotently by `hub db migrate`
// (run by `hub up`, `hub serve` and deploys; not by each API worker). One statement per `;`.

// Unique ids. Organisation is the shared label of Institution and TechEnterprise, so an id
// is unique across both.
CREATE CONSTRAINT organisation_id IF NOT EXISTS FOR (n:Organisation) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT institution_id IF NOT EXISTS FOR (n:Institution) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT tech_enterprise_id IF NOT EXISTS FOR (n:TechEnterprise) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT capability_id IF NOT EXISTS FOR (n:Capability) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT partnership_id IF NOT EXISTS FOR (n:Partnership) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT sandbox_batch_id IF NOT EXISTS FOR (n:SandboxBatch) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT sandbox_project_id IF NOT EXISTS FOR (n:SandboxProject) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT zone_id IF NOT EXISTS FOR (n:Zone) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT award_id IF NOT EXISTS FOR (n:Award) REQUIRE n.id IS UNIQUE;
// One lease per periodic job, shared by every worker and replica (hub/services/schedule.py).
CREATE CONSTRAINT job_lease_job IF NOT EXISTS FOR (n:JobLease) REQUIRE n.job IS UNIQUE;

// Filters and ordering used by the API's connections.
CREATE INDEX organisation_name IF NOT EXISTS FOR (n:Organisation) ON (n.name);
CREATE INDEX institution_name IF NOT EXISTS FOR (n:Institution) ON (n.name);
CREATE INDEX tech_enterprise_name IF NOT EXISTS FOR (n:TechEnterprise) ON (n.name);
CREATE INDEX institution_kind IF NOT EXISTS FOR (n:Institution) ON (n.kind);
CREATE INDEX institution_country IF NOT EXISTS FOR (n:Institution) ON (n.homeCountry);
CREATE INDEX tech_enterprise_country IF NOT EXISTS FOR (n:TechEnterprise) ON (n.homeCountry);
CREATE INDEX partnership_status IF NOT EXISTS FOR (n:Partnership) ON (n.status);
CREATE INDEX partnership_kind IF NOT EXISTS FOR (n:Partnership) ON (n.kind);
CREATE INDEX partnership_proposed_on IF NOT EXISTS FOR (n:Partnership) ON (n.proposedOn);
CREATE INDEX sandbox_project_status IF NOT EXISTS FOR (n:SandboxProject) ON (n.status);
CREATE INDEX sandbox_project_applied_on IF NOT EXISTS FOR (n:SandboxProject) ON (n.appliedOn);
CREATE INDEX award_year IF NOT EXISTS FOR (n:Award) ON (n.year);
// An equality and an order together (hub/model/graph.py, `Start.serves`): a page of one kind's
// institutions by name is read in index order and stops after the page (84 db hits for a page of
// 20 banks out of 100,000 organisations, 8,577 when every bank was sorted).
CREATE INDEX institution_kind_name IF NOT EXISTS FOR (n:Institution) ON (n.kind, n.name);
CREATE INDEX institution_country_name IF NOT EXISTS FOR (n:Institution) ON (n.homeCountry, n.name);
CREATE INDEX tech_enterprise_country_name IF NOT EXISTS FOR (n:TechEnterprise) ON (n.homeCountry, n.name);
CREATE INDEX partnership_status_proposed_on IF NOT EXISTS FOR (n:Partnership) ON (n.status, n.proposedOn);
CREATE INDEX partnership_kind_proposed_on IF NOT EXISTS FOR (n:Partnership) ON (n.kind, n.proposedOn);

// Full-text search over English and Chinese names and descriptions. The CJK analyzer indexes
// Chinese as overlapping bigrams and Latin text as lower-cased words.
CREATE FULLTEXT INDEX search_text IF NOT EXISTS
FOR (n:Institution|TechEnterprise|SandboxProject)
ON EACH [n.name, n.nameZh, n.description]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}};

// The partnership network's measures (hub/db/repositories/network.py), ranked from their indexes.
CREATE CONSTRAINT network_snapshot_id IF NOT EXISTS FOR (n:NetworkSnapshot) REQUIRE n.id IS UNIQUE;
CREATE INDEX organisation_network_degree IF NOT EXISTS FOR (n:Organisation) ON (n.networkDegree);
CREATE INDEX organisation_network_pagerank IF NOT EXISTS FOR (n:Organisation) ON (n.networkPagerank);
CREATE INDEX organisation_network_betweenness IF NOT EXISTS FOR (n:Organisation) ON (n.networkBetweenness);
CREATE INDEX network_community_id IF NOT EXISTS FOR (n:NetworkCommunity) ON (n.id);

// Idempotency keys of mutations (hub/domain/idempotency.py): one per caller and key, so a retry
// waits for the first request's transaction and finds its key; purged past their retention.
CREATE CONSTRAINT idempotency_key_scope_key IF NOT EXISTS FOR (n:IdempotencyKey) REQUIRE (n.scope, n.key) IS UNIQUE;
CREATE INDEX idempotency_key_expires_at IF NOT EXISTS FOR (n:IdempotencyKey) ON (n.expiresAt);

// The event log (hub/domain/events.py): one counter per database, events read by sequence and
// pruned by time.
CREATE CONSTRAINT event_log_id IF NOT EXISTS FOR (n:EventLog) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT event_sequence IF NOT EXISTS FOR (n:Event) REQUIRE n.sequence IS UNIQUE;
CREATE INDEX event_at IF NOT EXISTS FOR (n:Event) ON (n.at);

// Webhooks (hub/db/repositories/webhooks.py): one delivery per endpoint and event, found by
// status and due time by the worker.
CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (n:Webhook) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT webhook_delivery_id IF NOT EXISTS FOR (n:WebhookDelivery) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT webhook_delivery_event IF NOT EXISTS FOR (n:WebhookDelivery) REQUIRE (n.webhookId, n.eventId) IS UNIQUE;
CREATE INDEX webhook_delivery_due IF NOT EXISTS FOR (n:WebhookDelivery) ON (n.status, n.nextAttemptAt);
