ALTER TABLE "chat_diff_statuses" ADD COLUMN "repo_key" text;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD COLUMN "reported_head_sha" text;--> statement-breakpoint
CREATE INDEX "chat_diff_statuses_repo_key_branch_idx" ON "chat_diff_statuses" USING btree ("repo_key","git_branch");