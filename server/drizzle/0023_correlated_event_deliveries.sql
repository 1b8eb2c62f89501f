-- Which ExternalEvents each CorrelatedEvent became (LittleHorse's CorrelatedEvent.external_events).
ALTER TABLE "correlated_events" ADD COLUMN "external_events" jsonb DEFAULT '[]'::jsonb NOT NULL;