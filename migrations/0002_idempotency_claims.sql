CREATE TABLE `idempotency_claims` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`claim_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`locked_until` integer,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_claims_created_idx` ON `idempotency_claims` (`created_at`);