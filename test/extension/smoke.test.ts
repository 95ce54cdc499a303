// Smoke: the extension loads in a real extension host, activates, and its contributed commands are real.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../package.json';

const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
/** A contributed command that runs without input or network. */
const SMOKE_COMMAND = 'switchboard.showDiagnostics';

describe('Switchboard in the extension host (smoke)', () => {
  it('is loaded and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command its package.json contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (manifest.contributes.commands ?? []).map((c: { command: string }) => c.command);
    assert.ok(contributed.includes(SMOKE_COMMAND), `${SMOKE_COMMAND} is not contributed`);
    assert.deepEqual(contributed.filter((command: string) => !registered.has(command)), []);
  });

  it(`runs ${SMOKE_COMMAND}`, async () => {
    await vscode.commands.executeCommand(SMOKE_COMMAND);
  });
});
