import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import type { JsonValue } from '@gallop/engine';
import type { Principal } from '../auth/acl.ts';
import type { Services } from '../services.ts';

/** What every resolver gets. */
export interface Context {
  readonly services: Services;
  /** The tenant the request acts in: the one it names, or `default`. */
  readonly tenantId: string;
  /** Who sends the request; undefined when it sent no credentials to a server that needs them. */
  readonly principal: Principal | undefined;
  /** The credential it came with (`Bearer …`), which a running subscription has checked again from time to time. */
  readonly authorization?: string | undefined;
  /** Aborted when the HTTP request or WebSocket operation goes away. */
  readonly signal?: AbortSignal | undefined;
  /** The typed errors (union results) this operation's mutations returned, for the audit log (audit.ts). */
  readonly typedErrors: string[];
}

export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    JSON: { Input: JsonValue; Output: unknown };
    DateTime: { Input: Date; Output: Date | string | number };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [ErrorsPlugin, RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesOnConnection: false,
    firstArgOptions: { description: 'How many rows the page holds: 20 by default, at most 500.' },
    afterArgOptions: { description: "The page's start: the endCursor of the page before, of this list (another list's is refused: INVALID_CURSOR)." },
    // Every list is read forward by its order's key; the Relay plugin adds these two to each connection regardless.
    lastArgOptions: { description: 'Not supported (lists page forward only): refused with a ValidationError.' },
    beforeArgOptions: { description: 'Not supported (lists page forward only): refused with a ValidationError.' },
  },
  errors: { defaultTypes: [] },
});
