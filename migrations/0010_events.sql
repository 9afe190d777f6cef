CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`type` text NOT NULL,
	`product_id` text NOT NULL,
	`product_version` integer NOT NULL,
	`product` text NOT NULL,
	`changed_fields` text,
	`created_at` text NOT NULL,
	`dispatched_at` text
);
--> statement-breakpoint
CREATE INDEX `events_org_idx` ON `events` (`org_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_org_type_idx` ON `events` (`org_id`,`type`,`id`);--> statement-breakpoint
CREATE INDEX `events_product_version_idx` ON `events` (`product_id`,`product_version`);--> statement-breakpoint
CREATE INDEX `events_undispatched_idx` ON `events` (`org_id`,`id`) WHERE dispatched_at IS NULL;--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`event_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`status_code` integer,
	`outcome` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_endpoint_idx` ON `webhook_deliveries` (`endpoint_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`description` text,
	`secret` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_endpoints_org_idx` ON `webhook_endpoints` (`org_id`,`id`);
--> statement-breakpoint
-- Written by hand (drizzle-kit writes no views or triggers). Event ids are ULIDs made in SQL: 10
-- characters of the time in ms, 16 random ones, Crockford's alphabet.
CREATE VIEW `event_ids` AS
	WITH c(a, ms) AS (SELECT '0123456789ABCDEFGHJKMNPQRSTVWXYZ', CAST(round((julianday('now') - 2440587.5) * 86400000) AS INTEGER))
	SELECT 'evt_' || substr(a, ((ms >> 45) & 31) + 1, 1) || substr(a, ((ms >> 40) & 31) + 1, 1) || substr(a, ((ms >> 35) & 31) + 1, 1) || substr(a, ((ms >> 30) & 31) + 1, 1) || substr(a, ((ms >> 25) & 31) + 1, 1) || substr(a, ((ms >> 20) & 31) + 1, 1) || substr(a, ((ms >> 15) & 31) + 1, 1) || substr(a, ((ms >> 10) & 31) + 1, 1) || substr(a, ((ms >> 5) & 31) + 1, 1) || substr(a, ((ms >> 0) & 31) + 1, 1)
		|| substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) || substr(a, (random() & 31) + 1, 1) AS id FROM c;
--> statement-breakpoint
-- A product row as an event keeps it: the columns by their TypeScript names (src/db/schema.ts).
CREATE VIEW `product_event_snapshots` AS
	SELECT id, json_object('seq', seq, 'id', id, 'orgId', org_id, 'status', status, 'type', type, 'data', data, 'version', version, 'createdAt', created_at, 'updatedAt', updated_at, 'createdBy', created_by, 'updatedBy', updated_by, 'images', images, 'totalScans', total_scans, 'lastScannedAt', last_scanned_at) AS snapshot FROM `products`;
--> statement-breakpoint
CREATE TRIGGER `products_event_insert` AFTER INSERT ON `products` BEGIN
	INSERT INTO `events` (id, org_id, type, product_id, product_version, product, created_at)
		SELECT (SELECT id FROM `event_ids`), NEW.org_id, 'product.created', NEW.id, NEW.version, s.snapshot, NEW.updated_at
		FROM `product_event_snapshots` AS s WHERE s.id = NEW.id;
END;
--> statement-breakpoint
-- Every change bumps the version (a scan does not, and is no event). The changed fields are the keys
-- of `data` that differ, and `images` when the images differ from those of the previous version's
-- event (image rows change before the version bump, in the same batch); with no such event (swept,
-- or older than events), a bump that changed no field was an image change.
CREATE TRIGGER `products_event_update` AFTER UPDATE ON `products` WHEN OLD.version <> NEW.version BEGIN
	INSERT INTO `events` (id, org_id, type, product_id, product_version, product, changed_fields, created_at)
		SELECT (SELECT id FROM `event_ids`), NEW.org_id, 'product.updated', NEW.id, NEW.version, s.snapshot,
			(SELECT json_group_array(name) FROM (
				SELECT n.key AS name FROM json_each(NEW.data) AS n WHERE NOT EXISTS
					(SELECT 1 FROM json_each(OLD.data) AS o WHERE o.key = n.key AND o.type = n.type AND o.value IS n.value)
				UNION SELECT o.key FROM json_each(OLD.data) AS o WHERE NOT EXISTS
					(SELECT 1 FROM json_each(NEW.data) AS n WHERE n.key = o.key)
				UNION SELECT 'images' WHERE NEW.images IS NOT coalesce(
					(SELECT json_extract(e.product, '$.images') FROM `events` AS e
						WHERE e.product_id = NEW.id AND e.product_version = OLD.version LIMIT 1),
					CASE WHEN OLD.data IS NEW.data THEN NULL ELSE NEW.images END)
				ORDER BY 1)),
			NEW.updated_at
		FROM `product_event_snapshots` AS s WHERE s.id = NEW.id;
END;
--> statement-breakpoint
-- Stock tracked per product falls below its threshold (it was not below before this change).
CREATE TRIGGER `products_event_low_stock` AFTER UPDATE ON `products`
	WHEN OLD.version <> NEW.version
	AND json_extract(NEW.data, '$.inventory.tracking') = 'product'
	AND json_extract(NEW.data, '$.inventory.quantity') < json_extract(NEW.data, '$.inventory.low_stock_threshold')
	AND NOT coalesce(json_extract(OLD.data, '$.inventory.tracking') = 'product'
		AND json_extract(OLD.data, '$.inventory.quantity') < json_extract(OLD.data, '$.inventory.low_stock_threshold'), 0)
BEGIN
	INSERT INTO `events` (id, org_id, type, product_id, product_version, product, created_at)
		SELECT (SELECT id FROM `event_ids`), NEW.org_id, 'product.low_stock', NEW.id, NEW.version, s.snapshot, NEW.updated_at
		FROM `product_event_snapshots` AS s WHERE s.id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER `products_event_delete` AFTER DELETE ON `products` BEGIN
	INSERT INTO `events` (id, org_id, type, product_id, product_version, product, created_at)
		SELECT (SELECT id FROM `event_ids`), OLD.org_id, 'product.deleted', OLD.id, OLD.version,
			json_object('seq', OLD.seq, 'id', OLD.id, 'orgId', OLD.org_id, 'status', OLD.status, 'type', OLD.type, 'data', OLD.data, 'version', OLD.version, 'createdAt', OLD.created_at, 'updatedAt', OLD.updated_at, 'createdBy', OLD.created_by, 'updatedBy', OLD.updated_by, 'images', OLD.images, 'totalScans', OLD.total_scans, 'lastScannedAt', OLD.last_scanned_at),
			strftime('%Y-%m-%dT%H:%M:%fZ', 'now');
END;
