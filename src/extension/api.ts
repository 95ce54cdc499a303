import type { BudgetState } from '../core/accounting/budget-state';
import type { Settings, SettingsWarning } from '../core/config/settings';
import type { Gateway } from '../core/gateway';
import type { SessionSpend } from './costs';
import type { StatusBarSnapshot } from './status-bar';

export interface Diagnostics {
  /** How long `activate()` took, in milliseconds. */
  activationMs: number;
  /** Whether the gateway module (and so the catalog, price data or a provider SDK) was loaded by `activate()`. */
  gatewayLoadedAtActivation: boolean;
  /** Whether it is loaded now. */
  gatewayLoaded: boolean;
  runningRequests: number;
  settingsWarnings: number;
}

/** What `activate()` returns: `vscode.extensions.getExtension('switchboard-dev.switchboard').exports`. */
export interface SwitchboardApi {
  diagnostics(): Diagnostics;
  /** The settings in force (the last good value of any invalid one). */
  settings(): Settings;
  settingsWarnings(): readonly SettingsWarning[];
  statusBar(): StatusBarSnapshot;
  sessionSpend(): SessionSpend;
  /** Today's spend in USD, as the budget warning counts it. */
  spendToday(): number;
  /** Spend against the budgets; undefined until the usage totals are loaded. */
  budget(): BudgetState | undefined;
  /** The gateway every Switchboard request goes through; loaded on first call. */
  gateway(): Promise<Gateway>;
}
