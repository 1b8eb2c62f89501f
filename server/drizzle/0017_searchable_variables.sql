-- Only variables a WfSpec declares searchable are indexed by value and can be searched by, as in LittleHorse;
-- before, every entrypoint variable was. Rows already there take the flag from the version their WfRun runs.
DROP INDEX "variables_by_value";--> statement-breakpoint
ALTER TABLE "variables" ADD COLUMN "searchable" boolean DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE "variables" v SET "searchable" = true
FROM "wf_runs" r, "wf_specs" s
WHERE v."thread_run_number" = 0
  AND r."tenant_id" = v."tenant_id" AND r."id" = v."wf_run_id"
  AND s."tenant_id" = r."tenant_id" AND s."name" = r."wf_spec_name" AND s."major_version" = r."major_version" AND s."revision" = r."revision"
  AND EXISTS (
    SELECT 1 FROM jsonb_array_elements(coalesce(s."spec"->'threadSpecs'->(s."spec"->>'entrypointThreadName')->'variableDefs', '[]'::jsonb)) d
    WHERE d->>'name' = v."name" AND (d->>'searchable')::boolean
  );--> statement-breakpoint
CREATE INDEX "variables_by_value" ON "variables" USING btree ("tenant_id","name",md5("value"::text)) WHERE searchable;
