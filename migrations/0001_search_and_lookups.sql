-- Full-text index over a product's searchable text, keyed by products.seq. org_id is an indexed
-- column so that a search is confined to one org inside the MATCH itself.
CREATE VIRTUAL TABLE `products_fts` USING fts5(
	org_id,
	body,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
--> statement-breakpoint
-- product_lookups and products_fts are derived from products.data by these triggers, so every
-- write keeps them in step inside the same statement (and a unique sku/gtin violation aborts it).
CREATE TRIGGER `products_after_insert` AFTER INSERT ON `products` BEGIN
	INSERT INTO `product_lookups` (`org_id`, `kind`, `value`, `product_id`)
		SELECT NEW.org_id, 'sku', json_extract(NEW.data, '$.sku'), NEW.id
			WHERE json_extract(NEW.data, '$.sku') IS NOT NULL
		UNION SELECT NEW.org_id, 'gtin', substr('00000000000000' || json_extract(NEW.data, '$.gtin'), -14), NEW.id
			WHERE json_extract(NEW.data, '$.gtin') IS NOT NULL
		UNION SELECT NEW.org_id, 'tag', value, NEW.id FROM json_each(NEW.data, '$.tags')
		UNION SELECT NEW.org_id, 'agent_id', value, NEW.id FROM json_each(NEW.data, '$.agent_ids');
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
CREATE TRIGGER `products_after_update` AFTER UPDATE OF `data` ON `products` BEGIN
	DELETE FROM `product_lookups` WHERE `product_id` = OLD.id;
	INSERT INTO `product_lookups` (`org_id`, `kind`, `value`, `product_id`)
		SELECT NEW.org_id, 'sku', json_extract(NEW.data, '$.sku'), NEW.id
			WHERE json_extract(NEW.data, '$.sku') IS NOT NULL
		UNION SELECT NEW.org_id, 'gtin', substr('00000000000000' || json_extract(NEW.data, '$.gtin'), -14), NEW.id
			WHERE json_extract(NEW.data, '$.gtin') IS NOT NULL
		UNION SELECT NEW.org_id, 'tag', value, NEW.id FROM json_each(NEW.data, '$.tags')
		UNION SELECT NEW.org_id, 'agent_id', value, NEW.id FROM json_each(NEW.data, '$.agent_ids');
	UPDATE `products_fts` SET body = concat_ws(' ',
			json_extract(NEW.data, '$.name'),
			json_extract(NEW.data, '$.description'),
			(SELECT group_concat(value, ' ') FROM json_each(NEW.data, '$.tags')),
			(SELECT group_concat(value, ' ') FROM json_each(NEW.data, '$.features')))
		WHERE rowid = NEW.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `products_after_delete` AFTER DELETE ON `products` BEGIN
	DELETE FROM `product_lookups` WHERE `product_id` = OLD.id;
	DELETE FROM `products_fts` WHERE rowid = OLD.seq;
END;
