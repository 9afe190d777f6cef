-- An update rewrites a product's lookup rows only when sku, gtin, tags or agent_ids changed, and its
-- full-text row only when name, description, tags or features changed: a price or status change
-- writes just the product row. (json_extract of an array is its JSON text, so lists compare whole.)
DROP TRIGGER `products_after_update`;
--> statement-breakpoint
CREATE TRIGGER `products_lookups_after_update` AFTER UPDATE OF `data` ON `products`
WHEN json_extract(OLD.data, '$.sku') IS NOT json_extract(NEW.data, '$.sku')
	OR json_extract(OLD.data, '$.gtin') IS NOT json_extract(NEW.data, '$.gtin')
	OR json_extract(OLD.data, '$.tags') IS NOT json_extract(NEW.data, '$.tags')
	OR json_extract(OLD.data, '$.agent_ids') IS NOT json_extract(NEW.data, '$.agent_ids')
BEGIN
	DELETE FROM `product_lookups` WHERE `product_id` = OLD.id;
	INSERT INTO `product_lookups` (`org_id`, `kind`, `value`, `product_id`)
		SELECT NEW.org_id, 'sku', json_extract(NEW.data, '$.sku'), NEW.id
			WHERE json_extract(NEW.data, '$.sku') IS NOT NULL
		UNION SELECT NEW.org_id, 'gtin', substr('00000000000000' || json_extract(NEW.data, '$.gtin'), -14), NEW.id
			WHERE json_extract(NEW.data, '$.gtin') IS NOT NULL
		UNION SELECT NEW.org_id, 'tag', value, NEW.id FROM json_each(NEW.data, '$.tags')
		UNION SELECT NEW.org_id, 'agent_id', value, NEW.id FROM json_each(NEW.data, '$.agent_ids');
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_update` AFTER UPDATE OF `data` ON `products`
WHEN json_extract(OLD.data, '$.name') IS NOT json_extract(NEW.data, '$.name')
	OR json_extract(OLD.data, '$.description') IS NOT json_extract(NEW.data, '$.description')
	OR json_extract(OLD.data, '$.tags') IS NOT json_extract(NEW.data, '$.tags')
	OR json_extract(OLD.data, '$.features') IS NOT json_extract(NEW.data, '$.features')
BEGIN
	UPDATE `products_fts` SET body = concat_ws(' ',
			json_extract(NEW.data, '$.name'),
			json_extract(NEW.data, '$.description'),
			(SELECT group_concat(value, ' ') FROM json_each(NEW.data, '$.tags')),
			(SELECT group_concat(value, ' ') FROM json_each(NEW.data, '$.features')))
		WHERE rowid = NEW.seq;
END;
