DROP INDEX `clicks_link_visitor_idx`;--> statement-breakpoint
DROP INDEX `clicks_partner_created_idx`;