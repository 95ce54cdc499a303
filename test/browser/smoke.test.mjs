// Smoke journey in a real browser against the packaged extension: the status bar shows Switchboard's item with
// the model in force, and a command run from the palette (F1) does its job.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extensionId, extensionManifest } from '../harness/paths.mjs';
import { withWorkbench } from './workbench-session.mjs';

const STATUS_ITEM_ID = `${extensionId}.switchboard.status`;
const DEFAULT_MODEL = extensionManifest.contributes.configuration.properties['switchboard.model'].default;

test('the status bar shows the model, and Show Diagnostics runs from the command palette', () =>
  withWorkbench('smoke', async (workbench) => {
    const status = workbench.statusBarItem(STATUS_ITEM_ID);
    await status.waitFor({ timeout: 60_000 });
    assert.match(await status.innerText(), new RegExp(DEFAULT_MODEL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(await status.getAttribute('aria-label'), /Switchboard/);

    await workbench.runCommand('Switchboard: Show Diagnostics');
    const message = await workbench.waitForNotification('Switchboard: activated in');
    assert.match(message, /activated in \d+(\.\d+)? ms/);
    console.log(`[perf] packaged extension in code-server: ${message}`);
  }));
