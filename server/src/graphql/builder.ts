import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import type { JsonValue } from '@gallop/engine';
import type { Principal } from '../auth/acl.ts';
import { noteTypedError } from '../auth/audit.ts';
import type { Services } from '../services.ts';

/** What every resolver gets. */
export interface Context {
  readonly services: Services;
  /** The tenant the request acts in: the one it names, or `default`. */
  readonly tenantId: string;
  /** Who sends the request; undefined when it sent no credentials to a server that needs them. */
  readonly principal: Principal | undefined;
  /** Aborted when the HTTP request or WebSocket operation goes away. */
  readonly signal?: AbortSignal | undefined;
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
  },
  // Each typed error a resolver returns is noted for the audit log, which cannot see it in the answer.
  errors: { defaultTypes: [], onResolvedError: noteTypedError },
});
