-- Written by hand: the product.deleted event takes its snapshot from `product_event_snapshots`,
-- like every other event, instead of a copy of the view's json_object that had drifted (it lacked
-- `adjustment`). BEFORE DELETE, so the row is still there to read; an aborted delete takes the
-- event with it.
DROP TRIGGER `products_event_delete`;
--> statement-breakpoint
CREATE TRIGGER `products_event_delete` BEFORE DELETE ON `products` BEGIN
	INSERT INTO `events` (id, org_id, type, product_id, product_version, product, created_at)
		SELECT (SELECT id FROM `event_ids`), OLD.org_id, 'product.deleted', OLD.id, OLD.version, s.snapshot,
			strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
		FROM `product_event_snapshots` AS s WHERE s.id = OLD.id;
END;
