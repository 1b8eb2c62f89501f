-- CorrelatedEvents and the markers of the NodeRuns waiting for them (LittleHorse correlated events).
CREATE TABLE "correlated_events" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"external_event_def_name" text NOT NULL,
	"key" text NOT NULL,
	"id" text NOT NULL,
	"content" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	CONSTRAINT "correlated_events_tenant_id_external_event_def_name_key_pk" PRIMARY KEY("tenant_id","external_event_def_name","key")
);
--> statement-breakpoint
CREATE TABLE "correlation_markers" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"thread_run_number" integer NOT NULL,
	"node_run_position" integer NOT NULL,
	"external_event_def_name" text NOT NULL,
	"key" text NOT NULL,
	CONSTRAINT "correlation_markers_tenant_id_wf_run_id_thread_run_number_node_run_position_pk" PRIMARY KEY("tenant_id","wf_run_id","thread_run_number","node_run_position")
);
--> statement-breakpoint
CREATE INDEX "correlated_events_by_expiry" ON "correlated_events" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "correlation_markers_by_key" ON "correlation_markers" USING btree ("tenant_id","external_event_def_name","key");