ALTER TABLE `images` ADD `orientation` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Written by hand: products.images shows each image's orientation too. The images triggers of 0004
-- read this view by name, so they take it up as they are. Rows already stored keep orientation 1 and
-- the size they were stored with; their products.images is not rewritten (that would make the next
-- event of every such product report `images` as changed): it gains the field at the product's next
-- image change, and until then the app reads a missing orientation as 1 (storedImages).
DROP VIEW `product_images_json`;
--> statement-breakpoint
CREATE VIEW `product_images_json` AS
	SELECT product_id, json_group_array(json_object('id', id, 'source_url', source_url,
		'content_type', content_type, 'size_bytes', size_bytes, 'width', width, 'height', height,
		'orientation', orientation, 'sha256', sha256, 'alt', alt, 'position', position,
		'created_at', created_at) ORDER BY position, id) AS images
	FROM `images` GROUP BY product_id;
