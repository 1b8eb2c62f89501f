CREATE TABLE "outbox" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"wf_run_id" text NOT NULL,
	"id" text NOT NULL,
	"effect" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	CONSTRAINT "outbox_tenant_id_wf_run_id_id_pk" PRIMARY KEY("tenant_id","wf_run_id","id")
);
--> statement-breakpoint
CREATE INDEX "outbox_by_age" ON "outbox" USING btree ("created_at");