CREATE TABLE "timers" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"timer_id" text NOT NULL,
	"fire_at" timestamp with time zone NOT NULL,
	"purpose" jsonb NOT NULL,
	"locked_until" timestamp with time zone,
	CONSTRAINT "timers_tenant_id_wf_run_id_timer_id_pk" PRIMARY KEY("tenant_id","wf_run_id","timer_id")
);
--> statement-breakpoint
CREATE INDEX "timers_due" ON "timers" USING btree ("fire_at");--> statement-breakpoint
CREATE INDEX "task_runs_leases" ON "task_runs" USING btree ("lease_expires_at") WHERE status = 'TASK_RUNNING';