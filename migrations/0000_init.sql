CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`key_hash` text NOT NULL,
	`org_ids` text NOT NULL,
	`scopes` text NOT NULL,
	`allowed_origins` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `orgs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `product_lookups` (
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`product_id` text NOT NULL,
	PRIMARY KEY(`org_id`, `kind`, `value`, `product_id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `product_lookups_identifier_unique` ON `product_lookups` (`org_id`,`kind`,`value`) WHERE kind IN ('sku', 'gtin');--> statement-breakpoint
CREATE INDEX `product_lookups_product_idx` ON `product_lookups` (`product_id`);--> statement-breakpoint
CREATE TABLE `products` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`org_id` text NOT NULL,
	`status` text NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`total_scans` integer DEFAULT 0 NOT NULL,
	`last_scanned_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_id_unique` ON `products` (`id`);--> statement-breakpoint
CREATE INDEX `products_org_id_idx` ON `products` (`org_id`,`id`);--> statement-breakpoint
CREATE INDEX `products_org_status_idx` ON `products` (`org_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `products_org_type_idx` ON `products` (`org_id`,`type`,`id`);--> statement-breakpoint
CREATE INDEX `products_org_updated_idx` ON `products` (`org_id`,`updated_at`);