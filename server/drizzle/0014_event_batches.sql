CREATE TABLE "wf_run_event_batches" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"first_seq" integer NOT NULL,
	"events" jsonb NOT NULL,
	CONSTRAINT "wf_run_event_batches_tenant_id_wf_run_id_first_seq_pk" PRIMARY KEY("tenant_id","wf_run_id","first_seq")
);
--> statement-breakpoint
-- Events stored before this migration: one row each, so every seq a state can end at still starts a row.
INSERT INTO "wf_run_event_batches" ("tenant_id", "wf_run_id", "first_seq", "events")
SELECT "tenant_id", "wf_run_id", "seq", jsonb_build_array("event") FROM "wf_run_events";
--> statement-breakpoint
DROP TABLE "wf_run_events" CASCADE;
--> statement-breakpoint
-- The log an event a row, as it was stored before: what reads events reads this. first_seq (the row an event came
-- in) lets a reader from a seq on start at that row by the key rather than unpack all the WfRun's rows.
CREATE VIEW "wf_run_events" AS
SELECT b."tenant_id", b."wf_run_id", b."first_seq" + e.n::integer - 1 AS "seq", e.v->>'type' AS "type",
  to_timestamp((e.v->>'time')::double precision / 1000) AS "time", e.v AS "event", b."first_seq"
FROM "wf_run_event_batches" b, jsonb_array_elements(b."events") WITH ORDINALITY e(v, n);
