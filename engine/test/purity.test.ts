import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The engine runs unchanged in the browser and decides deterministically, so its source may import nothing
// outside itself and may not touch clocks, randomness, timers, the network or Node's built-ins.
const root = fileURLToPath(new URL('..', import.meta.url));
const sources = (function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : [],
  );
})(join(root, 'src'));

const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew Date\s*\(/, 'new Date()'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, 'timers'],
  [/\bprocess\./, 'process'],
  [/\bfetch\s*\(/, 'fetch()'],
  [/\brequire\s*\(/, 'require()'],
  [/\b(window|document|globalThis|Buffer)\b/, 'host globals'],
  [/\bcrypto\./, 'crypto'],
];

describe('the engine package', () => {
  it('has source files to check', () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  it('imports only its own files', () => {
    const outside = sources.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)]
        .map((m) => m[1] ?? '')
        .filter((specifier) => !specifier.startsWith('./') && !specifier.startsWith('../'))
        .map((specifier) => `${relative(root, file)}: ${specifier}`),
    );
    expect(outside).toEqual([]);
  });

  it('uses no clock, randomness, timers, network or host globals', () => {
    const found = sources.flatMap((file) => {
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      return FORBIDDEN.filter(([pattern]) => pattern.test(text)).map(([, what]) => `${relative(root, file)}: ${what}`);
    });
    expect(found).toEqual([]);
  });

  it('declares no runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: object; peerDependencies?: object };
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
  });
});
