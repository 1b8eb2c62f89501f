-- Which ExternalEvents each CorrelatedEvent became (LittleHorse's CorrelatedEvent.external_events). The index on
-- the events' ids comes first: the foreign key needs it.
CREATE UNIQUE INDEX "correlated_events_by_id" ON "correlated_events" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE TABLE "correlated_event_deliveries" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"event_id" text NOT NULL,
	"wf_run_id" text NOT NULL,
	"guid" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "correlated_event_deliveries_tenant_id_wf_run_id_guid_pk" PRIMARY KEY("tenant_id","wf_run_id","guid")
);
--> statement-breakpoint
ALTER TABLE "correlated_event_deliveries" ADD CONSTRAINT "correlated_event_deliveries_tenant_id_event_id_correlated_events_tenant_id_id_fk" FOREIGN KEY ("tenant_id","event_id") REFERENCES "public"."correlated_events"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "correlated_event_deliveries_by_event" ON "correlated_event_deliveries" USING btree ("tenant_id","event_id");