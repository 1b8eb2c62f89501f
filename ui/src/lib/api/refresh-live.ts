import { followWfRuns } from './follow-wf-runs.svelte.ts';

/** However many WfRuns change, a list is read again at most this often. */
const GAP_MS = 1_000;

export interface RefreshLiveOptions {
  /** Also read again this often while the page is visible: for changes that touch no WfRun, so send no notice. */
  readonly everyMs?: number | undefined;
}

/**
 * Keeps a list whose rows follow from what WfRuns do up to date, for lists the WfRun summaries do not carry (events
 * sent, thrown, taken): each WfRun change is the cue to `refresh` it, at most once a second however many come, and
 * so is live updates resuming after a gap (a lost connection back, a subscription the server ended made again). A
 * hidden page reads nothing and catches up once when shown. `liveStop` says why updates stopped meanwhile.
 * Call it from the `$effect` that makes the list, and return what it returns.
 */
export function refreshLive(list: { refresh(): Promise<void> }, { everyMs }: RefreshLiveOptions = {}): () => void {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let missed = false;

  const read = () => {
    timer = undefined;
    last = Date.now();
    void list.refresh();
  };
  // The first cue after a quiet second reads at once (on the next task, so a burst's first notices go together);
  // later ones fold into one read at the end of the second.
  const cue = () => {
    if (document.hidden) {
      missed = true;
      return;
    }
    timer ??= setTimeout(read, Math.max(0, last + GAP_MS - Date.now()));
  };
  const shown = () => {
    if (document.hidden || !missed) return;
    missed = false;
    cue();
  };

  const unfollow = followWfRuns(undefined, { changed: cue, resumed: cue });
  document.addEventListener('visibilitychange', shown);
  const poll = everyMs === undefined ? undefined : setInterval(cue, everyMs);
  return () => {
    unfollow();
    document.removeEventListener('visibilitychange', shown);
    clearTimeout(timer);
    clearInterval(poll);
  };
}
