// Activation: cheap, nothing heavy loaded, every command of this extension registered, the status bar shown.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../package.json';
import { switchboard } from './switchboard';

/** Declared here, registered by modules still to be wired (request log view, local gateway server). */
const REGISTERED_ELSEWHERE = new Set(['switchboard.showRequestLog', 'switchboard.startGateway']);

describe('Switchboard activation', () => {
  it('activates without loading the gateway, and reports how long it took', async () => {
    const api = await switchboard();
    const d = api.diagnostics();
    assert.equal(d.gatewayLoadedAtActivation, false, 'activate() loaded the gateway (catalog, prices or a provider SDK)');
    // Measured, not judged: the figure goes to the README (the browser smoke test prints it).
    assert.ok(d.activationMs > 0, `activate() took ${d.activationMs} ms`);
  });

  it('registers each of its palette commands', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const own = manifest.contributes.commands.map((c: { command: string }) => c.command).filter((c: string) => !REGISTERED_ELSEWHERE.has(c));
    assert.ok(own.length >= 10);
    assert.deepEqual(own.filter((c: string) => !registered.has(c)), []);
  });

  it('switchboard.showDiagnostics returns the activation figures', async () => {
    const d = await vscode.commands.executeCommand<{ activationMs: number }>('switchboard.showDiagnostics');
    assert.equal(typeof d.activationMs, 'number');
  });

  it('shows the current model in the status bar, which runs Switch Model', async () => {
    const api = await switchboard();
    assert.match(api.statusBar().text, new RegExp(api.settings().model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(api.statusBar().tooltip, /Click to switch model/);
    assert.match(api.statusBar().tooltip, /\[Open Playground\]\(command:switchboard.openPlayground\)/);
  });
});
