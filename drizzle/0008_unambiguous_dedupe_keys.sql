-- Lead and custom-event dedupe keys join parts with ':' and those parts (customer external ids,
-- event names, event external ids) may contain ':', so distinct conversions could meet on one key
-- (a 409, and a commission never booked). Keys now escape '%' as %25 and ':' as %3A in each part
-- (src/conversions/dedupe-key.ts); parts without either read as before, so only rows with such a
-- part change. Two steps, so no row's new key can meet another row's old one on the unique index.
UPDATE `events` SET `dedupe_key` = 'migrating:' || `id`
WHERE (`type` = 'lead' AND (instr(`customer_external_id`, ':') OR instr(`customer_external_id`, '%') OR instr(`name`, ':') OR instr(`name`, '%')))
   OR (`type` = 'custom' AND (instr(`name`, ':') OR instr(`name`, '%') OR instr(coalesce(`external_id`, `customer_external_id`), ':') OR instr(coalesce(`external_id`, `customer_external_id`), '%')));
--> statement-breakpoint
UPDATE `events` SET `dedupe_key` = CASE
  WHEN `type` = 'lead' THEN 'lead:' || replace(replace(`customer_external_id`, '%', '%25'), ':', '%3A') || ':' || replace(replace(`name`, '%', '%25'), ':', '%3A')
  WHEN `external_id` IS NOT NULL THEN 'event:' || replace(replace(`name`, '%', '%25'), ':', '%3A') || ':' || replace(replace(`external_id`, '%', '%25'), ':', '%3A')
  ELSE 'event:' || replace(replace(`name`, '%', '%25'), ':', '%3A') || ':customer:' || replace(replace(`customer_external_id`, '%', '%25'), ':', '%3A')
END
WHERE `dedupe_key` LIKE 'migrating:%';
