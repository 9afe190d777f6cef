-- related_product_ids: each id must name a product of the same org when written, and a deleted
-- product leaves every list that named it. The ids are `related` lookup rows (migration 0007).
-- A related id must name a product of the same org when it is written: checked inside the write's
-- own transaction, so a product deleted between the API's check and the write cannot slip in.
CREATE TRIGGER `products_related_check_insert` BEFORE INSERT ON `products`
WHEN EXISTS (SELECT 1 FROM json_each(NEW.data, '$.related_product_ids') AS related
	WHERE NOT EXISTS (SELECT 1 FROM `products` WHERE id = related.value AND org_id = NEW.org_id))
BEGIN
	SELECT RAISE(ABORT, 'related_product_missing');
END;
--> statement-breakpoint
CREATE TRIGGER `products_related_check_update` BEFORE UPDATE OF `data` ON `products`
WHEN json_extract(OLD.data, '$.related_product_ids') IS NOT json_extract(NEW.data, '$.related_product_ids')
	AND EXISTS (SELECT 1 FROM json_each(NEW.data, '$.related_product_ids') AS related
		WHERE NOT EXISTS (SELECT 1 FROM `products` WHERE id = related.value AND org_id = NEW.org_id))
BEGIN
	SELECT RAISE(ABORT, 'related_product_missing');
END;
--> statement-breakpoint
-- A deleted product leaves the lists of the products that named it (each a new version).
CREATE TRIGGER `products_related_after_delete` AFTER DELETE ON `products` BEGIN
	UPDATE `products` SET
		`data` = json_set(`data`, '$.related_product_ids', json((
			SELECT json_group_array(value) FROM json_each(`products`.`data`, '$.related_product_ids')
			WHERE value <> OLD.id))),
		`version` = `version` + 1,
		`updated_at` = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
	WHERE `id` IN (SELECT `product_id` FROM `product_lookups`
		WHERE `org_id` = OLD.org_id AND `kind` = 'related' AND `value` = OLD.id);
END;
