-- What a NodeRun of each kind runs or waits for, as LittleHorse's NodeRun carries it: the NodeRuns page shows it.
ALTER TABLE "node_runs" ADD COLUMN "user_task_guid" text;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "sleep_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "child_wf_run_id" text;--> statement-breakpoint
ALTER TABLE "node_runs" ADD COLUMN "thread_run_numbers" jsonb;--> statement-breakpoint
-- NodeRuns from before, where another table says it without reading the event log: a USER_TASK's UserTaskRun, the
-- child a RUN_CHILD_WF started (its id is made from the NodeRun's), and the time a waiting SLEEP's one timer fires.
-- The rest (WAIT_FOR_CHILD_WF, WAIT_FOR_THREADS, START_THREAD, ended SLEEPs) stay empty.
UPDATE "node_runs" n SET "user_task_guid" = u."user_task_guid"
FROM "user_task_runs" u
WHERE n."node_type" = 'USER_TASK'
  AND u."tenant_id" = n."tenant_id" AND u."wf_run_id" = n."wf_run_id"
  AND u."thread_run_number" = n."thread_run_number" AND u."node_run_position" = n."position";
--> statement-breakpoint
UPDATE "node_runs" n SET "child_wf_run_id" = c."id"
FROM "wf_runs" c
WHERE n."node_type" = 'RUN_CHILD_WF'
  AND c."tenant_id" = n."tenant_id" AND c."id" = n."wf_run_id" || '_' || n."thread_run_number" || '-' || n."position";
--> statement-breakpoint
UPDATE "node_runs" n SET "sleep_until" = t."fire_at"
FROM "timers" t
WHERE n."node_type" = 'SLEEP' AND n."status" = 'RUNNING'
  AND t."tenant_id" = n."tenant_id" AND t."wf_run_id" = n."wf_run_id" AND t."purpose"->>'type' = 'SLEEP'
  AND (t."purpose"->>'threadRunNumber')::integer = n."thread_run_number" AND (t."purpose"->>'position')::integer = n."position"
  AND NOT EXISTS (
    SELECT 1 FROM "timers" o
    WHERE o."tenant_id" = t."tenant_id" AND o."wf_run_id" = t."wf_run_id" AND o."timer_id" <> t."timer_id" AND o."purpose"->>'type' = 'SLEEP'
      AND o."purpose"->>'threadRunNumber' = t."purpose"->>'threadRunNumber' AND o."purpose"->>'position' = t."purpose"->>'position'
  );
