-- Programs' routine calls that succeed (claims, reports, lease extensions, runWf, putExternalEvent) are recorded as
-- one row per minute per principal, tenant and operation, with how many calls it stands for; any other row, one.
ALTER TABLE "audit_log" ADD COLUMN "count" integer DEFAULT 1 NOT NULL;
