-- deleteWfSpec and deleteUserTaskDef mark a version deleted rather than remove it: the WfRuns and UserTaskRuns
-- made with it still need it, and its number must never mean another spec.
ALTER TABLE "user_task_defs" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "wf_specs" ADD COLUMN "deleted_at" timestamp with time zone;