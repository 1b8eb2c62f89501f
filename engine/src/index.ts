export type { DecideContext, IdSource } from './context.ts';
export { InvariantError } from './errors.ts';
export type { Rejection, RejectionCode } from './errors.ts';
export type {
  ChildWfRunEnded,
  ChildWfRunEndStatus,
  ChildWfRunRescued,
  AssignUserTaskRun,
  CancelUserTaskRun,
  Command,
  CompleteUserTaskRun,
  DeadlineReassign,
  EvaluatedReassign,
  ExternalEventInput,
  FireTimer,
  MigrateWfRun,
  PutExternalEvent,
  ReportTaskAttempt,
  RescueThreadRun,
  ResumeWfRun,
  RunWf,
  ScheduledUserTaskAction,
  StopWfRun,
  TaskAttemptResult,
  TimerPurpose,
  TriggeredTask,
} from './run/commands.ts';
export { decide } from './run/decide.ts';
export { planMigration } from './run/migrate.ts';
export type { MigrationPlan } from './run/migrate.ts';
export type { Decision } from './run/decide.ts';
export type * from './run/events.ts';
export { evolve, replay } from './run/evolve.ts';
export { ERROR_NAMES, isErrorName, statusOfFailure } from './run/failure.ts';
export type { ErrorName, Failure } from './run/failure.ts';
export { MASKED_VALUE, maskedVariableNames, maskEvent, maskFailure, maskTaskInput, returnsMaskedValue } from './run/mask.ts';
export { childWfRunId } from './run/nodes/child-wf.ts';
export { threadsWaitedFor } from './run/nodes/threads.ts';
export { variablesInScope } from './run/scope.ts';
export { isTriggeredTaskGuid, parseTaskGuid, taskGuid, triggeredTaskGuid, userTaskOfTriggeredTaskGuid } from './run/task-guid.ts';
export type { TaskGuidParts } from './run/task-guid.ts';
export { isTerminal, LH_STATUSES, TASK_STATUSES, USER_TASK_RUN_STATUSES, withoutThreadIndex } from './run/state.ts';
export type {
  ChildWfRunState,
  EndedUserTaskRunState,
  HaltReason,
  LHStatus,
  NodeOutputState,
  NodeRunState,
  PendingExternalEvent,
  ThreadRunKind,
  TaskInput,
  TaskRunState,
  TaskStatus,
  TriggeredTaskRunState,
  ThreadRunState,
  UserTaskRunState,
  UserTaskRunStatus,
  WfRunState,
} from './run/state.ts';
export { effectsOf, step } from './run/step.ts';
export type { Effect } from './run/step.ts';
export { checkUserTaskResults } from './run/user-tasks.ts';
export { checkRunVariables, initialValues } from './run/variables.ts';
export type { ForkOrigin } from './sim/draft.ts';
export { forkSimulation } from './sim/fork.ts';
export type { ForkOptions } from './sim/fork.ts';
export { parseScenario } from './sim/parse-scenario.ts';
export type { ParseScenarioResult, ScenarioProblem } from './sim/parse-scenario.ts';
export { describePending } from './sim/pending.ts';
export type {
  NodeRef,
  PendingAction,
  WaitingChildWfRun,
  WaitingExternalEvent,
  WaitingTaskRun,
  WaitingTimer,
  WaitingUserTaskRun,
} from './sim/pending.ts';
export { runUntil } from './sim/run-until.ts';
export type { Breakpoint, EventMock, Mocks, RunUntilOptions, RunUntilResult, StopReason, UserTaskMock } from './sim/run-until.ts';
export type { SandboxCommand } from './sim/sandbox.ts';
export { checkExpectation, outcomeOf, recordScenario, replayScenario, whyNotRecordable } from './sim/scenario.ts';
export type { Scenario, ScenarioExpectation, ScenarioMeta, ScenarioOutcome, ScenarioReplay, ScenarioWfSpecRef } from './sim/scenario.ts';
export { describeStep, SCENARIO_STEP_KINDS } from './sim/scenario-step.ts';
export type {
  ChildOutcome,
  ChildStep,
  EventStep,
  RescueStep,
  ScenarioStep,
  ScenarioStepKind,
  Selector,
  TaskOutcome,
  TaskStep,
  ThreadStep,
  ThrownException,
  UserTaskAssignment,
  UserTaskOutcome,
  UserTaskStep,
} from './sim/scenario-step.ts';
export { createSimulation, DEFAULT_WF_RUN_ID, MAX_TIMERS_PER_ADVANCE, Simulation } from './sim/simulation.ts';
export type { SimulationOptions, SimulationRejection, SimulationRejectionCode, SimulationResult, SimulationStep } from './sim/simulation.ts';
export { analyzeWfSpec, FINDING_CODES } from './spec/analyze.ts';
export type { Finding, FindingCode } from './spec/analyze.ts';
export { assignmentText, explainCondition, variableTypesOf } from './spec/explain.ts';
export type { ExplainOptions, VariableTypes } from './spec/explain.ts';
export { nodeOutputsRead, readsOf, variablesRead } from './spec/reads.ts';
export type { Reads } from './spec/reads.ts';
export { prepareWfSpec } from './run/prepared.ts';
export type { PreparedWfSpec } from './run/prepared.ts';
export { own } from './spec/own.ts';
export type { ConditionExplanation } from './spec/explain.ts';
export { FAILURE_NAME_PATTERN, isValidFailureName, isValidName, isValidWfRunId, MAX_NAME_LENGTH, NAME_PATTERN, NAME_RULE, WF_RUN_ID_PATTERN } from './spec/names.ts';
export { formatPath } from './spec/problem.ts';
export type { Problem, ProblemCode, SpecPath } from './spec/problem.ts';
export { NODE_TYPES } from './spec/types.ts';
export type {
  Catalog,
  Edge,
  EdgeCondition,
  EntrypointNode,
  ExitNode,
  ExponentialBackoff,
  CorrelatedEventConfig,
  ExternalEventDef,
  ExternalEventNode,
  FailureDef,
  FailureHandlerDef,
  InterruptDef,
  MutationOperation,
  MutationSource,
  Castable,
  Condition,
  ExpressionAssignment,
  FormatStringAssignment,
  SizeOfAssignment,
  NodeOutputReferenceAssignment,
  Node,
  NodeType,
  NopNode,
  RunChildWfNode,
  SleepNode,
  StartMultipleThreadsNode,
  StartThreadNode,
  TaskDef,
  TaskNode,
  ThreadSpec,
  ThreadVarDef,
  ThrowEventNode,
  UserTaskAction,
  UserTaskActionHook,
  UserTaskActionKind,
  UserTaskActionTask,
  UserTaskDef,
  UserTaskField,
  UserTaskNode,
  VariableAssignment,
  VariableDef,
  VariableMutation,
  VersionedWfSpec,
  WfSpec,
  WaitForChildWfNode,
  WaitForConditionNode,
  WaitForThreadsNode,
  WfSpecId,
  WfSpecSummary,
  WorkflowEventDef,
} from './spec/types.ts';
export { validateTaskDef, validateUserTaskDef, validateWfSpec } from './spec/validate.ts';
export { COMPARATORS, compare, deepEqual } from './values/compare.ts';
export type { Comparator } from './values/compare.ts';
export { parseJsonPath, readPath, writePath } from './values/json-path.ts';
export { expressionType, mutate, MUTATION_TYPES, MUTATIONS_BY_TYPE, sizeOf } from './values/mutate.ts';
export { canCast, castValue, needsCast } from './values/cast.ts';
export { formatNumber, formatString, parseFormat } from './values/format-string.ts';
export type { FormatPart, ParsedFormat } from './values/format-string.ts';
export type { MutationType } from './values/mutate.ts';
export { aType, describeName, describeValue, isAssignable, isJsonObject, isValueOfType, isVariableType, MAX_NESTING, nestsDeeperThan, VARIABLE_TYPES, widen } from './values/value.ts';
export type { JsonValue, VariableType } from './values/value.ts';
