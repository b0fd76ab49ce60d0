CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `programs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`currency` text NOT NULL,
	`default_url` text NOT NULL,
	`allowed_hosts` text NOT NULL,
	`attribution_model` text NOT NULL,
	`attribution_window_days` integer NOT NULL,
	`hold_days` integer NOT NULL,
	`click_id_param` text NOT NULL,
	`dedup_window_seconds` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `programs_created_idx` ON `programs` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `partners` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`external_id` text,
	`code` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`program_id`) REFERENCES `programs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `partners_program_created_idx` ON `partners` (`program_id`,`created_at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `partners_program_external_uq` ON `partners` (`program_id`,`external_id`);--> statement-breakpoint
CREATE TABLE `links` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`partner_id` text NOT NULL,
	`code` text NOT NULL,
	`code_key` text NOT NULL,
	`url` text NOT NULL,
	`campaign` text,
	`utm` text,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`program_id`) REFERENCES `programs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `links_code_key_unique` ON `links` (`code_key`);--> statement-breakpoint
CREATE INDEX `links_partner_created_idx` ON `links` (`partner_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `clicks` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`partner_id` text NOT NULL,
	`link_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`country` text,
	`device_type` text NOT NULL,
	`browser` text,
	`os` text,
	`referrer_host` text,
	`paid_ads` integer NOT NULL,
	`bot` integer NOT NULL,
	`bot_reason` text,
	`is_unique` integer NOT NULL,
	`visitor_hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `clicks_link_visitor_idx` ON `clicks` (`link_id`,`visitor_hash`,`created_at`);--> statement-breakpoint
CREATE INDEX `clicks_program_created_idx` ON `clicks` (`program_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `clicks_partner_created_idx` ON `clicks` (`partner_id`,`created_at`);