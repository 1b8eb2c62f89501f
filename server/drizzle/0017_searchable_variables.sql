-- Only variables a WfSpec declares searchable are indexed by value and can be searched by, as in LittleHorse;
-- before, every entrypoint variable was. Rows already there take the flag from the version their WfRun runs.
DROP INDEX "variables_by_value";--> statement-breakpoint
ALTER TABLE "variables" ADD COLUMN "searchable" boolean DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE "variables" v SET "searchable" = true
FROM "wf_runs" r, "wf_specs" s
WHERE v."thread_run_number" = 0
  AND r."tenant_id" = v."tenant_id" AND r."id" = v."wf_run_id"
  AND s."tenant_id" = r."tenant_id" AND s."name" = r."wf_spec_name" AND s."major_version" = r."major_version" AND s."revision" = r."revision"
  -- Containment: true only for a def of that name whose searchable is JSON true, whatever else variableDefs holds.
  AND s."spec"->'threadSpecs'->(s."spec"->>'entrypointThreadName')->'variableDefs' @> jsonb_build_array(jsonb_build_object('name', v."name", 'searchable', true));--> statement-breakpoint
CREATE INDEX "variables_by_value" ON "variables" USING btree ("tenant_id","name",md5("value"::text)) WHERE searchable;
