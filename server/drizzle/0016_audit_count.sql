-- Workers' routine calls (claims, reports, lease extensions that succeed) are recorded as one row per minute per
-- principal, tenant and operation, with how many calls it stands for; every other row stands for one.
ALTER TABLE "audit_log" ADD COLUMN "count" integer DEFAULT 1 NOT NULL;
