ALTER TABLE `payouts` ADD `canceled_at` integer;--> statement-breakpoint
ALTER TABLE `payouts` ADD `cancel_reason` text;