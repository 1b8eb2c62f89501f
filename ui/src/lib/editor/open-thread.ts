import { getContext, setContext } from 'svelte';

const KEY = Symbol('gallop.editor.openThread');

/** Lets any part of the inspector show a thread's graph (a handler's, a child's) without passing a callback down. */
export function provideOpenThread(open: (thread: string) => void): void {
  setContext(KEY, open);
}

/** The editor's way to show a thread, if there is an editor around. */
export function useOpenThread(): ((thread: string) => void) | undefined {
  return getContext<((thread: string) => void) | undefined>(KEY);
}
