DROP INDEX `commissions_payout_idx`;--> statement-breakpoint
CREATE INDEX `commissions_payout_created_idx` ON `commissions` (`payout_id`,`created_at`,`id`) WHERE payout_id IS NOT NULL;