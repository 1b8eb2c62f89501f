import type { PreparedWfSpec } from './run/prepared.ts';
import type { Catalog, VersionedWfSpec } from './spec/types.ts';

/** Hands out ids that state cannot derive. Deterministic in tests; the server's is random. */
export interface IdSource {
  next(): string;
}

/** Everything a decision may depend on besides the state and the command. */
export interface DecideContext {
  /** Epoch milliseconds chosen by the caller; the engine never reads a clock. */
  readonly now: number;
  readonly ids: IdSource;
  /** The WfSpec version the WfRun is pinned to. */
  readonly wfSpec: VersionedWfSpec;
  /** TaskDefs and other metadata the WfSpec names. */
  readonly catalog: Catalog;
  /**
   * The most bytes (UTF-8 JSON) a value a variable mutation makes may take: a mutation that makes a larger one fails
   * its node with VAR_SUB_ERROR, as a WfRun growing a string or a list in a loop would otherwise grow without end.
   * The server passes its limit on values it is given. No limit when absent.
   */
  readonly maxValueBytes?: number | undefined;
  /**
   * `prepareWfSpec(wfSpec)`, kept by the caller beside the version so that no decision works it out again (the server
   * keeps one per cached version). Used only when made from this very `wfSpec`; worked out per decision otherwise.
   */
  readonly prepared?: PreparedWfSpec | undefined;
}
