import { lexicographicSortSchema, printSchema } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { noteTypedErrors } from '../auth/audit.ts';
import { builder } from './builder.ts';
import './scalars.ts';
import './types/common.ts';
import './types/task-def.ts';
import './types/wf-spec.ts';
import './types/task-run.ts';
import './types/external-event.ts';
import './types/workflow-event.ts';
import './types/wf-run.ts';
import './types/user-task.ts';
import './types/scheduled-wf-run.ts';
import './types/tenant.ts';
import './types/principal.ts';
import './types/server-version.ts';
import './types/metrics.ts';

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

/** The whole API; each domain's types, queries and mutations live in types/<domain>.ts. */
export const schema: GraphQLSchema = noteTypedErrors(builder.toSchema());

/** The schema as committed in server/schema.graphql. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
