import { createRequire } from 'node:module';
import { builder } from '../builder.ts';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

interface ServerVersion {
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: string | null;
}

/** The package version as LittleHorse's GetServerVersion gives it: numbers, and what follows a dash. */
function parse(text: string): ServerVersion {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:-([^+]+))?/.exec(text);
  return { version: text, major: Number(match?.[1] ?? 0), minor: Number(match?.[2] ?? 0), patch: Number(match?.[3] ?? 0), prerelease: match?.[4] ?? null };
}

const ServerVersionRef = builder.objectRef<ServerVersion>('ServerVersion').implement({
  description: "The server's release.",
  fields: (t) => ({
    version: t.exposeString('version', { description: 'As semver text, e.g. 0.1.0.' }),
    major: t.exposeInt('major'),
    minor: t.exposeInt('minor'),
    patch: t.exposeInt('patch'),
    prerelease: t.string({ nullable: true, resolve: (v) => v.prerelease }),
  }),
});

const serverVersion = parse(version);

builder.queryFields((t) => ({
  serverVersion: t.field({ type: ServerVersionRef, description: "The server's release (LittleHorse: GetServerVersion).", resolve: () => serverVersion }),
}));
