ALTER TABLE `events` ADD `previous_data` text;--> statement-breakpoint
-- Written by hand. The trigger of 0010 diffed OLD.data and NEW.data with nested json_each, which D1
-- counts as rows read (about 1,450 for a full product). It now keeps OLD.data as it is (no rows
-- read) and the app diffs the two when the event is read; only `images` is decided here.
DROP TRIGGER `products_event_update`;
--> statement-breakpoint
CREATE TRIGGER `products_event_update` AFTER UPDATE ON `products` WHEN OLD.version <> NEW.version BEGIN
	INSERT INTO `events` (id, org_id, type, product_id, product_version, product, changed_fields, previous_data, created_at)
		SELECT (SELECT id FROM `event_ids`), NEW.org_id, 'product.updated', NEW.id, NEW.version, s.snapshot,
			CASE WHEN NEW.images IS NOT coalesce(
				(SELECT json_extract(e.product, '$.images') FROM `events` AS e
					WHERE e.product_id = NEW.id AND e.product_version = OLD.version LIMIT 1),
				CASE WHEN OLD.data IS NEW.data THEN NULL ELSE NEW.images END)
			THEN '["images"]' ELSE '[]' END,
			OLD.data,
			NEW.updated_at
		FROM `product_event_snapshots` AS s WHERE s.id = NEW.id;
END;
