import { performance } from 'node:perf_hooks';
import { getOperationAST } from 'graphql';
import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../observability/logger.ts';

/**
 * Logs each GraphQL operation, over HTTP or WebSocket, at debug: its name, kind and duration (for a subscription,
 * how long it stayed open), and how many errors its result carried. Off at the default level, and cheap when off:
 * the hooks return early unless debug is enabled.
 */
export function useOperationLog(log: Logger): Plugin {
  return {
    onExecute({ args }) {
      if (!log.isLevelEnabled('debug')) return;
      const started = performance.now();
      return {
        onExecuteDone({ result }) {
          const errors = Symbol.asyncIterator in result ? undefined : (result.errors?.length ?? 0);
          log.debug({ ...describe(args.document, args.operationName), durationMs: elapsed(started), errors }, 'GraphQL operation');
        },
      };
    },
    onSubscribe({ args }) {
      if (!log.isLevelEnabled('debug')) return;
      const started = performance.now();
      return {
        onSubscribeResult: () => ({
          onEnd: () => log.debug({ ...describe(args.document, args.operationName), durationMs: elapsed(started) }, 'GraphQL subscription ended'),
        }),
      };
    },
  };
}

function describe(document: DocumentNode, operationName: string | null | undefined): { operation: string; kind: string | undefined } {
  const ast = getOperationAST(document, operationName);
  return { operation: operationName ?? ast?.name?.value ?? '(anonymous)', kind: ast?.operation };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
