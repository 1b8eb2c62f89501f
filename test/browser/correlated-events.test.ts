import { fileURLToPath } from 'node:url';
import type { ExternalEventNode, WfSpec } from '@gallop/engine';
import { Workflow } from '@gallop/sdk';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { arriveLeavingEditor, rows, unnamedRoles } from '../support/browser.ts';
import { setupBrowserTest } from '../support/browser-test.ts';
import { waitFor } from '../support/wait.ts';

// Correlated events (LittleHorse) in the UI: an EXTERNAL_EVENT node's correlation key set in the editor, and
// CorrelatedEvents sent, listed and deleted on the Events page, each checked against what the server then holds.
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const suffix = Date.now().toString(36);

/**
 * A screenshot of the page cut to `part`. Not `locator.screenshot()`: in headless Chromium that one drew the dark
 * scheme's page in the light colours.
 */
async function shoot(page: Page, part: Locator, name: string): Promise<void> {
  const clip = await part.boundingBox();
  if (!clip) throw new Error(`${name}: nothing to shoot`);
  await page.screenshot({ path: `${screenshots}${name}.png`, clip });
}

describe('correlated events in the UI', () => {
  const ctx = setupBrowserTest({ screenshots, viewport: { width: 1440, height: 960 }, dark: true });

  it('sets a correlation key on an EXTERNAL_EVENT node in the editor, refused on a def without correlatedEventConfig', async () => {
    const { client, server, browser: light, dark } = ctx;
    const byKey = `ce-by-key-${suffix}`;
    const plain = `ce-plain-${suffix}`;
    await client.putExternalEventDef({ name: byKey, correlatedEventConfig: { ttlSeconds: 600 } });
    await client.putExternalEventDef({ name: plain });
    const name = `ce-editor-${suffix}`;

    const { page } = light;
    await page.goto(`${server.url}/#/editor`);
    await page.getByTestId('editor-node-0-entrypoint-ENTRYPOINT').waitFor();
    const nameField = page.getByRole('textbox', { name: 'WfSpec name' });
    await nameField.fill(name);
    await nameField.press('Enter');
    await page.getByTestId('editor-node-0-entrypoint-ENTRYPOINT').click();
    await page.getByRole('button', { name: 'Add Wait for event node' }).click();
    const node = page.locator('[data-testid^="editor-node-"][data-testid$="-EXTERNAL_EVENT"]');
    await node.waitFor();
    await page.getByRole('tab', { name: 'Inspector' }).click();

    // On the def without a correlatedEventConfig, the engine's live validation refuses the key.
    await page.getByRole('combobox', { name: 'ExternalEventDef' }).selectOption(plain);
    await page.getByRole('combobox', { name: 'Correlation key' }).selectOption('literal');
    const key = page.getByRole('textbox', { name: 'Correlation key: JSON text' });
    await key.fill('"k-editor"');
    await key.press('Enter');
    await page.getByRole('button', { name: /CORRELATION_NOT_ENABLED/ }).waitFor();
    await node.locator('[aria-label$="problem"], [aria-label$="problems"]').waitFor();
    await page.screenshot({ path: `${screenshots}editor-correlation-not-enabled.png` });

    // On the def that takes correlated events it is fine; masked, and then saved.
    await page.getByRole('combobox', { name: 'ExternalEventDef' }).selectOption(byKey);
    await page.getByRole('heading', { name: 'No problems' }).waitFor();
    await page.getByRole('checkbox', { name: 'Mask the key' }).check();
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await shoot(page, page.getByTestId('node-inspector'), 'editor-correlation-key-light');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('status').getByText(`Registered ${name} version 0.0.`).waitFor();

    const registered = (await client.wfSpec(name))?.spec as WfSpec | undefined;
    const waits = Object.values(registered?.threadSpecs.entrypoint?.nodes ?? {}).find((n): n is ExternalEventNode => n.type === 'EXTERNAL_EVENT');
    expect(waits).toMatchObject({ externalEventDefName: byKey, correlationKey: { type: 'LITERAL', value: 'k-editor' }, maskCorrelationKey: true });

    // The registered WfSpec opened in the dark scheme shows the same field.
    await dark.page.goto(`${server.url}/#/editor/${name}`);
    await dark.page.locator('[data-testid^="editor-node-"][data-testid$="-EXTERNAL_EVENT"]').click();
    await dark.page.getByRole('tab', { name: 'Inspector' }).click();
    await dark.page.getByRole('checkbox', { name: 'Mask the key', checked: true }).waitFor();
    await shoot(dark.page, dark.page.getByTestId('node-inspector'), 'editor-correlation-key-dark');

    // Clearing the key takes the mask with it.
    await page.getByRole('combobox', { name: 'Correlation key' }).selectOption('none');
    await page.getByRole('checkbox', { name: 'Mask the key' }).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'JSON' }).click();
    const draft = JSON.parse(await page.getByRole('textbox', { name: 'WfSpec JSON' }).inputValue()) as WfSpec;
    const cleared = Object.values(draft.threadSpecs.entrypoint?.nodes ?? {}).find((n) => n.type === 'EXTERNAL_EVENT');
    expect(cleared).not.toHaveProperty('correlationKey');
    expect(cleared).not.toHaveProperty('maskCorrelationKey');
    expect(light.pageErrors).toEqual([]);
    expect(dark.pageErrors).toEqual([]);
  });

  it('sends a CorrelatedEvent from the Events page to the WfRun waiting with its key, then deletes it once confirmed', async () => {
    const { client, server, browser: light, dark } = ctx;
    const def = `ce-order-${suffix}`;
    await client.putExternalEventDef({ name: def, correlatedEventConfig: { ttlSeconds: 3600 } });
    const wfSpecName = `ce-waits-${suffix}`;
    // register() validates with the server's defs first, their correlatedEventConfig included.
    await new Workflow(wfSpecName, (wf) => void wf.waitForEvent(def, { correlationKey: 'k-1' })).register(client);
    const run = await client.runWf({ wfSpecName });

    const { page } = light;
    const route = `${server.url}/#/external-events?prefix=${def}&externalEventDefName=${def}`;
    await page.goto(route);
    const card = page.getByRole('region', { name: `CorrelatedEvents of ${def}` });
    // The test before left its editor draft changed: the editor asks before letting it go.
    await arriveLeavingEditor(page, card);
    const config = await card.getByTestId('correlated-event-config').innerText();
    expect(config).toContain('kept for 1 h 0 min');
    expect(config).toContain('every WfRun that waits with its key takes it');
    await card.getByText(`No CorrelatedEvents of ${def}`).waitFor();

    await card.getByRole('textbox', { name: 'Key' }).fill('k-1');
    await card.getByRole('textbox', { name: 'Content (JSON)' }).fill('{ "approved": true }');
    await card.getByRole('button', { name: 'Send CorrelatedEvent' }).click();
    await card.getByRole('status').getByText('Sent CorrelatedEvent k-1.').waitFor();
    await expect.poll(() => rows(page, 'correlated-events-table').count()).toBe(1);
    expect(await rows(page, 'correlated-events-table').innerText()).toContain('{"approved":true}');
    await waitFor(async () => (await client.wfRun(run.id))?.status === 'COMPLETED', { what: 'the WfRun waiting with k-1 to complete' });

    // The same key again is refused until it is deleted: the server's typed refusal, as it came.
    await card.getByRole('textbox', { name: 'Key' }).fill('k-1');
    await card.getByRole('button', { name: 'Send CorrelatedEvent' }).click();
    await card.getByRole('alert').getByText(/^AlreadyExistsError: /).waitFor();
    await expect(unnamedRoles(page)).resolves.toEqual([]);
    await page.screenshot({ path: `${screenshots}correlated-events-light.png`, fullPage: true });
    await dark.page.goto(route);
    await dark.page.getByTestId('correlated-events-table').waitFor();
    await expect(unnamedRoles(dark.page)).resolves.toEqual([]);
    await dark.page.screenshot({ path: `${screenshots}correlated-events-dark.png`, fullPage: true });

    // Cancelling the question sends nothing; confirming deletes it.
    await card.getByRole('button', { name: 'Delete CorrelatedEvent k-1' }).click();
    const question = page.getByRole('alertdialog', { name: 'Delete CorrelatedEvent k-1?' });
    await question.getByText('the key can be sent again').waitFor();
    await page.screenshot({ path: `${screenshots}delete-correlated-event.png`, fullPage: true });
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'hidden' });
    expect(await client.correlatedEvent('k-1', def)).not.toBeNull();

    await card.getByRole('button', { name: 'Delete CorrelatedEvent k-1' }).click();
    await question.getByRole('button', { name: 'Confirm delete' }).click();
    await card.getByRole('status').getByText('Deleted CorrelatedEvent k-1.').waitFor();
    expect(await card.getByRole('alert').count()).toBe(0);
    await card.getByText(`No CorrelatedEvents of ${def}`).waitFor();
    expect(await client.correlatedEvent('k-1', def)).toBeNull();
    expect(light.pageErrors).toEqual([]);
    expect(dark.pageErrors).toEqual([]);
  });
});
