import type { TestProject } from 'vitest/node';
import postgres from 'postgres';
// Declares what inject('databaseUrl') returns.
import type {} from '../../server/test/harness.ts';

/**
 * When DATABASE_URL is set, makes a fresh database beside it for this run, so a rerun never sees old rows, and
 * drops it at the end. Tests read its URL with inject('databaseUrl').
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    project.provide('databaseUrl', undefined);
    return undefined;
  }
  const name = `gallop_test_${Date.now()}_${process.pid}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  project.provide('databaseUrl', url.toString());
  return async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  };
}
