DROP INDEX `clicks_visitor_unique_idx`;--> statement-breakpoint
CREATE INDEX `clicks_visitor_last_unique_idx` ON `clicks` (`visitor_hash`,`link_id`,`created_at`) WHERE is_unique = 1;--> statement-breakpoint
DROP INDEX `events_sale_idx`;--> statement-breakpoint
CREATE INDEX `events_sale_idx` ON `events` (`sale_event_id`) WHERE sale_event_id IS NOT NULL;--> statement-breakpoint
DROP INDEX `commissions_payout_idx`;--> statement-breakpoint
DROP INDEX `commissions_reverses_idx`;--> statement-breakpoint
CREATE INDEX `commissions_payout_idx` ON `commissions` (`payout_id`) WHERE payout_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `commissions_reverses_idx` ON `commissions` (`reverses_id`) WHERE reverses_id IS NOT NULL;