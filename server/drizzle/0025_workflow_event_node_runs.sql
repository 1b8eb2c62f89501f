-- The THROW_EVENT NodeRun that threw each WorkflowEvent (LittleHorse's WorkflowEvent.node_run_id).
ALTER TABLE "workflow_events" ADD COLUMN "thread_run_number" integer;--> statement-breakpoint
ALTER TABLE "workflow_events" ADD COLUMN "node_run_position" integer;--> statement-breakpoint
-- Those thrown before: from the event that threw them, while the log still holds it.
UPDATE "workflow_events" w SET "thread_run_number" = (v."event"->>'threadRunNumber')::integer, "node_run_position" = (v."event"->>'position')::integer
FROM "wf_run_events" v
WHERE v."tenant_id" = w."tenant_id" AND v."wf_run_id" = w."wf_run_id" AND v."type" = 'WorkflowEventThrown'
  AND v."event"->>'workflowEventDefName' = w."workflow_event_def_name" AND (v."event"->>'number')::integer = w."number";
