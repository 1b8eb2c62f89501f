/** The colour family of a status: one palette for WfRuns, ThreadRuns, NodeRuns, TaskRuns and graph nodes. */
export type Tone = 'pending' | 'running' | 'completed' | 'failed' | 'halted';

const TONES: Record<string, Tone> = {
  PENDING: 'pending',
  STARTING: 'running',
  RUNNING: 'running',
  HALTING: 'halted',
  HALTED: 'halted',
  COMPLETED: 'completed',
  ERROR: 'failed',
  EXCEPTION: 'failed',
  TASK_PENDING: 'pending',
  TASK_SCHEDULED: 'pending',
  TASK_RUNNING: 'running',
  TASK_SUCCESS: 'completed',
  TASK_FAILED: 'failed',
  TASK_EXCEPTION: 'failed',
  TASK_TIMEOUT: 'failed',
  TASK_OUTPUT_SERDE_ERROR: 'failed',
  UNASSIGNED: 'pending',
  ASSIGNED: 'running',
  DONE: 'completed',
  CANCELLED: 'halted',
};

/** The tone of an LHStatus, a TaskStatus or PENDING; unknown statuses look pending. */
export function toneOf(status: string): Tone {
  return TONES[status] ?? 'pending';
}

/** `TASK_SUCCESS` → `Task success`, `RUNNING` → `Running`. */
export function statusLabel(status: string): string {
  const words = status.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A status filter from the URL: the status when it is one of `allowed`, else none (every status) with the text that
 * was not one, for the page to say so rather than send it and show the API's refusal.
 */
export function statusFilter(raw: string | null, allowed: readonly string[]): { status: string; unknown?: string } {
  if (!raw) return { status: '' };
  return allowed.includes(raw) ? { status: raw } : { status: '', unknown: raw };
}
