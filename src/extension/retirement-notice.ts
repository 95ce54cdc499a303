import * as vscode from 'vscode';
import { watchRetirements } from '../core/catalog/lifecycle';
import type { Gateway } from '../core/gateway';
import { offerSwitchModel } from './commands/show-error';

/**
 * Once per model and session, says so when a model that answered, or was asked for, is retired or retires soon,
 * and offers Switch Model. A request the provider refused for it has its own error instead.
 */
export function noticeRetirements(gateway: Gateway): () => void {
  return watchRetirements(gateway, (message) => offerSwitchModel(vscode.window.showWarningMessage, `Switchboard: ${message}`));
}
