CREATE TABLE "scheduled_wf_runs" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"id" text NOT NULL,
	"wf_spec_name" text NOT NULL,
	"major_version" integer,
	"revision" integer,
	"variables" jsonb NOT NULL,
	"cron_expression" text NOT NULL,
	"next_fire_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"last_wf_run_id" text,
	CONSTRAINT "scheduled_wf_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE INDEX "scheduled_wf_runs_due" ON "scheduled_wf_runs" USING btree ("next_fire_at");--> statement-breakpoint
CREATE INDEX "scheduled_wf_runs_by_spec" ON "scheduled_wf_runs" USING btree ("tenant_id","wf_spec_name","id");