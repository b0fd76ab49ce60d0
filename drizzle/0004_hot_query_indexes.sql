CREATE INDEX `clicks_visitor_unique_idx` ON `clicks` (`visitor_hash`,`is_unique`,`link_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `events_customer_created_idx` ON `events` (`customer_external_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `events_created_idx` ON `events` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `commissions_partner_balance_idx` ON `commissions` (`partner_id`,`recipient`,`unit`,`status`,`amount`);--> statement-breakpoint
CREATE INDEX `commissions_program_status_idx` ON `commissions` (`program_id`,`status`,`partner_id`,`unit`,`created_at`);