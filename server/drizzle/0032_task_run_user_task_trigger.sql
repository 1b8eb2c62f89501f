ALTER TABLE "task_runs" ADD COLUMN "user_id" text;--> statement-breakpoint
ALTER TABLE "task_runs" ADD COLUMN "user_group" text;--> statement-breakpoint
-- Reminders scheduled before: who they fired for, from the TASK_EXECUTED entry their UserTaskRun's history got when
-- they were scheduled (the TaskRunScheduled's userTaskTrigger, copied), found by key; the logs are not read.
WITH "fired" AS (
  SELECT u."tenant_id", u."wf_run_id", h->>'taskGuid' AS "task_guid", h->>'userId' AS "user_id", h->>'userGroup' AS "user_group"
  FROM "user_task_runs" u
  CROSS JOIN LATERAL jsonb_array_elements(u."events") h
  WHERE u."events" @> '[{"type": "TASK_EXECUTED"}]'::jsonb AND h->>'type' = 'TASK_EXECUTED'
)
UPDATE "task_runs" t SET "user_id" = f."user_id", "user_group" = f."user_group"
FROM "fired" f
WHERE t."tenant_id" = f."tenant_id" AND t."wf_run_id" = f."wf_run_id" AND t."task_guid" = f."task_guid"
  AND (f."user_id" IS NOT NULL OR f."user_group" IS NOT NULL);
