import { isValidName, NAME_RULE } from '@gallop/engine';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { builder } from '../builder.ts';
import { findTenant, insertTenant, listTenants } from '../../store/queries/tenants.ts';
import type { TenantRow } from '../../store/queries/tenants.ts';
import { decodeCursor, encodeCursor, checkedPageArgs, ValidationError, resolveCursorPage } from './common.ts';

export const TenantRef = builder.objectRef<TenantRow>('Tenant').implement({
  description: 'A space of its own: every WfSpec, TaskDef, WfRun and the rest belongs to one, and no request crosses from one to another.',
  fields: (t) => ({
    id: t.exposeID('id'),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.createdAt }),
  }),
});

const PutTenantInput = builder.inputType('PutTenantInput', {
  fields: (t) => ({ id: t.string({ required: true, description: 'Letters, digits and inner dashes.' }) }),
});

builder.queryFields((t) => ({
  tenant: t.field({
    type: TenantRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, { services }) => (await findTenant(services.db, String(id))) ?? null,
  }),
  tenants: t.connection(
    {
      type: TenantRef,
      description: 'Every tenant, by id.',
      resolve: (_root, args, { services }) =>
        resolveCursorPage({ args: checkedPageArgs(args), toCursor: (row: TenantRow) => encodeCursor('tenants', [row.id]), maxSize: 500 }, ({ after, limit }: ResolveCursorConnectionArgs) => {
          return listTenants(services.db, after === undefined ? undefined : String(decodeCursor(after, 'tenants', 's')[0]), limit);
        }),
    },
    { name: 'TenantConnection' },
    { name: 'TenantEdge' },
  ),
}));

builder.mutationFields((t) => ({
  putTenant: t.field({
    type: TenantRef,
    description: 'Creates a tenant; putting an existing one returns it.',
    errors: { types: [ValidationError], directResult: true, union: { name: 'PutTenantResult' } },
    args: { input: t.arg({ type: PutTenantInput, required: true }) },
    resolve: async (_root, { input }, { services }) => {
      if (!isValidName(input.id)) {
        throw ValidationError.of(`Tenant '${input.id}' is invalid`, [
          { path: ['input', 'id'], code: 'INVALID_NAME', message: `A tenant id must be ${NAME_RULE}.` },
        ]);
      }
      const row = await insertTenant(services.db, input.id);
      services.tenants.known(row.id);
      return row;
    },
  }),
}));
