import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { Services } from '../services';
import { ask, askAboutSelection, type AskArgs } from './ask';
import { showCostSummary, resetSessionCost, showGatewayToken } from './info';
import { clearApiKey, setApiKey, type KeyArgs } from './keys';
import { switchModel, type SwitchModelArgs } from './switch-model';

/**
 * Commands take an optional plain-object argument that skips their pickers and input boxes. Menus pass a Uri
 * (or other values) first: those are ignored.
 */
const argsOf = <T extends object>(value: unknown): T =>
  (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype ? value : {}) as T;

/** Shows what escaped a command (a bug, or the gateway failing to load) instead of failing silently. */
const guarded =
  <R>(id: string, run: (arg: unknown) => R | Promise<R>) =>
  async (arg: unknown): Promise<R | undefined> => {
    try {
      return await run(arg);
    } catch (err) {
      void vscode.window.showErrorMessage(`Switchboard: ${id.replace('switchboard.', '')} failed: ${errorMessage(err)}`);
      return undefined;
    }
  };

/** The commands this module implements; `switchboard.showDiagnostics` is registered in extension.ts. */
export const commandHandlers = (services: Services): Record<string, (arg: unknown) => unknown> => ({
  'switchboard.switchModel': (arg) => switchModel(services, argsOf<SwitchModelArgs>(arg)),
  'switchboard.ask': (arg) => ask(services, argsOf<AskArgs>(arg)),
  'switchboard.askAboutSelection': (arg) => askAboutSelection(services, argsOf<AskArgs>(arg)),
  'switchboard.cancelRequest': () => services.requests.cancelAll(),
  'switchboard.setApiKey': (arg) => setApiKey(services, argsOf<KeyArgs>(arg)),
  'switchboard.clearApiKey': (arg) => clearApiKey(services, argsOf<KeyArgs>(arg)),
  'switchboard.showCostSummary': () => showCostSummary(services),
  'switchboard.resetSessionCost': () => resetSessionCost(services),
  'switchboard.showGatewayToken': () => showGatewayToken(services),
});

export function registerCommands(services: Services): vscode.Disposable[] {
  return Object.entries(commandHandlers(services)).map(([id, run]) => vscode.commands.registerCommand(id, guarded(id, run)));
}
