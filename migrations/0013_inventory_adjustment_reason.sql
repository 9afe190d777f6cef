ALTER TABLE `products` ADD `adjustment` text;--> statement-breakpoint
-- Written by hand: an event's snapshot keeps the product's last adjustment too (the triggers read
-- this view by name, so they take it up as they are).
DROP VIEW `product_event_snapshots`;
--> statement-breakpoint
CREATE VIEW `product_event_snapshots` AS
	SELECT id, json_object('seq', seq, 'id', id, 'orgId', org_id, 'status', status, 'type', type, 'data', data, 'version', version, 'createdAt', created_at, 'updatedAt', updated_at, 'createdBy', created_by, 'updatedBy', updated_by, 'images', images, 'totalScans', total_scans, 'lastScannedAt', last_scanned_at, 'adjustment', adjustment) AS snapshot FROM `products`;
