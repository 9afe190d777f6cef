CREATE TABLE `api_key_origins` (
	`origin` text NOT NULL,
	`key_id` text NOT NULL,
	PRIMARY KEY(`origin`, `key_id`)
);
--> statement-breakpoint
-- The origins of keys made before this table (drizzle-kit writes no data; added by hand).
INSERT OR IGNORE INTO `api_key_origins` (`origin`, `key_id`)
	SELECT json_each.value, api_keys.id FROM api_keys, json_each(api_keys.allowed_origins);
--> statement-breakpoint
-- drizzle-kit splits an expression index at its commas; written by hand from src/db/schema.ts.
CREATE INDEX `product_lookups_slug_idx` ON `product_lookups` (`org_id`, substr(value, instr(value, ':') + 1), `product_id`, `value`) WHERE kind = 'slug';
