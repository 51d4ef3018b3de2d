CREATE TYPE "public"."chat_status" AS ENUM('waiting', 'pending', 'running', 'paused', 'completed', 'error');--> statement-breakpoint
CREATE TYPE "public"."pull_request_state" AS ENUM('open', 'closed', 'merged');--> statement-breakpoint
CREATE TYPE "public"."refresh_outcome" AS ENUM('refreshed', 'no_pr', 'no_token', 'no_provider', 'provider_error', 'rate_limited');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('member', 'admin');--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"hashed_secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "api_keys_hashed_secret_unique" UNIQUE("hashed_secret")
);
--> statement-breakpoint
CREATE TABLE "chat_diff_statuses" (
	"chat_id" uuid PRIMARY KEY NOT NULL,
	"url" text,
	"pull_request_state" "pull_request_state",
	"pull_request_title" text DEFAULT '' NOT NULL,
	"pull_request_draft" boolean DEFAULT false NOT NULL,
	"changes_requested" boolean DEFAULT false NOT NULL,
	"additions" integer DEFAULT 0 NOT NULL,
	"deletions" integer DEFAULT 0 NOT NULL,
	"changed_files" integer DEFAULT 0 NOT NULL,
	"author_login" text,
	"author_avatar_url" text,
	"base_branch" text,
	"head_branch" text,
	"head_sha" text,
	"pr_number" integer,
	"commits" integer,
	"approved" boolean,
	"reviewer_count" integer,
	"git_branch" text DEFAULT '' NOT NULL,
	"git_remote_origin" text DEFAULT '' NOT NULL,
	"refreshed_at" timestamp with time zone,
	"stale_at" timestamp with time zone DEFAULT now() NOT NULL,
	"marked_stale_at" timestamp with time zone,
	"generation" integer DEFAULT 0 NOT NULL,
	"pull_etag" text,
	"reviews_etag" text,
	"last_outcome" "refresh_outcome",
	"last_error" text,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chats" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"status" "chat_status" DEFAULT 'waiting' NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "external_auth_links" (
	"provider_id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"access_token" text NOT NULL,
	"refresh_token" text,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "external_auth_links_provider_id_user_id_pk" PRIMARY KEY("provider_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"role" "user_role" DEFAULT 'member' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_diff_statuses" ADD CONSTRAINT "chat_diff_statuses_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chats" ADD CONSTRAINT "chats_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_auth_links" ADD CONSTRAINT "external_auth_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_user_id_idx" ON "api_keys" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "chat_diff_statuses_stale_at_idx" ON "chat_diff_statuses" USING btree ("stale_at");--> statement-breakpoint
CREATE INDEX "chat_diff_statuses_url_idx" ON "chat_diff_statuses" USING btree ("url") WHERE "chat_diff_statuses"."url" is not null;--> statement-breakpoint
CREATE INDEX "chats_owner_id_idx" ON "chats" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "chats_updated_at_id_idx" ON "chats" USING btree ("updated_at","id");