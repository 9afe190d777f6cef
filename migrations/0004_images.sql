CREATE TABLE `images` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`product_id` text NOT NULL,
	`r2_key` text NOT NULL,
	`source_url` text,
	`content_type` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`sha256` text NOT NULL,
	`alt` text,
	`position` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `images_product_sha256_unique` ON `images` (`product_id`,`sha256`);--> statement-breakpoint
CREATE INDEX `images_product_position_idx` ON `images` (`product_id`,`position`);--> statement-breakpoint
ALTER TABLE `products` ADD `images` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
-- products.images mirrors the product's image rows, ordered by position, as the API shows them
-- (the url is added at read time: it depends on the host serving the request).
CREATE VIEW `product_images_json` AS
	SELECT product_id, json_group_array(json_object('id', id, 'source_url', source_url,
		'content_type', content_type, 'size_bytes', size_bytes, 'width', width, 'height', height,
		'sha256', sha256, 'alt', alt, 'position', position, 'created_at', created_at) ORDER BY position, id) AS images
	FROM `images` GROUP BY product_id;
--> statement-breakpoint
CREATE TRIGGER `images_after_insert` AFTER INSERT ON `images` BEGIN
	UPDATE `products` SET `images` = coalesce(
		(SELECT `images` FROM `product_images_json` WHERE product_id = NEW.product_id), '[]')
	WHERE id = NEW.product_id;
END;
--> statement-breakpoint
CREATE TRIGGER `images_after_update` AFTER UPDATE ON `images` BEGIN
	UPDATE `products` SET `images` = coalesce(
		(SELECT `images` FROM `product_images_json` WHERE product_id = NEW.product_id), '[]')
	WHERE id = NEW.product_id;
END;
--> statement-breakpoint
CREATE TRIGGER `images_after_delete` AFTER DELETE ON `images` BEGIN
	UPDATE `products` SET `images` = coalesce(
		(SELECT `images` FROM `product_images_json` WHERE product_id = OLD.product_id), '[]')
	WHERE id = OLD.product_id;
END;
--> statement-breakpoint
-- A deleted product takes its image rows with it (its R2 objects are deleted by the handler).
CREATE TRIGGER `products_images_after_delete` AFTER DELETE ON `products` BEGIN
	DELETE FROM `images` WHERE product_id = OLD.id;
END;
