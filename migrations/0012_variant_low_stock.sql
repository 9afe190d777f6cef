-- Written by hand. Stock tracked per variant (inventory.tracking "variant"): product.low_stock when
-- this change leaves some variant's quantity (none set is 0) below the product's low_stock_threshold
-- and that variant, by id, was not below it before (it is new, was at or above, or stock was not
-- tracked per variant with a threshold). The variants the old row had below are gathered once as a
-- JSON array of ids, so each new variant is checked against a string, not a second json_each: up to
-- 2 × the variants in rows read, only when the variants or the inventory changed, and only for
-- products that track variants with a threshold.
CREATE TRIGGER `products_event_variant_low_stock` AFTER UPDATE ON `products`
	WHEN OLD.version <> NEW.version
	AND (json_extract(OLD.data, '$.variants') IS NOT json_extract(NEW.data, '$.variants')
		OR json_extract(OLD.data, '$.inventory') IS NOT json_extract(NEW.data, '$.inventory'))
	AND json_extract(NEW.data, '$.inventory.tracking') = 'variant'
	AND json_extract(NEW.data, '$.inventory.low_stock_threshold') IS NOT NULL
BEGIN
	INSERT INTO `events` (id, org_id, type, product_id, product_version, product, created_at)
		SELECT (SELECT id FROM `event_ids`), NEW.org_id, 'product.low_stock', NEW.id, NEW.version, s.snapshot, NEW.updated_at
		FROM `product_event_snapshots` AS s
		WHERE s.id = NEW.id AND EXISTS (
			SELECT 1 FROM json_each(NEW.data, '$.variants') AS v
			WHERE coalesce(json_extract(v.value, '$.inventory.quantity'), 0)
					< json_extract(NEW.data, '$.inventory.low_stock_threshold')
				AND instr(
					CASE WHEN json_extract(OLD.data, '$.inventory.tracking') = 'variant'
						AND json_extract(OLD.data, '$.inventory.low_stock_threshold') IS NOT NULL
					THEN (SELECT json_group_array(json_extract(o.value, '$.id')) FROM json_each(OLD.data, '$.variants') AS o
						WHERE coalesce(json_extract(o.value, '$.inventory.quantity'), 0)
							< json_extract(OLD.data, '$.inventory.low_stock_threshold'))
					ELSE '[]' END,
					json_quote(json_extract(v.value, '$.id'))) = 0);
END;
