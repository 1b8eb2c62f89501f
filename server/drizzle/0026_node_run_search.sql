-- The search of NodeRuns (LittleHorse's SearchNodeRun): by arrival time, and the ExternalEventDef an EXTERNAL_EVENT
-- NodeRun waits for.
ALTER TABLE "node_runs" ADD COLUMN "external_event_def_name" text;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "node_runs_by_arrival" ON "node_runs" USING btree ("tenant_id","arrival_time");--> statement-breakpoint
-- EXTERNAL_EVENT NodeRuns from before: their def, from the node of the WfSpec version their WfRun runs on.
UPDATE "node_runs" n SET "external_event_def_name" = s."spec"->'threadSpecs'->t."thread_spec_name"->'nodes'->n."node_name"->>'externalEventDefName'
FROM "thread_runs" t, "wf_runs" r, "wf_specs" s
WHERE n."node_type" = 'EXTERNAL_EVENT'
  AND t."tenant_id" = n."tenant_id" AND t."wf_run_id" = n."wf_run_id" AND t."number" = n."thread_run_number"
  AND r."tenant_id" = n."tenant_id" AND r."id" = n."wf_run_id"
  AND s."tenant_id" = r."tenant_id" AND s."name" = r."wf_spec_name" AND s."major_version" = r."major_version" AND s."revision" = r."revision";
--> statement-breakpoint
CREATE INDEX "node_runs_by_external_event_def" ON "node_runs" USING btree ("tenant_id","external_event_def_name","arrival_time") WHERE external_event_def_name is not null;
