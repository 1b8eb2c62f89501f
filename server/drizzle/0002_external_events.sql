CREATE TABLE "external_event_defs" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL,
	"def" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "external_event_defs_tenant_id_name_pk" PRIMARY KEY("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "external_events" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"guid" text NOT NULL,
	"external_event_def_name" text NOT NULL,
	"content" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"claimed" boolean DEFAULT false NOT NULL,
	"thread_run_number" integer,
	"node_run_position" integer,
	CONSTRAINT "external_events_tenant_id_wf_run_id_guid_pk" PRIMARY KEY("tenant_id","wf_run_id","guid")
);
--> statement-breakpoint
CREATE INDEX "external_events_by_def" ON "external_events" USING btree ("tenant_id","external_event_def_name","created_at");