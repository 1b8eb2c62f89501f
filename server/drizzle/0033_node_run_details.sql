-- What a NodeRun of each kind runs or waits for, as LittleHorse's NodeRun carries it: the NodeRuns page shows it.
ALTER TABLE "node_runs" ADD COLUMN "user_task_guid" text;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "sleep_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "child_wf_run_id" text;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "thread_run_numbers" jsonb;
