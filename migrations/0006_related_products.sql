-- related_product_ids: each id is a `related` lookup row, so that the products that name a product
-- are found by index when it is deleted. The lookup triggers are redefined to include them.
DROP TRIGGER `products_after_insert`;
--> statement-breakpoint
CREATE TRIGGER `products_after_insert` AFTER INSERT ON `products` BEGIN
	INSERT INTO `product_lookups` (`org_id`, `kind`, `value`, `product_id`)
		SELECT NEW.org_id, 'sku', json_extract(NEW.data, '$.sku'), NEW.id
			WHERE json_extract(NEW.data, '$.sku') IS NOT NULL
		UNION SELECT NEW.org_id, 'gtin', substr('00000000000000' || json_extract(NEW.data, '$.gtin'), -14), NEW.id
			WHERE json_extract(NEW.data, '$.gtin') IS NOT NULL
		UNION SELECT NEW.org_id, 'tag', value, NEW.id FROM json_each(NEW.data, '$.tags')
		UNION SELECT NEW.org_id, 'agent_id', value, NEW.id FROM json_each(NEW.data, '$.agent_ids')
		UNION SELECT NEW.org_id, 'related', value, NEW.id FROM json_each(NEW.data, '$.related_product_ids');
	INSERT INTO `products_fts` (rowid, org_id, body) VALUES (
		NEW.seq,
		NEW.org_id,
		concat_ws(' ',
			json_extract(NEW.data, '$.name'),
			json_extract(NEW.data, '$.description'),
			(SELECT group_concat(value, ' ') FROM json_each(NEW.data, '$.tags')),
			(SELECT group_concat(value, ' ') FROM json_each(NEW.data, '$.features')))
	);
END;
--> statement-breakpoint
DROP TRIGGER `products_lookups_after_update`;
--> statement-breakpoint
CREATE TRIGGER `products_lookups_after_update` AFTER UPDATE OF `data` ON `products`
WHEN json_extract(OLD.data, '$.sku') IS NOT json_extract(NEW.data, '$.sku')
	OR json_extract(OLD.data, '$.gtin') IS NOT json_extract(NEW.data, '$.gtin')
	OR json_extract(OLD.data, '$.tags') IS NOT json_extract(NEW.data, '$.tags')
	OR json_extract(OLD.data, '$.agent_ids') IS NOT json_extract(NEW.data, '$.agent_ids')
	OR json_extract(OLD.data, '$.related_product_ids') IS NOT json_extract(NEW.data, '$.related_product_ids')
BEGIN
	DELETE FROM `product_lookups` WHERE `product_id` = OLD.id;
	INSERT INTO `product_lookups` (`org_id`, `kind`, `value`, `product_id`)
		SELECT NEW.org_id, 'sku', json_extract(NEW.data, '$.sku'), NEW.id
			WHERE json_extract(NEW.data, '$.sku') IS NOT NULL
		UNION SELECT NEW.org_id, 'gtin', substr('00000000000000' || json_extract(NEW.data, '$.gtin'), -14), NEW.id
			WHERE json_extract(NEW.data, '$.gtin') IS NOT NULL
		UNION SELECT NEW.org_id, 'tag', value, NEW.id FROM json_each(NEW.data, '$.tags')
		UNION SELECT NEW.org_id, 'agent_id', value, NEW.id FROM json_each(NEW.data, '$.agent_ids')
		UNION SELECT NEW.org_id, 'related', value, NEW.id FROM json_each(NEW.data, '$.related_product_ids');
END;
--> statement-breakpoint
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
