import { fileURLToPath } from 'node:url';
import { Workflow } from '@gallop/sdk';
import { describe, expect, it } from 'vitest';
import { rows, unnamedRoles } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';

// Starting a WfRun from the WfSpecs page: the Run dialog offers the version's entrypoint variables, sends what is
// typed as their types want, and opens the new WfRun; what it refuses, or the server refuses, starts nothing.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);

describe('running a WfSpec from the UI', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1280, height: 900 } });

  it('starts a WfRun of the chosen version with typed variables, and refuses what is wrong', async () => {
    const { page, client, server } = ctx;
    const name = `run-ui-${suffix}`;
    const first = await new Workflow(name, (wf) => {
      wf.declareInt('count').required();
      wf.sleepSeconds(3_600);
    }).register(client);
    const second = await new Workflow(name, (wf) => {
      wf.declareInt('count').required();
      wf.declareJsonObj('order');
      wf.declareBool('rush');
      wf.declareStr('note').withDefault('none');
      wf.sleepSeconds(3_600);
    }).register(client);

    await page.goto(`${server.url}/#/wf-specs?prefix=${name}`);
    await expect.poll(() => rows(page, 'wf-specs-table').count()).toBe(2);
    const label = `${name} v${second.majorVersion}.${second.revision}`;
    await page.getByRole('button', { name: `Run ${label}` }).click();
    const dialog = page.getByRole('form', { name: `Run ${name}` });
    await dialog.getByRole('textbox', { name: 'order' }).waitFor();
    // A default is said where the input stays blank.
    expect(await dialog.getByRole('textbox', { name: 'note' }).getAttribute('placeholder')).toBe('default: none');
    await expect(unnamedRoles(page)).resolves.toEqual([]);

    // Text that is not JSON is named before anything is sent.
    await dialog.getByRole('textbox', { name: 'count' }).fill('three');
    await dialog.getByRole('button', { name: 'Run' }).click();
    await dialog.getByRole('alert').getByText('count is not an INT: three').waitFor();
    expect((await client.searchWfRuns({ wfSpecName: name })).items).toEqual([]);

    // A required variable left blank: the server's typed refusal, as it came.
    await dialog.getByRole('textbox', { name: 'count' }).fill('');
    await dialog.getByRole('button', { name: 'Run' }).click();
    await dialog.getByRole('alert').getByText(/^ValidationError: Variable 'count' \(INT\) is required\./).waitFor();
    expect(await dialog.getByRole('alert').getByRole('listitem').innerText()).toBe("variables.count: Variable 'count' (INT) is required.");
    expect((await client.searchWfRuns({ wfSpecName: name })).items).toEqual([]);
    await page.screenshot({ path: `${screenshots}run-wf-refused.png`, fullPage: true });

    await dialog.getByRole('textbox', { name: 'count' }).fill('3');
    await dialog.getByRole('textbox', { name: 'order' }).fill('{"lines": [1, 2]}');
    await dialog.getByRole('combobox', { name: 'rush' }).selectOption('true');
    await dialog.getByRole('textbox', { name: 'WfRun id' }).fill(`picked-${suffix}`);
    await dialog.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(`**/#/wf-runs/picked-${suffix}`);
    await page.getByTestId('wf-run-id').waitFor();

    const run = await client.wfRun(`picked-${suffix}`);
    expect([run?.majorVersion, run?.revision]).toEqual([second.majorVersion, second.revision]);
    const values = Object.fromEntries((run?.variables ?? []).map((v) => [v.name, v.value]));
    expect(values).toEqual({ count: 3, order: { lines: [1, 2] }, rush: true, note: 'none' });

    // The older version runs as itself, with its own variables only.
    await page.goto(`${server.url}/#/wf-specs?prefix=${name}`);
    await page.getByRole('button', { name: `Run ${name} v${first.majorVersion}.${first.revision}` }).click();
    await dialog.getByRole('textbox', { name: 'count' }).fill('7');
    expect(await dialog.getByRole('textbox', { name: 'order' }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/#\/wf-runs\/(?!picked)/);
    const id = decodeURIComponent(new URL(page.url()).hash.replace('#/wf-runs/', ''));
    const older = await client.wfRun(id);
    expect([older?.majorVersion, older?.revision]).toEqual([first.majorVersion, first.revision]);
  });
});
