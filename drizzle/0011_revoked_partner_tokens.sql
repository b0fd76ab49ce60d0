CREATE TABLE `revoked_partner_tokens` (
	`partner_id` text NOT NULL,
	`token_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer NOT NULL,
	PRIMARY KEY(`partner_id`, `token_id`),
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `revoked_partner_tokens_expires_at_idx` ON `revoked_partner_tokens` (`expires_at`);