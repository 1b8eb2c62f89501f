ALTER TABLE "task_runs" ADD COLUMN "user_id" text;--> statement-breakpoint
ALTER TABLE "task_runs" ADD COLUMN "user_group" text;
