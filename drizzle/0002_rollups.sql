CREATE TABLE `daily_commission_rollups` (
	`program_id` text NOT NULL,
	`partner_id` text NOT NULL,
	`day` text NOT NULL,
	`dim` text NOT NULL,
	`key` text NOT NULL,
	`unit` text NOT NULL,
	`amount` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`program_id`, `dim`, `day`, `partner_id`, `key`, `unit`)
);
--> statement-breakpoint
CREATE INDEX `daily_commission_rollups_partner_idx` ON `daily_commission_rollups` (`partner_id`,`dim`,`day`);--> statement-breakpoint
CREATE TABLE `daily_rollups` (
	`program_id` text NOT NULL,
	`partner_id` text NOT NULL,
	`day` text NOT NULL,
	`dim` text NOT NULL,
	`key` text NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`unique_clicks` integer DEFAULT 0 NOT NULL,
	`bot_clicks` integer DEFAULT 0 NOT NULL,
	`leads` integer DEFAULT 0 NOT NULL,
	`sales` integer DEFAULT 0 NOT NULL,
	`revenue` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`program_id`, `dim`, `day`, `partner_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `daily_rollups_partner_idx` ON `daily_rollups` (`partner_id`,`dim`,`day`);