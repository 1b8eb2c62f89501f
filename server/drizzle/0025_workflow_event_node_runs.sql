-- The THROW_EVENT NodeRun that threw each WorkflowEvent (LittleHorse's WorkflowEvent.node_run_id).
ALTER TABLE "workflow_events" ADD COLUMN "thread_run_number" integer;--> statement-breakpoint
ALTER TABLE "workflow_events" ADD COLUMN "node_run_position" integer;--> statement-breakpoint
-- Those thrown before: from the events that threw them, reading the log of each WfRun that threw any once (not
-- through the wf_run_events view, which would unnest a WfRun's log again for each of its WorkflowEvents).
WITH "thrown" AS (
  SELECT b."tenant_id", b."wf_run_id", e->>'workflowEventDefName' AS "def", (e->>'number')::integer AS "number",
    (e->>'threadRunNumber')::integer AS "thread_run_number", (e->>'position')::integer AS "node_run_position"
  FROM (SELECT DISTINCT "tenant_id", "wf_run_id" FROM "workflow_events") r
  JOIN "wf_run_event_batches" b ON b."tenant_id" = r."tenant_id" AND b."wf_run_id" = r."wf_run_id"
  CROSS JOIN LATERAL jsonb_array_elements(b."events") e
  WHERE e->>'type' = 'WorkflowEventThrown'
)
UPDATE "workflow_events" w SET "thread_run_number" = t."thread_run_number", "node_run_position" = t."node_run_position"
FROM "thrown" t
WHERE w."tenant_id" = t."tenant_id" AND w."wf_run_id" = t."wf_run_id" AND w."workflow_event_def_name" = t."def" AND w."number" = t."number";
