CREATE TYPE "public"."checks_state" AS ENUM('pending', 'success', 'failure', 'neutral');--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "mergeable" boolean;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "mergeable_state" text;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "requested_reviewer_count" integer;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "labels" jsonb;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "checks_state" "checks_state";--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "checks_passed" integer;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "checks_failed" integer;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "checks_pending" integer;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "check_runs_etag" text;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "statuses_etag" text;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "check_runs_tally" jsonb;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "statuses_tally" jsonb;--> statement-breakpoint
CREATE INDEX "chat_diff_statuses_head_sha_idx" ON "chat_diff_statuses" USING btree ("head_sha") WHERE "chat_diff_statuses"."head_sha" is not null;