-- Variables of any ThreadRun, not only the entrypoint's, are indexed by value when their thread declares them
-- searchable, as in LittleHorse (its SearchVariable finds them). Rows already there take the flag from the thread
-- spec of their ThreadRun in the version their WfRun runs. INPUT, a handler's or child's own, is never indexed.
-- The searchable names are read out of each spec once (a spec can be large), then found by key from the WfRuns of
-- the versions that declare any: nothing to do where none does.
WITH defs AS MATERIALIZED (
  SELECT s."tenant_id", s."name", s."major_version", s."revision", t.key AS "thread_spec_name", d->>'name' AS "variable"
  FROM "wf_specs" s
  CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(s."spec"->'threadSpecs') = 'object' THEN s."spec"->'threadSpecs' ELSE '{}'::jsonb END) t
  CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(t.value->'variableDefs') = 'array' THEN t.value->'variableDefs' ELSE '[]'::jsonb END) d
  WHERE d->'searchable' = 'true'::jsonb AND d->>'name' <> 'INPUT'
)
UPDATE "variables" v SET "searchable" = true
FROM defs, "thread_runs" t, "wf_runs" r
WHERE v."thread_run_number" > 0 AND NOT v."searchable"
  AND v."tenant_id" = defs."tenant_id" AND v."name" = defs."variable"
  AND t."tenant_id" = v."tenant_id" AND t."wf_run_id" = v."wf_run_id" AND t."number" = v."thread_run_number" AND t."thread_spec_name" = defs."thread_spec_name"
  AND r."tenant_id" = v."tenant_id" AND r."id" = v."wf_run_id"
  AND r."wf_spec_name" = defs."name" AND r."major_version" = defs."major_version" AND r."revision" = defs."revision";
