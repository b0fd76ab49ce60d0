ALTER TABLE `partners` ADD `payout_method` text;--> statement-breakpoint
ALTER TABLE `partners` ADD `payout_details` text;--> statement-breakpoint
ALTER TABLE `partners` ADD `payout_details_updated_at` integer;