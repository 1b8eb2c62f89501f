import type { UserTaskEventInfo, UserTaskRunInfo } from '@gallop/sdk';
import { client } from '../api/client.ts';
import { describeError, refusal } from '../api/errors.ts';
import { permissions } from '../api/permissions.svelte.ts';
import { WF_RUN_LAST_SEQ } from '../api/queries.ts';
import { RetryLater } from '../api/retry-later.ts';

/** What a fresh read of the task brought. */
export interface UserTaskRunNews {
  /** The task as the form had it before; undefined for the first read. */
  readonly before: UserTaskRunInfo | undefined;
  /** It answers one of the form's own actions. */
  readonly own: boolean;
  /** The history entries someone else added since `before`: none for the form's own actions. */
  readonly elsewhere: readonly UserTaskEventInfo[];
}

/**
 * One UserTaskRun as the server has it, kept current while a form shows it: read once, then again whenever an event
 * about it arrives on the WfRun's `wfRunEvents` (followed here with `follow`, or by a caller that already follows
 * the WfRun and calls `read`). Answers to the form's own actions (`act`) are taken as they come; what a read brings
 * beyond them is someone else's doing. Reads never move the task back: the history only grows, so a shorter one is
 * an older answer.
 */
export class LiveUserTaskRun {
  readonly wfRunId: string;
  readonly userTaskGuid: string;
  /** The task as last read or answered; undefined until the first answer. */
  run = $state.raw<UserTaskRunInfo | undefined>(undefined);
  /** Why it could not be read. */
  readError = $state<string | undefined>(undefined);
  /** Why the form is not following the WfRun now (it tries again by itself). */
  liveError = $state<string | undefined>(undefined);
  /** `follow` is subscribed: every change from now on reaches the form. */
  following = $state(false);

  readonly #onnews: (run: UserTaskRunInfo, news: UserTaskRunNews) => void;
  #reading = false;
  #acting = 0;
  /** A read was asked for while one ran or an action was under way. */
  #again = false;
  /** A read tried again after a failed one; stopped when the form is gone. */
  readonly #retry = new RetryLater(() => this.read());
  /** The task is gone (its WfRun deleted): nothing is followed again. */
  #gone = false;

  constructor(wfRunId: string, userTaskGuid: string, onnews: (run: UserTaskRunInfo, news: UserTaskRunNews) => void) {
    this.wfRunId = wfRunId;
    this.userTaskGuid = userTaskGuid;
    this.#onnews = onnews;
  }

  /** Reads the task again; reads asked for meanwhile come to one more once it is answered. */
  read(): void {
    // While an action runs, a read could bring its own change back first and pass it off as someone else's.
    if (this.#reading || this.#acting > 0) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    this.#again = false;
    client
      .userTaskRun(this.wfRunId, this.userTaskGuid)
      .then(
        (found) => {
          if (!found) {
            // Deleted with its WfRun: there is nothing left to follow or read again.
            this.#gone = true;
            return void (this.readError = 'the UserTaskRun is gone.');
          }
          this.readError = undefined;
          if (this.#acting > 0) this.#again = true;
          else this.#take(found, true);
        },
        (error: unknown) => {
          this.readError = refusal(error).text;
          // Reads come only with news about the task: without a retry, one lost read would stand until the next.
          if (this.#gone) this.#retry.cancel();
          else this.#retry.schedule();
        },
      )
      .finally(() => {
        this.#reading = false;
        if (this.#again) this.read();
      });
  }

  /** Runs one of the form's own actions; its answer is the task as it now stands, and is not someone else's news. */
  async act(action: () => Promise<UserTaskRunInfo>): Promise<UserTaskRunInfo> {
    this.#acting++;
    try {
      const answer = await action();
      this.#take(answer, false);
      return answer;
    } finally {
      this.#acting--;
      if (this.#acting === 0 && this.#again) this.read();
    }
  }

  /**
   * Follows the WfRun's events itself, from its last one, and reads the task on each event about it (and once at the
   * start, and after a lost follow resumes). Returns what stops it.
   */
  follow(): () => void {
    let unsubscribe = () => {};
    let afterSeq: number | undefined;
    const retry = new RetryLater(() => void start());
    const lose = (error: unknown) => {
      if (retry.stopped) return;
      unsubscribe();
      this.following = false;
      this.liveError = describeError(error).detail;
      if (this.#gone) retry.cancel();
      else retry.schedule();
    };
    const start = async () => {
      const denied = permissions.denied('wfRunEvents');
      if (denied) {
        this.liveError = denied;
        return this.read();
      }
      try {
        // From the WfRun's last event: the read below sees everything before it, the subscription everything after.
        afterSeq ??= (await client.request<{ wfRun: { lastSeq: number } | null }>(WF_RUN_LAST_SEQ, { id: this.wfRunId })).wfRun?.lastSeq ?? 0;
      } catch (error) {
        this.read();
        return lose(error);
      }
      if (retry.stopped) return;
      this.liveError = undefined;
      unsubscribe = client.wfRunEvents(
        this.wfRunId,
        {
          next: (stored) => {
            afterSeq = stored.seq;
            const event = stored.event;
            if ('userTaskGuid' in event && event.userTaskGuid === this.userTaskGuid) this.read();
          },
          error: lose,
          complete: () => lose(new Error('The server ended the stream of events.')),
        },
        afterSeq,
      );
      this.following = true;
      this.read();
    };
    void start();
    return () => {
      retry.stop();
      this.following = false;
      unsubscribe();
      this.close();
    };
  }

  /** The form is gone: no read is tried again. */
  close(): void {
    this.#retry.stop();
  }

  #take(found: UserTaskRunInfo, read: boolean): void {
    const before = this.run;
    if (before && found.events.length < before.events.length) return;
    this.run = found;
    const elsewhere = read && before ? found.events.slice(before.events.length) : [];
    this.#onnews(found, { before, own: !read, elsewhere });
  }
}
