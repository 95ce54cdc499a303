import type * as vscode from 'vscode';
import type { CostTotals } from './costs';
import type { GatewayHost } from './gateway-host';
import type { KeyStore } from './keys';
import type { Requests } from './requests';
import type { SettingsStore } from './settings';
import type { StatusBar } from './status-bar';

/** What the extension's commands and providers share. Built once in `activate`. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly settings: SettingsStore;
  readonly keys: KeyStore;
  readonly gateway: GatewayHost;
  readonly requests: Requests;
  readonly costs: CostTotals;
  readonly statusBar: StatusBar;
}
