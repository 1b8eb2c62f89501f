-- Which workers claim each TaskDef, and when each was last seen (TaskDef.workers; LittleHorse TaskWorkerGroup).
CREATE TABLE "task_workers" (
	"tenant_id" text DEFAULT 'default' NOT NULL,
	"task_def_name" text NOT NULL,
	"worker_id" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "task_workers_tenant_id_task_def_name_worker_id_pk" PRIMARY KEY("tenant_id","task_def_name","worker_id")
);
--> statement-breakpoint
CREATE INDEX "task_workers_by_time" ON "task_workers" USING btree ("last_seen_at");