CREATE TYPE "public"."refresh_interval_class" AS ENUM('reported', 'token_linked', 'open', 'terminal', 'no_pr_recent', 'no_pr', 'no_token', 'error', 'rate_limited');--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "pr_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "refresh_interval_class" "refresh_interval_class" DEFAULT 'reported' NOT NULL;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "refresh_interval_ms" integer;