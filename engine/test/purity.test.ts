import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Acceptance: "The engine package imports nothing outside itself except libraries that run unchanged in a browser."
// It has no dependencies at all, so its source may import only its own files, and it decides deterministically, so
// it may not touch clocks, randomness, timers, the network, the process or Node's built-ins. Tests (*.test.ts) are
// exempt: they run in Node.
const root = fileURLToPath(new URL('..', import.meta.url));
const sources = (function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : [],
  );
})(join(root, 'src'));

/** The text of a file without its comments, so that a comment may name what the code may not use. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\/|(^|[^:'"`])\/\/.*$/gm, '$1');

/** Every module specifier: static imports and re-exports, side-effect imports, dynamic import() and require(). */
function specifiers(text: string): string[] {
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]/g,
  ];
  return patterns.flatMap((pattern) => [...code(text).matchAll(pattern)].map((m) => m[1] ?? ''));
}

/** An import of anything but the package's own files: a dependency, a Node built-in (node:fs, fs, path...), a URL. */
const isOutside = (specifier: string) => !specifier.startsWith('./') && !specifier.startsWith('../');

const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew\s+Date\s*\(/, 'new Date()'],
  [/\bDate\s*\(/, 'Date()'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\bperformance\s*\./, 'performance'],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, 'timers'],
  [/\bqueueMicrotask\s*\(/, 'queueMicrotask()'],
  [/\bprocess\s*\./, 'process'],
  [/\bfetch\s*\(/, 'fetch()'],
  [/\brequire\s*\(/, 'require()'],
  [/\bimport\s*\(/, 'dynamic import()'],
  [/\b(window|document|globalThis|Buffer|localStorage)\b/, 'host globals'],
  [/\bcrypto\s*\./, 'crypto'],
];

/** What a source text uses that the engine may not. */
function forbiddenIn(text: string): string[] {
  const stripped = code(text);
  return FORBIDDEN.filter(([pattern]) => pattern.test(stripped)).map(([, what]) => what);
}

describe('the engine package', () => {
  it('has source files to check', () => {
    expect(sources.length).toBeGreaterThan(10);
    expect(sources.map((file) => relative(root, file))).toContain(join('src', 'index.ts'));
  });

  it('imports only its own files', () => {
    const outside = sources.flatMap((file) =>
      specifiers(readFileSync(file, 'utf8'))
        .filter(isOutside)
        .map((specifier) => `${relative(root, file)}: ${specifier}`),
    );
    expect(outside).toEqual([]);
  });

  it('uses no clock, randomness, timers, network, process or host globals', () => {
    const found = sources.flatMap((file) => forbiddenIn(readFileSync(file, 'utf8')).map((what) => `${relative(root, file)}: ${what}`));
    expect(found).toEqual([]);
  });

  it('declares no runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
    expect(pkg.optionalDependencies ?? {}).toEqual({});
    expect(pkg.sideEffects).toBe(false);
  });

  it('compiles its source with neither Node nor DOM types', () => {
    const tsconfig = readFileSync(join(root, 'tsconfig.json'), 'utf8');
    expect(tsconfig).toMatch(/"types"\s*:\s*\[\s*\]/);
    expect(tsconfig).not.toMatch(/"DOM"/i);
  });
});

describe('the purity checks themselves', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';", 'node:fs'],
    ["import fs from 'fs';", 'fs'],
    ['import * as path from "path";', 'path'],
    ["import {\n  randomUUID,\n} from 'crypto';", 'crypto'],
    ["import type { Buffer } from 'buffer';", 'buffer'],
    ["export { EventEmitter } from 'events';", 'events'],
    ["export * from 'lodash';", 'lodash'],
    ["import 'reflect-metadata';", 'reflect-metadata'],
    ["const os = await import('node:os');", 'node:os'],
    ["const x = require('zlib');", 'zlib'],
  ])('find the outside import in %j', (text, specifier) => {
    expect(specifiers(text).filter(isOutside)).toEqual([specifier]);
  });

  it('let relative imports through', () => {
    expect(specifiers("import { a } from './a.ts';\nimport type { B } from '../b.ts';\nexport { c } from './c.ts';").filter(isOutside)).toEqual([]);
  });

  it.each([
    ['const now = Date.now();', 'Date.now()'],
    ['const d = new Date(0);', 'new Date()'],
    ['const r = Math.random();', 'Math.random()'],
    ['setTimeout(() => {}, 10);', 'timers'],
    ['setInterval(tick, 10);', 'timers'],
    ['const env = process.env.X;', 'process'],
    ["await fetch('http://x');", 'fetch()'],
    ["const fs = require('fs');", 'require()'],
    ['const id = crypto.randomUUID();', 'crypto'],
    ['globalThis.x = 1;', 'host globals'],
  ])('catch %j', (text, what) => {
    expect(forbiddenIn(text)).toContain(what);
  });

  it('ignore what comments say', () => {
    expect(forbiddenIn('// the engine never calls Date.now() or Math.random()\n/* nor setTimeout( */ const a = 1;')).toEqual([]);
    expect(specifiers("// import fs from 'fs';\nconst a = 1;")).toEqual([]);
  });
});
