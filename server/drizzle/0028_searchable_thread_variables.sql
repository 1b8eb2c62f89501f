-- Variables of any ThreadRun, not only the entrypoint's, are indexed by value when their thread declares them
-- searchable, as in LittleHorse (its SearchVariable finds them). Rows already there take the flag from the thread
-- spec of their ThreadRun in the version their WfRun runs. INPUT, a handler's or child's own, is never indexed.
UPDATE "variables" v SET "searchable" = true
FROM "thread_runs" t, "wf_runs" r, "wf_specs" s
WHERE v."thread_run_number" > 0 AND NOT v."searchable" AND v."name" <> 'INPUT'
  AND t."tenant_id" = v."tenant_id" AND t."wf_run_id" = v."wf_run_id" AND t."number" = v."thread_run_number"
  AND r."tenant_id" = v."tenant_id" AND r."id" = v."wf_run_id"
  AND s."tenant_id" = r."tenant_id" AND s."name" = r."wf_spec_name" AND s."major_version" = r."major_version" AND s."revision" = r."revision"
  AND s."spec"->'threadSpecs'->t."thread_spec_name"->'variableDefs' @> jsonb_build_array(jsonb_build_object('name', v."name", 'searchable', true));
