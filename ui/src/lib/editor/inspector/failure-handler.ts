import { ERROR_NAMES } from '@gallop/engine';
import type { FailureHandlerDef, WfSpec } from '@gallop/engine';
import { withOptional } from './optional.ts';

/** What a failure handler catches, as its form offers it. */
export type FailureMatch =
  /** Any failure: neither field set. */
  | { readonly kind: 'ANY' }
  /** Every ERROR: anyFailureOfType FAILURE_TYPE_ERROR. */
  | { readonly kind: 'ERROR' }
  /** Every business EXCEPTION: anyFailureOfType FAILURE_TYPE_EXCEPTION. */
  | { readonly kind: 'EXCEPTION' }
  /** One failure by name: specificFailure. */
  | { readonly kind: 'SPECIFIC'; readonly name: string };

export type FailureMatchKind = FailureMatch['kind'];

// LittleHorse: handleException(name) catches a business EXCEPTION, handleError(type) an ERROR, handleAnyFailure both.
export const FAILURE_MATCH_LABELS: Readonly<Record<FailureMatchKind, string>> = {
  ANY: 'Any failure',
  ERROR: 'Any ERROR',
  EXCEPTION: 'Any EXCEPTION',
  SPECIFIC: 'A specific failure',
};

export const FAILURE_MATCH_KINDS = Object.keys(FAILURE_MATCH_LABELS) as readonly FailureMatchKind[];

/** What a FailureHandlerDef catches; a specific name wins over a type, as in the engine. */
export function matchOf(def: FailureHandlerDef): FailureMatch {
  if (def.specificFailure !== undefined) return { kind: 'SPECIFIC', name: def.specificFailure };
  if (def.anyFailureOfType === 'FAILURE_TYPE_ERROR') return { kind: 'ERROR' };
  if (def.anyFailureOfType === 'FAILURE_TYPE_EXCEPTION') return { kind: 'EXCEPTION' };
  return { kind: 'ANY' };
}

/**
 * `def` made to catch `match`: exactly one of specificFailure and anyFailureOfType, or neither for any failure.
 * Fields that stay keep their place. A SPECIFIC match with an empty name leaves specificFailure out, which would
 * catch everything: forms must not offer it (see checkFailureName).
 */
export function withMatch(def: FailureHandlerDef, match: FailureMatch): FailureHandlerDef {
  const type = match.kind === 'ERROR' ? 'FAILURE_TYPE_ERROR' : match.kind === 'EXCEPTION' ? 'FAILURE_TYPE_EXCEPTION' : undefined;
  const specific = match.kind === 'SPECIFIC' ? match.name : undefined;
  return withOptional(withOptional(def, 'specificFailure', specific), 'anyFailureOfType', type);
}

/** A new FailureHandlerDef running `handlerSpecName` on `match`. */
export function toFailureHandler(handlerSpecName: string, match: FailureMatch): FailureHandlerDef {
  return withMatch({ handlerSpecName }, match);
}

/**
 * Failure names worth offering, without repeats: the EXCEPTIONs the WfSpec itself throws (EXIT nodes' failureDefs
 * and user tasks' onCancellationExceptionName), then LittleHorse's ERROR names, the commonest first.
 */
export function failureNameSuggestions(spec: WfSpec): string[] {
  const names = new Set<string>();
  for (const thread of Object.values(spec.threadSpecs)) {
    for (const node of Object.values(thread.nodes)) {
      if (node.type === 'EXIT' && node.failureDef?.failureName) names.add(node.failureDef.failureName);
      if (node.type === 'USER_TASK' && typeof node.onCancellationExceptionName === 'string' && node.onCancellationExceptionName) names.add(node.onCancellationExceptionName);
    }
  }
  for (const name of ['TASK_FAILURE', 'TIMEOUT', ...ERROR_NAMES]) names.add(name);
  return [...names];
}
