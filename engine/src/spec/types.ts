import type { Comparator } from '../values/compare.ts';
import type { MutationType } from '../values/mutate.ts';
import type { JsonValue, VariableType } from '../values/value.ts';

/** Names a WfSpec version: a WfRun is pinned to the one it started on. */
export interface WfSpecId {
  readonly name: string;
  readonly majorVersion: number;
  readonly revision: number;
}

/** A typed unit of work that Task Workers execute, like a method signature. */
export interface TaskDef {
  readonly name: string;
  /** Ordered inputs; a TASK node passes its `inputs` positionally. */
  readonly inputVars: readonly VariableDef[];
  /** What the task returns; absent when it returns nothing. */
  readonly returnType?: VariableType | undefined;
  /** What it returns is a secret: the engine uses it as it is, and the API shows it as `*****` (LittleHorse). */
  readonly maskedOutput?: boolean | undefined;
  readonly description?: string | undefined;
}

export interface VariableDef {
  readonly name: string;
  readonly type: VariableType;
  /** Its values are secrets: the engine uses them as they are, and the API shows them as `*****` (LittleHorse). */
  readonly masked?: boolean | undefined;
}

/** One field of the form a person fills in to complete a UserTaskRun. */
export interface UserTaskField {
  readonly name: string;
  /** STR, INT, DOUBLE or BOOL: LittleHorse's user task fields are primitive. */
  readonly type: VariableType;
  readonly description?: string | undefined;
  /** What a form shows instead of the name. */
  readonly displayName?: string | undefined;
  /** A completion must give a (non-NULL) value for it. */
  readonly required?: boolean | undefined;
}

/** The form of a task that a person, not a Task Worker, does; versioned from 0, as in LittleHorse. */
export interface UserTaskDef {
  readonly name: string;
  readonly version: number;
  readonly fields: readonly UserTaskField[];
  readonly description?: string | undefined;
}

/** A variable declared by a ThreadSpec. Names are unique across a WfSpec, as in LittleHorse. */
export interface ThreadVarDef extends VariableDef {
  /** RunWf must provide a value for it. */
  readonly required?: boolean | undefined;
  /** The value it starts with when RunWf gives none. */
  readonly defaultValue?: JsonValue | undefined;
  /** Indexed so WfRuns can be searched by its value. */
  readonly searchable?: boolean | undefined;
}

/**
 * What every assignment may add: a type to cast the value to once it is read (LittleHorse's target_type), such as a
 * STR "42" to the INT 42. Only casts LittleHorse allows (values/cast.ts canCast); one that fails when the WfRun runs
 * fails the node with VAR_SUB_ERROR.
 */
export interface Castable {
  readonly targetType?: VariableType | undefined;
}

/** Where a value comes from when a node or mutation needs one. */
export type VariableAssignment =
  /** The current value of a variable in scope, or of a JSON path inside it (JSON_OBJ and JSON_ARR only). */
  | ({ readonly type: 'VARIABLE'; readonly variableName: string; readonly jsonPath?: string | undefined } & Castable)
  /** A constant written in the spec. */
  | ({ readonly type: 'LITERAL'; readonly value: JsonValue } & Castable)
  | FormatStringAssignment
  | ExpressionAssignment
  | SizeOfAssignment
  | NodeOutputReferenceAssignment;

/**
 * The output of an earlier node of the same thread, by name (LittleHorse's node_output, a NodeOutputReference): that
 * of the most recent NodeRun of `nodeName` in this ThreadRun that completed with an output, or the value at
 * `jsonPath` in it. None yet (the node has not completed in this ThreadRun, or completed without an output, as a
 * WAIT_FOR_CHILD_WF whose child returned nothing) fails the node reading it with VAR_SUB_ERROR. Named apart from a
 * mutation's NODE_OUTPUT, which is the output of the node the edge leaves and names no node.
 */
export interface NodeOutputReferenceAssignment extends Castable {
  readonly type: 'NODE_OUTPUT_REFERENCE';
  /** A node of the same ThreadSpec that has an output (TASK, EXTERNAL_EVENT, USER_TASK, START_THREAD, ...). */
  readonly nodeName: string;
  /** A path into the output; it must then be a JSON_OBJ or JSON_ARR. A path missing inside it reads as NULL. */
  readonly jsonPath?: string | undefined;
}

/**
 * A STR made from a template and arguments (LittleHorse's format_string, Java's MessageFormat): `{0}`, `{1}`, ...
 * in `format` are replaced by the values of `args`, in order. `format` is usually a LITERAL STR.
 */
export interface FormatStringAssignment extends Castable {
  readonly type: 'FORMAT_STRING';
  readonly format: VariableAssignment;
  readonly args: readonly VariableAssignment[];
}

/**
 * A value computed from two (LittleHorse's expression), with exactly one of `operation` and `comparator`. With an
 * `operation`: `lhs` changed by it with `rhs`, as a mutation of a variable holding `lhs` would change it, without
 * changing any variable; its type is the left side's, except that an INT with a DOUBLE is computed as a DOUBLE, and
 * AND and OR of two BOOLs make a BOOL. With a `comparator`: whether `lhs comparator rhs` holds, a BOOL, as an edge
 * condition compares.
 */
export interface ExpressionAssignment extends Castable {
  readonly type: 'EXPRESSION';
  readonly lhs: VariableAssignment;
  readonly operation?: MutationType | undefined;
  readonly comparator?: Comparator | undefined;
  readonly rhs: VariableAssignment;
}

/** The length of a STR or the number of elements of a JSON_ARR, an INT (LittleHorse's size_of). */
export interface SizeOfAssignment extends Castable {
  readonly type: 'SIZE_OF';
  readonly operand: VariableAssignment;
}

/** The right-hand side of a mutation: any assignment, or the output (or a JSON path in it) of the node the edge leaves. */
export type MutationSource = VariableAssignment | ({ readonly type: 'NODE_OUTPUT'; readonly jsonPath?: string | undefined } & Castable);

export type MutationOperation = MutationType;

/** A change to a variable, made when an edge is taken. */
export interface VariableMutation {
  readonly lhsName: string;
  /** Changes only the value at this path inside a JSON_OBJ or JSON_ARR variable. */
  readonly lhsJsonPath?: string | undefined;
  readonly operation: MutationOperation;
  readonly rhs: MutationSource;
}

/** `left comparator right`; the edge is taken when it holds. */
export interface EdgeCondition {
  readonly comparator: Comparator;
  readonly left: VariableAssignment;
  readonly right: VariableAssignment;
}

/**
 * When an edge is taken or a WAIT_FOR_CONDITION stops waiting: `left comparator right` (LittleHorse's
 * legacy_condition), or any value that is a BOOL (LittleHorse's condition): a BOOL variable, a comparing
 * EXPRESSION, an AND or OR of them. One that is not a BOOL when the WfRun gets there fails the node with
 * VAR_SUB_ERROR.
 */
export type Condition = EdgeCondition | VariableAssignment;

export interface Edge {
  readonly sinkNodeName: string;
  /** Edges are tried in order; the first whose condition holds (or that has none) is taken. */
  readonly condition?: Condition | undefined;
  /** Run in order when the edge is taken. */
  readonly variableMutations?: readonly VariableMutation[] | undefined;
}

/**
 * Catches a failure of a node and runs a handler thread. Matches `specificFailure` by name (with LittleHorse's
 * aliases VAR_ERROR and TASK_ERROR), or every ERROR or every EXCEPTION by `anyFailureOfType`, or, with
 * neither, any failure. The first matching handler of a node wins.
 */
export interface FailureHandlerDef {
  readonly handlerSpecName: string;
  readonly specificFailure?: string | undefined;
  readonly anyFailureOfType?: 'FAILURE_TYPE_ERROR' | 'FAILURE_TYPE_EXCEPTION' | undefined;
}

interface NodeBase {
  readonly outgoingEdges?: readonly Edge[] | undefined;
  /** Tried in order when the node fails. */
  readonly failureHandlers?: readonly FailureHandlerDef[] | undefined;
}

/** Where a thread starts; one per ThreadSpec, with no incoming edges. */
export interface EntrypointNode extends NodeBase {
  readonly type: 'ENTRYPOINT';
}

/** How long to wait before each retry: `min(baseIntervalMs * multiplier^(n-1), maxDelayMs)` before retry n. */
export interface ExponentialBackoff {
  readonly baseIntervalMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
}

/** Runs a TaskDef on a Task Worker and waits for its TaskRun to finish. */
export interface TaskNode extends NodeBase {
  readonly type: 'TASK';
  /** The TaskDef it runs; exactly one of this and `dynamicTaskDefName`. */
  readonly taskDefName?: string | undefined;
  /** A STR naming the TaskDef when the node runs (LittleHorse's dynamic task); one not registered is VAR_SUB_ERROR. */
  readonly dynamicTaskDefName?: VariableAssignment | undefined;
  /** Seconds a worker has from claiming an attempt to reporting it; then the attempt times out. Absent: the leaseMs the worker's claim asked for. */
  readonly timeoutSeconds?: number | undefined;
  /** One per input of the TaskDef, in its order. */
  readonly inputs?: readonly VariableAssignment[] | undefined;
  /** Attempts after the first for errors and timeouts (never for business exceptions). Default 0. */
  readonly retries?: number | undefined;
  /** Without it, a retry is scheduled at once. */
  readonly exponentialBackoff?: ExponentialBackoff | undefined;
}

/** A business failure an EXIT node throws. Its name may not be one of the reserved ERROR names. */
export interface FailureDef {
  readonly failureName: string;
  readonly message: string;
  readonly content?: VariableAssignment | undefined;
}

/**
 * Ends the thread; ending thread 0 ends the WfRun. With `failureDef` it fails the thread with that EXCEPTION; with
 * `returnContent` the thread completes with that output (thread 0's is the WfRun's). Never both.
 */
export interface ExitNode extends NodeBase {
  readonly type: 'EXIT';
  readonly failureDef?: FailureDef | undefined;
  /** The thread's output (LittleHorse's return_content); a value that cannot be evaluated fails the EXIT with VAR_ERROR. */
  readonly returnContent?: VariableAssignment | undefined;
}

/** Does nothing; where branches split and join (the SDK's doIf and doWhile are made of NOPs). */
export interface NopNode extends NodeBase {
  readonly type: 'NOP';
}

/** Starts a child ThreadRun of `threadSpecName`, which runs beside this one; outputs the child's number (INT). */
export interface StartThreadNode extends NodeBase {
  readonly type: 'START_THREAD';
  readonly threadSpecName: string;
  /** Values for the child's own variables, by name. */
  readonly variables?: Readonly<Record<string, VariableAssignment>> | undefined;
}

/**
 * Waits for child ThreadRuns (LittleHorse's strategies): WAIT_FOR_ALL until every one completes, a failed one
 * failing the node; WAIT_FOR_FIRST until the first in list order ends, succeeding or failing with it;
 * WAIT_FOR_ANY until one completes, failing only when all failed. The ones no longer needed are halted for good.
 */
export interface WaitForThreadsNode extends NodeBase {
  readonly type: 'WAIT_FOR_THREADS';
  readonly strategy?: 'WAIT_FOR_ALL' | 'WAIT_FOR_FIRST' | 'WAIT_FOR_ANY' | undefined;
  /** Each an INT thread number (what a START_THREAD node outputs) or a JSON_ARR of them; waited for in order. */
  readonly threads: readonly VariableAssignment[];
  /**
   * Tried in order on each waited-for child that failed: the first that catches its failure runs a handler thread as
   * the failed child's child. When it completes the child counts as handled; when it fails, as failed with its failure.
   */
  readonly perThreadFailureHandlers?: readonly FailureHandlerDef[] | undefined;
}

/** Waits for a number of seconds, until an epoch-milliseconds timestamp, or until an ISO-8601 date; exactly one. */
export interface SleepNode extends NodeBase {
  readonly type: 'SLEEP';
  /** An INT number of seconds. */
  readonly rawSeconds?: VariableAssignment | undefined;
  /** An INT epoch-milliseconds time (LittleHorse's timestamp). */
  readonly timestamp?: VariableAssignment | undefined;
  /** A STR date and time with its offset, such as 2026-12-24T18:00:00Z (LittleHorse's iso_date). */
  readonly isoDate?: VariableAssignment | undefined;
}

/**
 * Waits for an ExternalEvent of a def sent to this WfRun; its content is the node's output. Events that arrived
 * before the thread got here wait for it, and are taken oldest first.
 */
export interface ExternalEventNode extends NodeBase {
  readonly type: 'EXTERNAL_EVENT';
  readonly externalEventDefName: string;
  /** An INT number of seconds after which the node fails with TIMEOUT. */
  readonly timeoutSeconds?: VariableAssignment | undefined;
  /**
   * A STR: the node also takes the CorrelatedEvent of its def with this key, which the world sends without knowing
   * the WfRun (LittleHorse's correlated events; the def must have a correlatedEventConfig).
   */
  readonly correlationKey?: VariableAssignment | undefined;
  /** The key is a secret: the API shows it as `*****`. */
  readonly maskCorrelationKey?: boolean | undefined;
}

/** Starts one child ThreadRun per element of a JSON_ARR; outputs their numbers as a JSON_ARR. */
export interface StartMultipleThreadsNode extends NodeBase {
  readonly type: 'START_MULTIPLE_THREADS';
  readonly threadSpecName: string;
  /** A JSON_ARR; each element goes to its child's INPUT variable when the child declares one. */
  readonly iterable: VariableAssignment;
  /** Values for the children's other variables, by name, the same for each. */
  readonly variables?: Readonly<Record<string, VariableAssignment>> | undefined;
}

/** Throws a WorkflowEvent of a def with `content`, which clients waiting on awaitWorkflowEvent receive. */
export interface ThrowEventNode extends NodeBase {
  readonly type: 'THROW_EVENT';
  readonly workflowEventDefName: string;
  readonly content?: VariableAssignment | undefined;
}

/** Waits until `condition` holds, checked again whenever the WfRun moves (another thread may change a variable). */
export interface WaitForConditionNode extends NodeBase {
  readonly type: 'WAIT_FOR_CONDITION';
  readonly condition: Condition;
}

/**
 * Starts a WfRun of another WfSpec as a child of this one and completes at once (LittleHorse: it does not wait);
 * outputs the child's WfRun id. WAIT_FOR_CHILD_WF waits for it.
 */
export interface RunChildWfNode extends NodeBase {
  readonly type: 'RUN_CHILD_WF';
  readonly wfSpecName: string;
  /** Pins a major version; without it the child runs the newest. */
  readonly majorVersion?: number | undefined;
  /** Values for the child's entrypoint variables, by name. */
  readonly inputs?: Readonly<Record<string, VariableAssignment>> | undefined;
}

/**
 * Waits until a child WfRun this WfRun started has ended; completes with the child's output, fails with
 * CHILD_FAILURE when the child failed with an ERROR, or re-throws the child's EXCEPTION.
 */
export interface WaitForChildWfNode extends NodeBase {
  readonly type: 'WAIT_FOR_CHILD_WF';
  /** The child's WfRun id, as a RUN_CHILD_WF node output it (usually kept in a variable). */
  readonly childWfRunId: VariableAssignment;
}

/** When a user task action's delay starts. */
export type UserTaskActionHook =
  /** Once, when the UserTaskRun is created. */
  | 'ON_ARRIVAL'
  /** Whenever the task is assigned to a user other than the one it had, creation included; group changes do not count. */
  | 'ON_TASK_ASSIGNED';

/** What a user task action does when its delay has passed. */
export type UserTaskActionKind =
  /**
   * Hands the task to `userId` and/or `userGroup` (a user left out is cleared, so a group alone releases the task to
   * its group), but only if it is still ASSIGNED to the user it had when the delay started: a deadline that reassigns.
   */
  | { readonly type: 'REASSIGN'; readonly userId?: VariableAssignment | undefined; readonly userGroup?: VariableAssignment | undefined }
  /** Cancels the task if it is still open: a deadline that fails the node. */
  | { readonly type: 'CANCEL' }
  /**
   * Runs a TaskRun, such as a reminder, if the task is still open: its inputs are evaluated when the delay has passed,
   * and its result moves nothing (LittleHorse's UTATask). Unlike a REASSIGN it also fires after the task changed hands.
   */
  | { readonly type: 'TASK'; readonly task: UserTaskActionTask };

/**
 * The TaskRun a TASK action runs: what a TASK node says of one (TaskDef, inputs, timeout, retries), without edges or
 * failure handlers, since its failure fails nothing (LittleHorse's UTATask.task is a TaskNode).
 */
export type UserTaskActionTask = Omit<TaskNode, 'type' | 'outgoingEdges' | 'failureHandlers'>;

/** Something done to a UserTaskRun `delaySeconds` after `hook` (LittleHorse's UTActionTrigger). */
export interface UserTaskAction {
  readonly hook: UserTaskActionHook;
  /** An INT number of seconds, evaluated when the hook fires. */
  readonly delaySeconds: VariableAssignment;
  readonly action: UserTaskActionKind;
}

/**
 * Waits for a person to complete a UserTaskRun of a UserTaskDef; its output is a JSON_OBJ of the results, by field.
 * Assigned to `userId`, to `userGroup`, or to a user within a group; at least one must be given.
 */
export interface UserTaskNode extends NodeBase {
  readonly type: 'USER_TASK';
  readonly userTaskDefName: string;
  /** The version the node pins; absent means the one in the catalog. */
  readonly userTaskDefVersion?: number | undefined;
  /** A STR. */
  readonly userId?: VariableAssignment | undefined;
  /** A STR. */
  readonly userGroup?: VariableAssignment | undefined;
  /** A STR shown to whoever does the task. */
  readonly notes?: VariableAssignment | undefined;
  /**
   * A cancelled task fails the node with this EXCEPTION instead of the ERROR USER_TASK_CANCELLED: a name, or a STR
   * evaluated when the task is cancelled (LittleHorse's VariableAssignment); NULL or blank means USER_TASK_CANCELLED.
   */
  readonly onCancellationExceptionName?: string | VariableAssignment | undefined;
  readonly actions?: readonly UserTaskAction[] | undefined;
}

export type Node =
  | EntrypointNode
  | TaskNode
  | ExitNode
  | NopNode
  | StartThreadNode
  | StartMultipleThreadsNode
  | WaitForThreadsNode
  | WaitForConditionNode
  | SleepNode
  | ExternalEventNode
  | ThrowEventNode
  | RunChildWfNode
  | WaitForChildWfNode
  | UserTaskNode;
export type NodeType = Node['type'];
export const NODE_TYPES = [
  'ENTRYPOINT',
  'TASK',
  'EXIT',
  'NOP',
  'START_THREAD',
  'START_MULTIPLE_THREADS',
  'WAIT_FOR_THREADS',
  'WAIT_FOR_CONDITION',
  'SLEEP',
  'EXTERNAL_EVENT',
  'THROW_EVENT',
  'RUN_CHILD_WF',
  'WAIT_FOR_CHILD_WF',
  'USER_TASK',
] as const satisfies readonly NodeType[];

/** A kind of event that the world sends to WfRuns. */
export interface ExternalEventDef {
  readonly name: string;
  /** Set to let CorrelatedEvents of this def be sent (LittleHorse); absent, they are refused. */
  readonly correlatedEventConfig?: CorrelatedEventConfig | undefined;
}

/** How CorrelatedEvents of an ExternalEventDef behave. */
export interface CorrelatedEventConfig {
  /** Seconds after which a CorrelatedEvent is deleted, whether or not it was taken. */
  readonly ttlSeconds?: number | undefined;
  /** Deleted once one WfRun has taken it: it goes to one WfRun only. */
  readonly deleteAfterFirstCorrelation?: boolean | undefined;
}

/** A kind of event that WfRuns throw to the world. */
export interface WorkflowEventDef {
  readonly name: string;
}

/** An ExternalEvent that interrupts a thread: it halts (with its children) while the handler thread runs. */
export interface InterruptDef {
  readonly externalEventDefName: string;
  readonly handlerSpecName: string;
}

export interface ThreadSpec {
  readonly variableDefs?: readonly ThreadVarDef[] | undefined;
  readonly interruptDefs?: readonly InterruptDef[] | undefined;
  /** Keyed by node name; LittleHorse's SDKs name them `{n}-{name}-{TYPE}`. */
  readonly nodes: Readonly<Record<string, Node>>;
}

/** A program: threads of nodes and edges, with variables. This JSON is what the SDK writes and the UI edits. */
export interface WfSpec {
  readonly name: string;
  readonly entrypointThreadName: string;
  readonly threadSpecs: Readonly<Record<string, ThreadSpec>>;
}

/** A registered WfSpec: the spec with its version. */
export interface VersionedWfSpec extends WfSpec {
  readonly majorVersion: number;
  readonly revision: number;
}

/**
 * A registered WfSpec as RUN_CHILD_WF nodes see it: the newest version's number and what its entrypoint takes.
 * Older majors are taken to exist too (LittleHorse numbers them from 0 without gaps).
 */
export interface WfSpecSummary {
  readonly name: string;
  /** The newest major version. */
  readonly majorVersion: number;
  /** The newest version's entrypoint variables; inputs of a node that does not pin an older major are checked against them. */
  readonly variableDefs?: readonly ThreadVarDef[] | undefined;
}

/** What validation and decisions may look up outside the spec. */
export interface Catalog {
  readonly taskDefs: Readonly<Record<string, TaskDef>>;
  /** Absent means none are registered. */
  readonly externalEventDefs?: Readonly<Record<string, ExternalEventDef>> | undefined;
  readonly workflowEventDefs?: Readonly<Record<string, WorkflowEventDef>> | undefined;
  /**
   * The WfSpecs RUN_CHILD_WF nodes may run, by name. Absent means unknown, not none: names are then checked only
   * when the child is started.
   */
  readonly wfSpecs?: Readonly<Record<string, WfSpecSummary>> | undefined;
  /**
   * By name. Validation takes each as the newest version and checks USER_TASK nodes against them only when this is
   * given; a WfRun needs the version each of its nodes pins. Absent while a WfRun runs means none are registered.
   */
  readonly userTaskDefs?: Readonly<Record<string, UserTaskDef>> | undefined;
}
