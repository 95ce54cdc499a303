// Shared by the Switchboard extension-host tests: the extension's API, settings that are put back afterwards,
// polling, and closing the untitled editors the commands open.
import * as vscode from 'vscode';
import manifest from '../../package.json';
import type { SwitchboardApi } from '../../src/extension/api';

export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

export async function switchboard(): Promise<SwitchboardApi> {
  const extension = vscode.extensions.getExtension<SwitchboardApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** Polls until `probe` returns a value other than undefined/false, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Writes `switchboard.<key>` in user settings; `restoreSettings()` removes every value written so. */
const written = new Set<string>();
export async function setSetting(key: string, value: unknown): Promise<void> {
  written.add(key);
  await vscode.workspace.getConfiguration('switchboard').update(key, value, vscode.ConfigurationTarget.Global);
}

export async function restoreSettings(): Promise<void> {
  for (const key of written) await vscode.workspace.getConfiguration('switchboard').update(key, undefined, vscode.ConfigurationTarget.Global);
  written.clear();
}

/** Closes every editor, discarding the untitled answers (closing them unsaved would ask whether to save). */
export async function closeAllEditors(): Promise<void> {
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isUntitled && d.isDirty)) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export type MessageKind = 'showWarningMessage' | 'showErrorMessage' | 'showInformationMessage';
/**
 * Answers the extension's `vscode.window[kind]` calls with `answer(message, ...rest)` (the extension and this suite
 * share one `vscode` API object) and records them, until `restore()`.
 */
export function answerMessages(kind: MessageKind, answer: (message: string, ...rest: unknown[]) => string | undefined) {
  const window = vscode.window as unknown as Record<MessageKind, unknown>;
  const original = window[kind];
  const calls: { message: string; rest: unknown[] }[] = [];
  window[kind] = (message: string, ...rest: unknown[]) => {
    calls.push({ message, rest });
    return Promise.resolve(answer(message, ...rest));
  };
  return { calls, restore: () => (window[kind] = original) };
}
