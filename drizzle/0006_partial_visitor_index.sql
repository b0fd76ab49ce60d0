DROP INDEX `clicks_visitor_unique_idx`;--> statement-breakpoint
CREATE INDEX `clicks_visitor_last_unique_idx` ON `clicks` (`visitor_hash`,`link_id`,`created_at`) WHERE is_unique = 1;