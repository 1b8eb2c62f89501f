-- LittleHorse's metrics windows: counts and times per WfSpec version and per TaskDef, by window.
CREATE TABLE "task_def_metrics" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"task_def_name" text NOT NULL,
	"window_length" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"total_scheduled" bigint DEFAULT 0 NOT NULL,
	"total_started" bigint DEFAULT 0 NOT NULL,
	"total_completed" bigint DEFAULT 0 NOT NULL,
	"total_errored" bigint DEFAULT 0 NOT NULL,
	"schedule_to_start_total_ms" bigint DEFAULT 0 NOT NULL,
	"schedule_to_start_max_ms" bigint DEFAULT 0 NOT NULL,
	"start_to_complete_count" bigint DEFAULT 0 NOT NULL,
	"start_to_complete_total_ms" bigint DEFAULT 0 NOT NULL,
	"start_to_complete_max_ms" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "task_def_metrics_tenant_id_task_def_name_window_length_window_start_pk" PRIMARY KEY("tenant_id","task_def_name","window_length","window_start")
);
--> statement-breakpoint
CREATE TABLE "wf_spec_metrics" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_spec_name" text NOT NULL,
	"major_version" integer NOT NULL,
	"revision" integer NOT NULL,
	"window_length" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"total_started" bigint DEFAULT 0 NOT NULL,
	"total_completed" bigint DEFAULT 0 NOT NULL,
	"total_errored" bigint DEFAULT 0 NOT NULL,
	"start_to_complete_total_ms" bigint DEFAULT 0 NOT NULL,
	"start_to_complete_max_ms" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "wf_spec_metrics_tenant_id_wf_spec_name_window_length_window_start_major_version_revision_pk" PRIMARY KEY("tenant_id","wf_spec_name","window_length","window_start","major_version","revision")
);
