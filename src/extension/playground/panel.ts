import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Settings } from '../../core/config/settings';
import { inService } from '../../core/catalog/lifecycle';
import type { Gateway } from '../../core/gateway';
import type { ChatRequestInput, GatewayStreamEvent } from '../../core/types';
import type { HostMessage } from '../../shared/playground-protocol';
import { PlaygroundHistory } from './history';
import { playgroundHtml } from './html';
import { modelInfos } from './models';
import { PlaygroundSession } from './session';

export const PLAYGROUND_VIEW_TYPE = 'switchboard.playground';
const TITLE = 'Switchboard Playground';
const LOCAL_DISCOVERY_TIMEOUT_MS = 1500;

/** What the playground takes from the extension. The extension's `Services` has this shape. */
export interface PlaygroundDeps {
  gateway: { get(): Promise<Gateway> };
  settings: { readonly current: Settings; readonly onDidChange: vscode.Event<unknown> };
  /** When given, runs go through it (so the status bar and "Cancel Request" see them); else straight to the gateway. */
  requests?: {
    stream(gateway: Gateway, input: ChatRequestInput, token?: vscode.CancellationToken): AsyncIterable<GatewayStreamEvent>;
  };
  /** The running local gateway's base URL, which "Copy as code" prefers to the configured host and port. */
  localGatewayUrl?(): string | undefined;
}

/** The webview may load only the bundled app. */
export const mediaRoot = (extensionUri: vscode.Uri): vscode.Uri => vscode.Uri.joinPath(extensionUri, 'dist', 'media');

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [mediaRoot(extensionUri)] };
}

/** The built stylesheet's text, read once: every panel writes it into its page (see playgroundHtml). */
const stylesheets = new Map<string, string>();
const stylesheet = (root: vscode.Uri): string => {
  const path = vscode.Uri.joinPath(root, 'playground.css').fsPath;
  let text = stylesheets.get(path);
  if (text === undefined) stylesheets.set(path, (text = readFileSync(path, 'utf8')));
  return text;
};

function gatewayBaseUrl(settings: Settings): string {
  const host = settings['gateway.host'];
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${shown}:${settings['gateway.port'] || 4141}`;
}

/** One playground editor: its webview, its session with the webview, and their lifetimes. */
export class PlaygroundPanel implements vscode.Disposable {
  private readonly session: PlaygroundSession;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  private isDisposed = false;
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly deps: PlaygroundDeps,
  ) {
    const webview = panel.webview;
    webview.options = webviewOptions(context.extensionUri);
    const root = mediaRoot(context.extensionUri);
    webview.html = playgroundHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'playground.js')).toString(),
      style: stylesheet(root),
      sendShortcut: process.platform === 'darwin' ? '⌘+Enter' : 'Ctrl+Enter',
    });
    this.session = new PlaygroundSession(
      {
        post: (message: HostMessage) => void webview.postMessage(message),
        models: () => this.models(),
        stream: (request, signal) => streamThrough(deps, request, signal),
        estimate: async (request) => (await deps.gateway.get()).estimateCost(request),
        copy: async (text) => vscode.env.clipboard.writeText(text),
        saveFile: (name, content, format) => this.saveFile(name, content, format),
        gatewayBaseUrl: () => deps.localGatewayUrl?.() ?? gatewayBaseUrl(deps.settings.current),
        warn: (message) => console.warn(message),
      },
      new PlaygroundHistory(context.workspaceState),
    );
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => void this.session.receive(raw)),
      deps.settings.onDidChange(() => void this.session.refreshModels().catch(() => undefined)),
      panel.onDidDispose(() => this.dispose()),
    );
    void this.discoverLocalModels();
  }

  /** Ollama and LM Studio models join the picker when they answer; the panel does not wait for them. */
  private async discoverLocalModels(): Promise<void> {
    try {
      const gateway = await this.deps.gateway.get();
      const found = await gateway.discoverLocalModels(AbortSignal.timeout(LOCAL_DISCOVERY_TIMEOUT_MS));
      if (found.length && !this.isDisposed) await this.session.refreshModels();
    } catch {
      // No local server, or the gateway failed to load (which the first run reports).
    }
  }

  reveal(): void {
    this.panel.reveal();
  }

  private async models() {
    const gateway = await this.deps.gateway.get();
    const entries = inService(gateway.catalog.entries(), this.deps.settings.current.model);
    const providers = [...new Set(entries.map((e) => e.provider))];
    const withoutKey = new Set<string>();
    await Promise.all(providers.map(async (p) => (await gateway.hasKey(p)) || withoutKey.add(p)));
    return { models: modelInfos(entries, withoutKey), defaultModel: this.deps.settings.current.model };
  }

  private async saveFile(name: string, content: string, format: 'json' | 'markdown'): Promise<boolean> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      title: 'Export conversation',
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'json' ? { JSON: ['json'] } : { Markdown: ['md'] },
    });
    if (!uri) return false;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
    void vscode.window.showInformationMessage(`Switchboard: exported the conversation to ${vscode.workspace.asRelativePath(uri)}.`, 'Open').then(
      (choice) => choice && vscode.window.showTextDocument(uri),
    );
    return true;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.session.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposed.fire();
    this.disposed.dispose();
    this.panel.dispose();
  }
}

/** Streams through the extension's request tracker when there is one: a cancelled token aborts upstream. */
async function* streamThrough(deps: PlaygroundDeps, request: ChatRequestInput, signal: AbortSignal): AsyncGenerator<GatewayStreamEvent> {
  const gateway = await deps.gateway.get();
  if (!deps.requests) {
    yield* gateway.stream(request, { signal });
    return;
  }
  const source = new vscode.CancellationTokenSource();
  const cancel = () => source.cancel();
  if (signal.aborted) cancel();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    yield* deps.requests.stream(gateway, request, source.token);
  } finally {
    signal.removeEventListener('abort', cancel);
    source.dispose();
  }
}

/** Creates the playground editor, or restores one VS Code kept across a reload. At most one is open. */
export class PlaygroundController implements vscode.Disposable {
  private current: PlaygroundPanel | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: PlaygroundDeps,
  ) {}

  open(): PlaygroundPanel {
    if (this.current) {
      this.current.reveal();
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(PLAYGROUND_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, webviewOptions(this.context.extensionUri));
    return this.adopt(panel);
  }

  /** The serializer's side: the webview restores its own state through getState(). */
  restore(panel: vscode.WebviewPanel): void {
    this.current?.dispose();
    this.adopt(panel);
  }

  private adopt(panel: vscode.WebviewPanel): PlaygroundPanel {
    const playground = new PlaygroundPanel(panel, this.context, this.deps);
    this.current = playground;
    playground.onDidDispose(() => {
      if (this.current === playground) this.current = undefined;
    });
    return playground;
  }

  dispose(): void {
    this.current?.dispose();
  }
}
