-- The lookup rows and the full-text body, for the catalogue fields: `related` rows for
-- related_product_ids (migration 0006), `slug` rows `<locale>:<slug>` for the product's slug and each
-- localization's, unique per org under the partial unique index (migration 0008), and the variants'
-- skus and gtins as `sku`/`gtin` rows of their product, unique with the products' own (so the sku and
-- gtin filters find the product). Localized names join the full-text body.
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
	-- A second INSERT: D1 allows only a few terms in one compound SELECT.
	INSERT INTO `product_lookups` (`org_id`, `kind`, `value`, `product_id`)
		SELECT NEW.org_id, 'slug', json_extract(NEW.data, '$.default_locale') || ':' || json_extract(NEW.data, '$.slug'), NEW.id
			WHERE json_extract(NEW.data, '$.slug') IS NOT NULL
		UNION SELECT NEW.org_id, 'slug', key || ':' || json_extract(value, '$.slug'), NEW.id
			FROM json_each(NEW.data, '$.localizations') WHERE json_extract(value, '$.slug') IS NOT NULL;
	INSERT INTO `products_fts` (rowid, org_id, body) VALUES (
		NEW.seq,
		NEW.org_id,
		concat_ws(' ',
			json_extract(NEW.data, '$.name'),
			json_extract(NEW.data, '$.description'),
			(SELECT group_concat(value, ' ') FROM json_each(NEW.data, '$.tags')),
			(SELECT group_concat(value, ' ') FROM json_each(NEW.data, '$.features')),
			(SELECT group_concat(json_extract(value, '$.name'), ' ') FROM json_each(NEW.data, '$.localizations')))
	);
	-- Variants' skus and gtins, unique per org with the products' own under the same index.
	INSERT INTO `product_lookups` (`org_id`, `kind`, `value`, `product_id`)
		SELECT NEW.org_id, 'sku', json_extract(value, '$.sku'), NEW.id
			FROM json_each(NEW.data, '$.variants') WHERE json_extract(value, '$.sku') IS NOT NULL
		UNION ALL SELECT NEW.org_id, 'gtin', substr('00000000000000' || json_extract(value, '$.gtin'), -14), NEW.id
			FROM json_each(NEW.data, '$.variants') WHERE json_extract(value, '$.gtin') IS NOT NULL;
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
	OR json_extract(OLD.data, '$.slug') IS NOT json_extract(NEW.data, '$.slug')
	OR json_extract(OLD.data, '$.default_locale') IS NOT json_extract(NEW.data, '$.default_locale')
	OR json_extract(OLD.data, '$.localizations') IS NOT json_extract(NEW.data, '$.localizations')
	OR json_extract(OLD.data, '$.variants') IS NOT json_extract(NEW.data, '$.variants')
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
	-- A second INSERT: D1 allows only a few terms in one compound SELECT.
	INSERT INTO `product_lookups` (`org_id`, `kind`, `value`, `product_id`)
		SELECT NEW.org_id, 'slug', json_extract(NEW.data, '$.default_locale') || ':' || json_extract(NEW.data, '$.slug'), NEW.id
			WHERE json_extract(NEW.data, '$.slug') IS NOT NULL
		UNION SELECT NEW.org_id, 'slug', key || ':' || json_extract(value, '$.slug'), NEW.id
			FROM json_each(NEW.data, '$.localizations') WHERE json_extract(value, '$.slug') IS NOT NULL;
	-- Variants' skus and gtins, unique per org with the products' own under the same index.
	INSERT INTO `product_lookups` (`org_id`, `kind`, `value`, `product_id`)
		SELECT NEW.org_id, 'sku', json_extract(value, '$.sku'), NEW.id
			FROM json_each(NEW.data, '$.variants') WHERE json_extract(value, '$.sku') IS NOT NULL
		UNION ALL SELECT NEW.org_id, 'gtin', substr('00000000000000' || json_extract(value, '$.gtin'), -14), NEW.id
			FROM json_each(NEW.data, '$.variants') WHERE json_extract(value, '$.gtin') IS NOT NULL;
END;
--> statement-breakpoint
DROP TRIGGER `products_fts_after_update`;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_update` AFTER UPDATE OF `data` ON `products`
WHEN json_extract(OLD.data, '$.name') IS NOT json_extract(NEW.data, '$.name')
	OR json_extract(OLD.data, '$.description') IS NOT json_extract(NEW.data, '$.description')
	OR json_extract(OLD.data, '$.tags') IS NOT json_extract(NEW.data, '$.tags')
	OR json_extract(OLD.data, '$.features') IS NOT json_extract(NEW.data, '$.features')
	OR json_extract(OLD.data, '$.localizations') IS NOT json_extract(NEW.data, '$.localizations')
BEGIN
	UPDATE `products_fts` SET body = concat_ws(' ',
			json_extract(NEW.data, '$.name'),
			json_extract(NEW.data, '$.description'),
			(SELECT group_concat(value, ' ') FROM json_each(NEW.data, '$.tags')),
			(SELECT group_concat(value, ' ') FROM json_each(NEW.data, '$.features')),
			(SELECT group_concat(json_extract(value, '$.name'), ' ') FROM json_each(NEW.data, '$.localizations')))
		WHERE rowid = NEW.seq;
END;
