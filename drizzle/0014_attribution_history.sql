CREATE TABLE `attribution_history` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`partner_id` text NOT NULL,
	`link_id` text,
	`click_id` text,
	`at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attribution_history_customer_at_uq` ON `attribution_history` (`customer_id`,`at`,`partner_id`);--> statement-breakpoint
-- Each customer attributed before this migration starts its history with its current touch.
INSERT OR IGNORE INTO `attribution_history` (`id`, `program_id`, `customer_id`, `partner_id`, `link_id`, `click_id`, `at`, `created_at`)
SELECT 'ath_' || `id`, `program_id`, `id`, `partner_id`, `link_id`, `click_id`, `attributed_at`, `updated_at` FROM `customers`
WHERE `partner_id` IS NOT NULL AND `attributed_at` IS NOT NULL;
