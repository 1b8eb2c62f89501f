CREATE TABLE "user_task_defs" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"def" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_task_defs_tenant_id_name_version_pk" PRIMARY KEY("tenant_id","name","version")
);
--> statement-breakpoint
CREATE TABLE "user_task_runs" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"user_task_guid" text NOT NULL,
	"user_task_def_name" text NOT NULL,
	"user_task_def_version" integer NOT NULL,
	"thread_run_number" integer NOT NULL,
	"node_run_position" integer NOT NULL,
	"status" text NOT NULL,
	"user_id" text,
	"user_group" text,
	"notes" text,
	"results" jsonb,
	"epoch" integer NOT NULL,
	"events" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "user_task_runs_tenant_id_wf_run_id_user_task_guid_pk" PRIMARY KEY("tenant_id","wf_run_id","user_task_guid")
);
--> statement-breakpoint
CREATE INDEX "user_task_runs_by_user" ON "user_task_runs" USING btree ("tenant_id","user_id","status","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "user_task_runs_by_group" ON "user_task_runs" USING btree ("tenant_id","user_group","status","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "user_task_runs_by_status" ON "user_task_runs" USING btree ("tenant_id","status","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "user_task_runs_by_def" ON "user_task_runs" USING btree ("tenant_id","user_task_def_name","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "user_task_runs_by_time" ON "user_task_runs" USING btree ("tenant_id","created_at" DESC NULLS LAST);