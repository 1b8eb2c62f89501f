CREATE TABLE "workflow_event_defs" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL,
	"def" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflow_event_defs_tenant_id_name_pk" PRIMARY KEY("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "workflow_events" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"workflow_event_def_name" text NOT NULL,
	"number" integer NOT NULL,
	"content" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "workflow_events_tenant_id_wf_run_id_workflow_event_def_name_number_pk" PRIMARY KEY("tenant_id","wf_run_id","workflow_event_def_name","number")
);
