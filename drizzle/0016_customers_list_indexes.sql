CREATE INDEX `customers_program_created_idx` ON `customers` (`program_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `customers_email_idx` ON `customers` (lower("email"));