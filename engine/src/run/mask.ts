import { variablesRead } from '../spec/reads.ts';
import type { WfSpec } from '../spec/types.ts';
import type { JsonValue } from '../values/value.ts';
import type { WfRunEvent } from './events.ts';
import type { Failure } from './failure.ts';
import type { TaskInput } from './state.ts';

/** What the API shows in place of a masked value (LittleHorse shows the same). */
export const MASKED_VALUE = '*****';

/**
 * The names of the variables a WfSpec declares masked, in any of its threads. A name masked in one thread is
 * hidden in all: showing too little is the safe mistake.
 */
export function maskedVariableNames(spec: WfSpec): ReadonlySet<string> {
  const names = new Set<string>();
  for (const thread of Object.values(spec.threadSpecs)) {
    for (const def of thread.variableDefs ?? []) if (def.masked === true) names.add(def.name);
  }
  return names;
}

/**
 * Whether a WfSpec's thread outputs may hold a secret: an EXIT of it returns a masked variable (or a part of one).
 * Its ThreadRuns' and WfRuns' outputs are then hidden as a masked variable's value is.
 */
export function returnsMaskedValue(spec: WfSpec): boolean {
  const masked = maskedVariableNames(spec);
  if (masked.size === 0) return false;
  return Object.values(spec.threadSpecs).some((thread) =>
    Object.values(thread.nodes).some((node) => node.type === 'EXIT' && variablesRead(node.returnContent).some((read) => masked.has(read))),
  );
}

/** A TaskRun's input as the API shows it: masked entries (from a masked TaskDef input or variable) hidden. */
export function maskTaskInput(input: readonly TaskInput[]): TaskInput[] {
  return input.map((i) => (i.masked === true ? { ...i, value: MASKED_VALUE } : i));
}

/** A failure as the API shows it: its content hidden when it is a secret (`maskedContent`). */
export function maskFailure(failure: Failure): Failure {
  return failure.maskedContent === true && failure.content !== undefined ? { ...failure, content: MASKED_VALUE } : failure;
}

/**
 * An event as the API shows it: the values of masked variables, masked task inputs, outputs, failure contents,
 * correlation keys, WorkflowEvent contents and user task notes flagged as secrets (a masked TaskDef's output, a value made from a
 * masked variable, a child WfRun's secret output) and, with `outputsMasked` (see returnsMaskedValue), thread outputs
 * replaced by MASKED_VALUE.
 * The stored event keeps the real values, which the engine needs to replay; this is only for what leaves the
 * server. Returns the event itself when nothing in it is masked.
 */
export function maskEvent(event: WfRunEvent, isMasked: (variableName: string) => boolean, outputsMasked = false): WfRunEvent {
  switch (event.type) {
    case 'ThreadRunCompleted':
    case 'WfRunCompleted':
      return (outputsMasked || event.maskedOutput === true) && event.output !== undefined ? { ...event, output: MASKED_VALUE } : event;
    case 'ThreadRunStarted': {
      const names = Object.keys(event.variables).filter(isMasked);
      if (names.length === 0) return event;
      const variables: Record<string, JsonValue> = { ...event.variables };
      for (const name of names) variables[name] = MASKED_VALUE;
      return { ...event, variables };
    }
    case 'VariableAssigned':
      return isMasked(event.name) ? { ...event, value: MASKED_VALUE } : event;
    case 'TaskRunScheduled':
      return event.input.some((i) => i.masked === true) ? { ...event, input: maskTaskInput(event.input) } : event;
    case 'TaskAttemptSucceeded':
    case 'NodeRunCompleted':
      return event.maskedOutput ? { ...event, output: MASKED_VALUE } : event;
    case 'CorrelationKeySet':
      return event.maskedCorrelationKey ? { ...event, correlationKey: MASKED_VALUE } : event;
    case 'ChildWfRunRequested': {
      if (!event.maskedVariables?.length) return event;
      const variables: Record<string, JsonValue> = { ...event.variables };
      for (const name of event.maskedVariables) if (Object.hasOwn(variables, name)) variables[name] = MASKED_VALUE;
      return { ...event, variables };
    }
    case 'ChildWfRunReported': {
      const output = event.maskedOutput === true && event.output !== undefined ? { output: MASKED_VALUE } : {};
      const failure = event.failure && maskFailure(event.failure);
      return failure === event.failure && !('output' in output) ? event : { ...event, ...output, ...(failure ? { failure } : {}) };
    }
    case 'NodeRunFailed':
    case 'ThreadRunFailed':
    case 'WfRunFailed':
    case 'TaskAttemptFailed': {
      const failure = maskFailure(event.failure);
      return failure === event.failure ? event : { ...event, failure };
    }
    case 'WorkflowEventThrown':
      return event.maskedContent ? { ...event, content: MASKED_VALUE } : event;
    case 'UserTaskRunCreated':
      return event.maskedNotes && event.notes !== undefined ? { ...event, notes: MASKED_VALUE } : event;
    default:
      return event;
  }
}
