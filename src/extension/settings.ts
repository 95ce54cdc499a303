import * as vscode from 'vscode';
import { SETTING_KEYS, parseSettings, type Settings, type SettingsWarning } from '../core/config/settings';

export const SECTION = 'switchboard';

/** The folder whose settings apply: the active editor's, else the first workspace folder's. */
export function settingsScope(): vscode.Uri | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = active ? vscode.workspace.getWorkspaceFolder(active) : undefined;
  return folder?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** Every `switchboard.*` value as VS Code resolves it for `scope` (folder, workspace, user, default). */
export function readRawSettings(scope: vscode.Uri | undefined): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, config.get(key)]));
}

/**
 * The settings in force. Re-read on every configuration change; an invalid value is reported once through
 * `warn` and the last good value stays.
 */
export class SettingsStore implements vscode.Disposable {
  private settings: Settings;
  private warnings: SettingsWarning[] = [];
  private scope: string | undefined;
  private readonly changed = new vscode.EventEmitter<Settings>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Fires after the settings in force changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly warn: (warnings: SettingsWarning[]) => void) {
    const scope = settingsScope();
    this.scope = scope?.toString();
    const parsed = parseSettings(readRawSettings(scope));
    this.settings = parsed.settings;
    this.report(parsed.warnings);
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.reload();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => {
        if (settingsScope()?.toString() !== this.scope) this.reload();
      }),
    );
  }

  get current(): Settings {
    return this.settings;
  }

  /** The warnings of the last read: each names a setting whose value was rejected. */
  get currentWarnings(): readonly SettingsWarning[] {
    return this.warnings;
  }

  reload(): void {
    const scope = settingsScope();
    this.scope = scope?.toString();
    const parsed = parseSettings(readRawSettings(scope), this.settings);
    this.report(parsed.warnings);
    if (JSON.stringify(parsed.settings) !== JSON.stringify(this.settings)) {
      this.settings = parsed.settings;
      this.changed.fire(this.settings);
    }
  }

  private report(warnings: SettingsWarning[]): void {
    const seen = new Set(this.warnings.map((w) => `${w.setting}\n${w.message}`));
    const fresh = warnings.filter((w) => !seen.has(`${w.setting}\n${w.message}`));
    this.warnings = warnings;
    if (fresh.length) this.warn(fresh);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Shows each warning with a button that opens the setting. */
export function showSettingsWarnings(warnings: SettingsWarning[]): void {
  for (const warning of warnings) {
    void vscode.window.showWarningMessage(`Switchboard: ${warning.message}`, 'Open Setting').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', warning.setting);
    });
  }
}
