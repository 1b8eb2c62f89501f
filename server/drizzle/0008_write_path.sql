CREATE TABLE "thread_runs" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"number" integer NOT NULL,
	"thread_spec_name" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"parent_thread_run_number" integer,
	"start_time" timestamp with time zone NOT NULL,
	"end_time" timestamp with time zone,
	"failure" jsonb,
	CONSTRAINT "thread_runs_tenant_id_wf_run_id_number_pk" PRIMARY KEY("tenant_id","wf_run_id","number")
);
--> statement-breakpoint
-- WfRuns started before this table existed: their ThreadRuns, from the state snapshot.
INSERT INTO "thread_runs" SELECT r."tenant_id", r."id", (t->>'number')::integer, t->>'threadSpecName',
  coalesce(t->>'kind', CASE WHEN (t->>'number')::integer = 0 THEN 'ENTRYPOINT' ELSE 'CHILD' END), t->>'status',
  (t->>'parentThreadRunNumber')::integer, to_timestamp((t->>'startTime')::double precision / 1000),
  to_timestamp((t->>'endTime')::double precision / 1000), t->'failure'
FROM "wf_runs" r, jsonb_array_elements(r."state"->'threadRuns') t;
--> statement-breakpoint
-- The elements of a JSON array, for the write statement's UPDATEs and DELETEs. PostgreSQL guesses 100 rows for
-- jsonb_array_elements and then joins by scanning the whole table; ROWS 1 (kept by plpgsql, which is never inlined)
-- makes it look each row up by its key.
CREATE FUNCTION gallop_rows(items jsonb) RETURNS SETOF jsonb LANGUAGE plpgsql IMMUTABLE ROWS 1 AS $$
BEGIN
  RETURN QUERY SELECT jsonb_array_elements(items);
END
$$;
