import { evolve, variablesInScope } from '@gallop/engine';
import type { JsonValue, Node, ThreadSpec, VariableType, WfRunState, WfSpec } from '@gallop/engine';
import { client } from '../api/client.ts';
import { WF_RUN, WF_RUN_EVENTS } from '../api/queries.ts';
import type { StoredEvent, WfRunDetail } from '../api/queries.ts';
import { RetryLater } from '../api/retry-later.ts';
import { EMPTY_NODE_RUN_ROWS, foldNodeRunRows, nodeOutputsOf } from './node-run-rows.ts';
import type { NodeRunRow, NodeRunRows } from './node-run-rows.ts';
import { EMPTY_NODE_STATUSES, foldNodeStatuses, nodeStatusOf } from './node-statuses.ts';
import type { NodeStatus, NodeStatuses } from './node-statuses.ts';
import { layoutThreadGraph } from './thread-graph.ts';
import type { ThreadGraph } from './thread-graph.ts';

/** Where the page is in loading the WfRun. */
export type RunPhase = 'loading' | 'ready' | 'not-found' | 'error';

/**
 * How long live events wait to be folded together. A long log streams in as thousands of messages; folding and
 * drawing each alone made a WfRun of 12,000 events take the page half a minute. A frame's worth is too short to see.
 */
const FOLD_EVERY_MS = 16;

/** How the live subscription is doing. */
export type LiveState = 'live' | 'lost';

/** One variable of one ThreadRun, with the type its ThreadSpec declares. */
export interface VariableRow {
  readonly threadRunNumber: number;
  readonly name: string;
  readonly type: VariableType | undefined;
  readonly value: JsonValue;
}

/**
 * A WfRun as the page shows it, kept current from its event log. It loads the WfRun and its events by query,
 * folds them, then subscribes to `wfRunEvents` after the last one and folds new events as they arrive (those of
 * one frame together): the engine's `evolve` for the WfRun's state, and the page's own folds for node colours and
 * the NodeRun table.
 * Every fold is pure, so the view equals what a replay of the log gives, with no polling.
 */
export class RunView {
  readonly wfRunId: string;
  phase = $state<RunPhase>('loading');
  error = $state.raw<unknown>(undefined);
  live = $state<LiveState>('live');
  liveError = $state.raw<unknown>(undefined);

  /** The WfRun's pinned WfSpec version. */
  detail = $state.raw<Omit<WfRunDetail, 'events'> | undefined>(undefined);
  /** The engine's state of the WfRun, folded with `evolve`. */
  state = $state.raw<WfRunState | undefined>(undefined);
  nodeStatuses = $state.raw<NodeStatuses>(EMPTY_NODE_STATUSES);
  nodeRuns = $state.raw<NodeRunRows>(EMPTY_NODE_RUN_ROWS);
  /** Every event folded so far, oldest first. */
  events = $state.raw<readonly StoredEvent[]>([]);
  /** The seq of the last event folded; the subscription resumes after it. */
  seq = $state(0);
  /**
   * Time travel: how many events the page shows folded, or undefined for all of them (the WfRun as it is, live).
   * Moving it back folds a prefix of the log with the same folds, so the moment shown is what a replay gives.
   */
  at = $state<number | undefined>(undefined);
  /** `at` when it names an event before the last; undefined (now) otherwise, as a link may ask for any number. */
  atShown: number | undefined = $derived(this.at !== undefined && this.at >= 1 && this.at < this.events.length ? this.at : undefined);
  /** The state, node statuses and NodeRun rows of the moment shown. */
  shown: { state: WfRunState | undefined; nodeStatuses: NodeStatuses; nodeRuns: NodeRunRows } = $derived(this.#moment());

  spec: WfSpec | undefined = $derived(this.detail?.wfSpec.spec);
  entrypoint: ThreadSpec | undefined = $derived(this.spec?.threadSpecs[this.spec.entrypointThreadName]);
  /** The ThreadRun whose graph the page draws: 0, the entrypoint thread, unless one is chosen. */
  thread = $state(0);
  /** The ThreadSpec of the ThreadRun drawn. */
  threadSpecName: string | undefined = $derived(
    this.shown.state?.threadRuns.find((t) => t.number === this.thread)?.threadSpecName ?? this.spec?.entrypointThreadName,
  );
  // Depends on the spec and the thread chosen only: live events recolour nodes but never lay the graph out again.
  graph: ThreadGraph | undefined = $derived.by(() => {
    const spec = this.threadSpecName ? this.spec?.threadSpecs[this.threadSpecName] : undefined;
    return spec && layoutThreadGraph(spec);
  });
  variables: readonly VariableRow[] = $derived(this.#variableRows(this.shown.state));
  /** The values the drawn ThreadRun sees at the moment shown: its own over its ancestors', as the engine reads them. */
  scope: Readonly<Record<string, JsonValue>> = $derived(variablesInScope(this.shown.state, this.thread));
  /**
   * The outputs of the drawn ThreadRun's nodes at the moment shown, by node name: what a NODE_OUTPUT_REFERENCE reads.
   * From the NodeRun rows, not the state, which drops them when the thread ends: a finished WfRun's conditions are read
   * with the outputs its events carry.
   */
  nodeOutputs: Readonly<Record<string, JsonValue>> = $derived(nodeOutputsOf(this.shown.nodeRuns, this.thread));
  /** Whether the drawn ThreadRun has ended at the moment shown: a node output it lacks then never comes. */
  threadEnded: boolean = $derived(this.shown.state?.threadRuns.find((t) => t.number === this.thread)?.endTime !== undefined);
  /** The NodeRun whose details are open, by row key (`thread/position`). */
  selected = $state<string | undefined>(undefined);
  /** That NodeRun as it was at the moment shown; undefined before it started. */
  selectedRow: NodeRunRow | undefined = $derived.by(() => {
    const at = this.selected === undefined ? undefined : this.shown.nodeRuns.index[this.selected];
    return at === undefined ? undefined : this.shown.nodeRuns.rows[at];
  });
  /** The WfSpec's node that NodeRun runs, from its ThreadRun's ThreadSpec. */
  selectedNode: Node | undefined = $derived.by(() => {
    const row = this.selectedRow;
    const threadSpecName = row && this.shown.state?.threadRuns.find((t) => t.number === row.threadRunNumber)?.threadSpecName;
    return row && threadSpecName ? this.spec?.threadSpecs[threadSpecName]?.nodes[row.nodeName] : undefined;
  });

  #unsubscribe: (() => void) | undefined;
  // A lost follow tries again by itself: a server that went away comes back, and the log resumes after the last
  // event folded.
  readonly #retry = new RetryLater(() => this.follow());
  #disposed = false;
  /** Live events received and not folded yet, oldest first. */
  #arrived: StoredEvent[] = [];
  #foldTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(wfRunId: string) {
    this.wfRunId = wfRunId;
  }

  /** Loads the WfRun, folds its log and follows it live. Call `dispose` when the page goes. */
  async start(): Promise<void> {
    this.phase = 'loading';
    this.error = undefined;
    let data: { wfRun: WfRunDetail | null };
    try {
      data = await client.request<{ wfRun: WfRunDetail | null }>(WF_RUN, { id: this.wfRunId });
    } catch (error) {
      if (this.#disposed) return;
      this.error = error;
      this.phase = 'error';
      return;
    }
    if (this.#disposed) return;
    if (!data.wfRun) {
      this.phase = 'not-found';
      return;
    }
    const { events, ...detail } = data.wfRun;
    this.detail = detail;
    this.#reset();
    try {
      this.#fold(events);
    } catch (error) {
      this.error = error;
      this.phase = 'error';
      return;
    }
    this.phase = 'ready';
    this.follow();
  }

  /** (Re)subscribes to the events after the last one folded. */
  follow(): void {
    this.#retry.cancel();
    this.#unsubscribe?.();
    // Events of the old stream not folded yet come again on the new one.
    this.#dropArrived();
    // graphql-ws says nothing until the first event, and retries a dropped socket itself; only an error or the
    // end of the stream means the page is no longer live.
    this.live = 'live';
    this.liveError = undefined;
    // From the last event folded, not the query's lastSeq: the events field reads one page of a long log (the
    // subscription streams the rest), and it may also have read a log newer than lastSeq.
    const afterSeq = this.seq;
    this.#unsubscribe = client.subscribe<{ wfRunEvents: StoredEvent }>(
      WF_RUN_EVENTS,
      { id: this.wfRunId, afterSeq },
      {
        next: (data) => {
          this.#arrived.push(data.wfRunEvents);
          this.#foldTimer ??= setTimeout(() => this.#foldArrived(), FOLD_EVERY_MS);
        },
        // What arrived before the stream broke is part of the log all the same.
        error: (error) => this.#foldArrived() && this.#lose(error),
        complete: () => this.#foldArrived() && this.#lose(new Error('The server ended the stream of events.')),
      },
    );
  }

  /** Opens the latest NodeRun of a node of the drawn ThreadRun at the moment shown, if it has run. */
  selectNode(nodeName: string): void {
    const row = this.shown.nodeRuns.rows.findLast((r) => r.threadRunNumber === this.thread && r.nodeName === nodeName);
    if (row) this.selected = row.key;
  }

  /** The colour of a node of the ThreadRun drawn, at the moment shown: its latest NodeRun's status, or PENDING. */
  statusOf(nodeName: string): NodeStatus {
    return nodeStatusOf(this.shown.nodeStatuses, this.thread, nodeName);
  }

  #moment(): { state: WfRunState | undefined; nodeStatuses: NodeStatuses; nodeRuns: NodeRunRows } {
    const { atShown: at, events } = this;
    if (at === undefined) return { state: this.state, nodeStatuses: this.nodeStatuses, nodeRuns: this.nodeRuns };
    let state: WfRunState | undefined;
    let nodeStatuses = EMPTY_NODE_STATUSES;
    let nodeRuns = EMPTY_NODE_RUN_ROWS;
    for (const stored of events.slice(0, at)) {
      state = evolve(state, stored.event);
      nodeStatuses = foldNodeStatuses(nodeStatuses, stored.event);
      nodeRuns = foldNodeRunRows(nodeRuns, stored.event);
    }
    return { state, nodeStatuses, nodeRuns };
  }

  dispose(): void {
    this.#disposed = true;
    this.#dropArrived();
    this.#retry.stop();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #reset(): void {
    this.state = undefined;
    this.nodeStatuses = EMPTY_NODE_STATUSES;
    this.nodeRuns = EMPTY_NODE_RUN_ROWS;
    this.events = [];
    this.seq = 0;
  }

  /**
   * Folds events in seq order, skipping any already folded (a reconnect replays from where it began). The events
   * before one that cannot be folded are kept; that one is thrown.
   */
  #fold(batch: readonly StoredEvent[]): void {
    let { state, nodeStatuses, nodeRuns, seq } = this;
    const fresh: StoredEvent[] = [];
    let failure: unknown;
    for (const stored of batch) {
      if (stored.seq <= seq) continue;
      try {
        // Folding past a hole would show a state no replay gives; stopping lets Reconnect read the log from here.
        if (stored.seq !== seq + 1) throw new Error(`Event ${seq + 1} of WfRun ${this.wfRunId} is missing: the next one is ${stored.seq}.`);
        const next = evolve(state, stored.event);
        [state, nodeStatuses, nodeRuns] = [next, foldNodeStatuses(nodeStatuses, stored.event), foldNodeRunRows(nodeRuns, stored.event)];
      } catch (error) {
        failure = error;
        break;
      }
      seq = stored.seq;
      fresh.push(stored);
    }
    if (fresh.length > 0) {
      this.state = state;
      this.nodeStatuses = nodeStatuses;
      this.nodeRuns = nodeRuns;
      this.events = [...this.events, ...fresh];
      this.seq = seq;
    }
    if (failure !== undefined) throw failure;
  }

  /** Folds the live events waiting; false when that failed and the page stopped following. */
  #foldArrived(): boolean {
    const batch = this.#arrived;
    this.#dropArrived();
    try {
      this.#fold(batch);
      return true;
    } catch (error) {
      // A fold that fails means the log and the view disagree; stop rather than show a wrong state, and do not try
      // again by itself: the same event would fail the same way.
      this.#lose(error, false);
      return false;
    }
  }

  #dropArrived(): void {
    clearTimeout(this.#foldTimer);
    this.#foldTimer = undefined;
    this.#arrived = [];
  }

  #lose(error: unknown, retry = true): void {
    if (this.#disposed) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.live = 'lost';
    this.liveError = error;
    if (retry) this.#retry.schedule();
    else this.#retry.cancel();
  }

  #variableRows(state: WfRunState | undefined): VariableRow[] {
    const { spec } = this;
    if (!state || !spec) return [];
    return state.threadRuns.flatMap((thread) => {
      const defs = spec.threadSpecs[thread.threadSpecName]?.variableDefs ?? [];
      // In the order the ThreadSpec declares them, not the order they were last assigned.
      const order = (name: string) => {
        const at = defs.findIndex((d) => d.name === name);
        return at === -1 ? defs.length : at;
      };
      return Object.entries(thread.variables)
        .sort(([a], [b]) => order(a) - order(b))
        .map(([name, value]) => ({ threadRunNumber: thread.number, name, type: defs[order(name)]?.type, value }));
    });
  }
}

