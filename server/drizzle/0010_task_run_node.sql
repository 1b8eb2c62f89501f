ALTER TABLE "task_runs" ADD COLUMN "thread_run_number" integer;--> statement-breakpoint
ALTER TABLE "task_runs" ADD COLUMN "node_position" integer;--> statement-breakpoint
-- TaskRuns scheduled before these columns: their NodeRun holds the same task_guid.
UPDATE "task_runs" AS t SET "thread_run_number" = n."thread_run_number", "node_position" = n."position"
FROM "node_runs" AS n
WHERE n."tenant_id" = t."tenant_id" AND n."wf_run_id" = t."wf_run_id" AND n."task_guid" = t."task_guid";
