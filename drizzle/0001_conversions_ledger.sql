CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`external_id` text NOT NULL,
	`email` text,
	`name` text,
	`partner_id` text,
	`link_id` text,
	`click_id` text,
	`attributed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_program_external_uq` ON `customers` (`program_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `customers_partner_idx` ON `customers` (`partner_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`request_hash` text NOT NULL,
	`external_id` text,
	`customer_id` text,
	`customer_external_id` text,
	`partner_id` text,
	`link_id` text,
	`click_id` text,
	`sale_event_id` text,
	`amount` integer,
	`currency` text,
	`quantity` integer NOT NULL,
	`metadata` text,
	`status` text NOT NULL,
	`reason` text,
	`result` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_program_dedupe_uq` ON `events` (`program_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `events_customer_idx` ON `events` (`program_id`,`customer_external_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_sale_idx` ON `events` (`sale_event_id`);--> statement-breakpoint
CREATE INDEX `events_program_occurred_idx` ON `events` (`program_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `reward_counters` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`total` integer NOT NULL,
	`version` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rewards` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`event` text NOT NULL,
	`recipient` text NOT NULL,
	`type` text NOT NULL,
	`amount` integer NOT NULL,
	`unit` text NOT NULL,
	`tiers` text,
	`tier_period` text NOT NULL,
	`conditions` text,
	`caps` text,
	`window_days` integer,
	`hold_days` integer,
	`starts_at` integer,
	`ends_at` integer,
	`active` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rewards_program_event_idx` ON `rewards` (`program_id`,`event`);--> statement-breakpoint
CREATE TABLE `commissions` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`kind` text NOT NULL,
	`recipient` text NOT NULL,
	`partner_id` text,
	`customer_id` text,
	`reward_id` text NOT NULL,
	`event_id` text NOT NULL,
	`reverses_id` text,
	`amount` integer NOT NULL,
	`unit` text NOT NULL,
	`status` text NOT NULL,
	`hold_until` integer NOT NULL,
	`explanation` text NOT NULL,
	`payout_id` text,
	`created_at` integer NOT NULL,
	`approved_at` integer,
	`paid_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `commissions_event_reward_uq` ON `commissions` (`event_id`,`reward_id`,`reverses_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `commissions_event_reward_first_uq` ON `commissions` (`event_id`,`reward_id`) WHERE "commissions"."reverses_id" is null;--> statement-breakpoint
CREATE INDEX `commissions_program_partner_idx` ON `commissions` (`program_id`,`partner_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `commissions_status_hold_idx` ON `commissions` (`status`,`hold_until`);--> statement-breakpoint
CREATE INDEX `commissions_payout_idx` ON `commissions` (`payout_id`);--> statement-breakpoint
CREATE INDEX `commissions_reverses_idx` ON `commissions` (`reverses_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer,
	`response` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `payouts` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`partner_id` text NOT NULL,
	`unit` text NOT NULL,
	`amount` integer NOT NULL,
	`entry_count` integer NOT NULL,
	`status` text NOT NULL,
	`reference` text,
	`created_at` integer NOT NULL,
	`paid_at` integer
);
--> statement-breakpoint
CREATE INDEX `payouts_program_partner_idx` ON `payouts` (`program_id`,`partner_id`,`created_at`);