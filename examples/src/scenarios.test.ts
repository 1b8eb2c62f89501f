import { readdirSync, readFileSync } from 'node:fs';
import { parseScenario, replayScenario } from '@gallop/engine';
import type { Catalog } from '@gallop/engine';
import type { AnyTypedTask, Workflow } from '@gallop/sdk';
import { describe, expect, it } from 'vitest';
import * as conditionals from './conditionals.ts';
import * as exceptionHandler from './exception-handler.ts';
import * as externalEvent from './external-event.ts';

// Scenario files saved from the editor's simulator are tests: each replays headless, with the engine itself,
// against the WfSpec as the code builds it now. No server, no workers.
const workflows: Record<string, { workflow: Workflow; tasks: AnyTypedTask[]; events?: string[] }> = {
  'qs-conditionals': { workflow: conditionals.workflow, tasks: [conditionals.managerReview, conditionals.autoReview] },
  'qs-exception-handler': { workflow: exceptionHandler.workflow, tasks: [exceptionHandler.chargeCard, exceptionHandler.notifyCustomer] },
  'qs-external-event': { workflow: externalEvent.workflow, tasks: [], events: ['qs-payment-received'] },
};

const dir = new URL('../scenarios/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.scenario.json'));

describe('the examples’ scenario files', () => {
  it('are there', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  for (const file of files) {
    it(`replays ${file}`, () => {
      const parsed = parseScenario(readFileSync(new URL(file, dir), 'utf8'));
      if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
      const example = workflows[parsed.scenario.wfSpec.name];
      if (!example) throw new Error(`No example builds WfSpec ${parsed.scenario.wfSpec.name}.`);
      const catalog: Catalog = {
        taskDefs: Object.fromEntries(example.tasks.map((t) => [t.name, t.def])),
        externalEventDefs: Object.fromEntries((example.events ?? []).map((name) => [name, { name }])),
      };
      const replay = replayScenario(example.workflow.compile(), catalog, parsed.scenario);
      expect([...replay.stepErrors, ...replay.mismatches]).toEqual([]);
      expect(replay.passed).toBe(true);
    });
  }
});
