CREATE TABLE `event_names` (
	`program_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	PRIMARY KEY(`program_id`, `name`)
);
--> statement-breakpoint
-- Names already in use keep the kind of their first event (a name used both ways so far keeps its first).
INSERT OR IGNORE INTO `event_names` (`program_id`, `name`, `type`)
SELECT `program_id`, `name`, `type` FROM `events` WHERE `type` != 'refund' ORDER BY `created_at`, `id`;
--> statement-breakpoint
-- A conversion name keeps one kind per program (src/db/schema/event-names.ts): an event of another
-- kind fails its whole batch, which the conversion routes answer as 422 event_kind_mismatch.
CREATE TRIGGER `events_one_kind_per_name` BEFORE INSERT ON `events`
WHEN NEW.`type` != 'refund' AND EXISTS (SELECT 1 FROM `event_names` WHERE `program_id` = NEW.`program_id` AND `name` = NEW.`name` AND `type` != NEW.`type`)
BEGIN
  SELECT RAISE(ABORT, 'event_kind_mismatch');
END;
--> statement-breakpoint
CREATE TRIGGER `events_record_name_kind` AFTER INSERT ON `events`
WHEN NEW.`type` != 'refund'
BEGIN
  INSERT OR IGNORE INTO `event_names` (`program_id`, `name`, `type`) VALUES (NEW.`program_id`, NEW.`name`, NEW.`type`);
END;
