CREATE TYPE "public"."api_key_source" AS ENUM('env', 'api');--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "source" "api_key_source";--> statement-breakpoint
ALTER TABLE "external_auth_links" ADD COLUMN "access_token_key_id" text;--> statement-breakpoint
ALTER TABLE "external_auth_links" ADD COLUMN "refresh_token_key_id" text;