import * as vscode from 'vscode';
import type { AccountingWarning } from '../core/accounting/accounting';
import type { SettingsWarning } from '../core/config/settings';
import type { Diagnostics, SwitchboardApi } from './api';
import { rotateGatewayToken } from './commands/gateway-token';
import { registerCommands } from './commands/index';
import { CostTracker } from './costs';
import { GatewayHost } from './gateway-host';
import { KeyStore } from './keys';
import { LocalGateway, type StartGatewayArgs } from './local-gateway';
import { registerChatProvider } from './lm/chat-provider';
import { registerPlayground } from './playground/index';
import { registerRequestLog } from './request-log/index';
import { Requests } from './requests';
import { noticeRetirements } from './retirement-notice';
import type { Services } from './services';
import { SettingsStore, showSettingsWarnings } from './settings';
import { StatusBar } from './status-bar';

/** How long after activation the usage totals load when a budget is set. */
const BUDGET_LOAD_DELAY_MS = 2000;

/** Budget warnings and problems of the request log, the totals or the telemetry export. */
function showAccountingWarning(warning: AccountingWarning): void {
  const actions = warning.setting ? ['Open Setting'] : [];
  void vscode.window.showWarningMessage(`Switchboard: ${warning.message}`, ...actions).then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', warning.setting);
  });
}

/**
 * Settings the gateway could not apply (a fallback to an unknown model) or that name no provider or model (an
 * override for a misspelt provider), each shown once.
 */
const shownGatewayWarnings = new Set<string>();
function reportGatewayWarnings(warnings: readonly SettingsWarning[]): void {
  const fresh = warnings.filter((w) => !shownGatewayWarnings.has(w.message));
  for (const w of fresh) shownGatewayWarnings.add(w.message);
  if (fresh.length) showSettingsWarnings(fresh);
}

/**
 * Activation builds only cheap things: settings, the key store, the status bar, the commands and the language
 * model provider. The gateway (catalog, price data, provider SDKs) loads on the first request or model list.
 */
export function activate(context: vscode.ExtensionContext): SwitchboardApi {
  const started = performance.now();

  const settings = new SettingsStore(showSettingsWarnings);
  const keys = new KeyStore(context.secrets);
  const requests = new Requests();
  const gateway = new GatewayHost({
    settings: () => settings.current,
    keys: keys.source,
    env: process.env,
    dataDir: context.globalStorageUri.fsPath,
    workspace: vscode.workspace.name,
    onCreated: (built) => {
      const detachFinish = built.onDidFinish((event) => {
        if (event.result) costs.record(event.result);
        statusBar.recordFinish(event);
      });
      const detachWarn = built.onDidWarn(showAccountingWarning);
      context.subscriptions.push({ dispose: detachFinish }, { dispose: detachWarn }, { dispose: noticeRetirements(built) });
      reportGatewayWarnings(built.warnings);
    },
  });
  const costs = new CostTracker(gateway);
  const statusBar = new StatusBar(settings, costs, requests);
  const services: Services = { context, settings, keys, gateway, requests, costs, statusBar };
  const localGateway = new LocalGateway(services);

  context.subscriptions.push(
    settings,
    keys,
    costs,
    requests,
    statusBar,
    settings.onDidChange((s) => {
      gateway.updateSettings(s);
      if (gateway.loaded) void gateway.get().then((g) => reportGatewayWarnings(g.warnings));
      void costs.refresh();
    }),
    ...registerCommands(services),
    registerChatProvider(services),
    registerPlayground(context, { gateway, settings, requests, localGatewayUrl: () => localGateway.url }),
    registerRequestLog(context, { gateway }),
    localGateway,
    vscode.commands.registerCommand('switchboard.startGateway', (args?: StartGatewayArgs) => localGateway.start(args)),
    vscode.commands.registerCommand('switchboard.rotateGatewayToken', () => rotateGatewayToken(services, localGateway)),
  );
  closeGateway = async () => {
    if (gateway.loaded) await (await gateway.get()).close();
  };

  const activationMs = performance.now() - started;
  const gatewayLoadedAtActivation = gateway.loaded;

  // With a budget set, the status bar should warn before the first request: load the totals once activation is over.
  const { 'budget.daily': daily, 'budget.monthly': monthly } = settings.current;
  if (daily !== null || monthly !== null) {
    const timer = setTimeout(() => void costs.refresh(true), BUDGET_LOAD_DELAY_MS);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
  const diagnostics = (): Diagnostics => ({
    activationMs,
    gatewayLoadedAtActivation,
    gatewayLoaded: gateway.loaded,
    runningRequests: requests.running.length,
    settingsWarnings: settings.currentWarnings.length,
  });
  context.subscriptions.push(
    vscode.commands.registerCommand('switchboard.showDiagnostics', () => {
      const d = diagnostics();
      void vscode.window.showInformationMessage(
        `Switchboard: activated in ${d.activationMs.toFixed(1)} ms; gateway ${d.gatewayLoaded ? 'loaded' : 'not loaded yet'}; ` +
          `${d.runningRequests} request(s) running; ${d.settingsWarnings} settings warning(s).`,
      );
      return d;
    }),
  );

  return {
    diagnostics,
    settings: () => settings.current,
    settingsWarnings: () => settings.currentWarnings,
    statusBar: () => statusBar.snapshot(),
    sessionSpend: () => costs.session(),
    spendToday: () => costs.today(),
    budget: () => costs.budget(),
    gateway: () => gateway.get(),
  };
}

let closeGateway: (() => Promise<void>) | undefined;

/** Writes the request log and the usage totals of the last requests. */
export function deactivate(): Promise<void> | undefined {
  return closeGateway?.();
}
