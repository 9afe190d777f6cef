CREATE TABLE `webhook_delivery_states` (
	`event_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`org_id` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer NOT NULL,
	`due_at` integer,
	PRIMARY KEY(`event_id`, `endpoint_id`)
);
--> statement-breakpoint
CREATE INDEX `webhook_delivery_states_due_idx` ON `webhook_delivery_states` (`due_at`) WHERE state = 'pending';