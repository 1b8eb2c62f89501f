CREATE TABLE "node_runs" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"thread_run_number" integer NOT NULL,
	"position" integer NOT NULL,
	"node_name" text NOT NULL,
	"node_type" text NOT NULL,
	"status" text NOT NULL,
	"arrival_time" timestamp with time zone NOT NULL,
	"end_time" timestamp with time zone,
	"failure" jsonb,
	"task_guid" text,
	CONSTRAINT "node_runs_tenant_id_wf_run_id_thread_run_number_position_pk" PRIMARY KEY("tenant_id","wf_run_id","thread_run_number","position")
);
--> statement-breakpoint
CREATE TABLE "task_defs" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL,
	"def" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_defs_tenant_id_name_pk" PRIMARY KEY("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "task_runs" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"task_guid" text NOT NULL,
	"task_def_name" text NOT NULL,
	"status" text NOT NULL,
	"attempt" integer NOT NULL,
	"input" jsonb NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"worker_id" text,
	"started_at" timestamp with time zone,
	"lease_expires_at" timestamp with time zone,
	"attempts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "task_runs_tenant_id_wf_run_id_task_guid_pk" PRIMARY KEY("tenant_id","wf_run_id","task_guid")
);
--> statement-breakpoint
CREATE TABLE "variables" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"thread_run_number" integer NOT NULL,
	"name" text NOT NULL,
	"value" jsonb,
	CONSTRAINT "variables_tenant_id_wf_run_id_thread_run_number_name_pk" PRIMARY KEY("tenant_id","wf_run_id","thread_run_number","name")
);
--> statement-breakpoint
CREATE TABLE "wf_run_events" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"event" jsonb NOT NULL,
	CONSTRAINT "wf_run_events_tenant_id_wf_run_id_seq_pk" PRIMARY KEY("tenant_id","wf_run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "wf_runs" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"id" text NOT NULL,
	"wf_spec_name" text NOT NULL,
	"major_version" integer NOT NULL,
	"revision" integer NOT NULL,
	"status" text NOT NULL,
	"start_time" timestamp with time zone NOT NULL,
	"end_time" timestamp with time zone,
	"error_message" text,
	"state" jsonb NOT NULL,
	"seq" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "wf_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "wf_specs" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL,
	"major_version" integer NOT NULL,
	"revision" integer NOT NULL,
	"spec" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wf_specs_tenant_id_name_major_version_revision_pk" PRIMARY KEY("tenant_id","name","major_version","revision")
);
--> statement-breakpoint
CREATE INDEX "task_runs_queue" ON "task_runs" USING btree ("tenant_id","task_def_name","scheduled_at") WHERE status = 'TASK_SCHEDULED';--> statement-breakpoint
CREATE INDEX "wf_runs_by_spec" ON "wf_runs" USING btree ("tenant_id","wf_spec_name","start_time" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "wf_runs_by_start" ON "wf_runs" USING btree ("tenant_id","start_time" DESC NULLS LAST);