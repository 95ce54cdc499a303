import type { CostEstimate } from '../../core/accounting/accounting';
import { errorMessage } from '../../core/errors';
import { parseWebviewMessage, type HostMessage, type ModelInfo, type RunRequest, type WebviewMessage } from '../../shared/playground-protocol';
import { draftEstimate } from './estimate';
import { exportFileName, exportJson, exportMarkdown } from './export';
import type { PlaygroundHistory } from './history';
import { PlaygroundRuns, type StreamRequest } from './runs';
import { snippet } from './snippets';

/** What a session needs from its editor: kept behind this interface so the session runs without VS Code. */
export interface SessionHost {
  post(message: HostMessage): void;
  models(): Promise<{ models: ModelInfo[]; defaultModel: string }>;
  stream: StreamRequest;
  /** What the request would roughly cost, on its model and across the catalog. */
  estimate(request: RunRequest): Promise<CostEstimate>;
  /** Writes the clipboard. */
  copy(text: string): Promise<void>;
  /** Asks where to save, then writes; false when the user cancelled. */
  saveFile(suggestedName: string, content: string, format: 'json' | 'markdown'): Promise<boolean>;
  /** The local REST gateway's base URL, e.g. `http://127.0.0.1:4141`. */
  gatewayBaseUrl(): string;
  /** Reports a message the webview should never have sent. */
  warn(message: string): void;
}

/**
 * One playground panel's side of the conversation with its webview: validates every message, then runs
 * requests, keeps history, exports and copies code. The webview is never trusted: a message that fails the
 * protocol's schema is dropped and reported.
 */
export class PlaygroundSession {
  readonly runs: PlaygroundRuns;

  constructor(
    private readonly host: SessionHost,
    private readonly history: PlaygroundHistory,
  ) {
    this.runs = new PlaygroundRuns(host.stream, (m) => host.post(m));
  }

  async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.host.warn(`Switchboard playground: ignored an invalid message from the webview (${parsed.error}).`);
      return;
    }
    try {
      await this.handle(parsed.message);
    } catch (error) {
      this.host.post({ type: 'notice', level: 'error', message: errorMessage(error) });
    }
  }

  /** Sends the models again, e.g. after the settings changed. */
  async refreshModels(): Promise<void> {
    const { models, defaultModel } = await this.host.models();
    this.host.post({ type: 'models', models, defaultModel });
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready': {
        let models: ModelInfo[] = [];
        let defaultModel = '';
        try {
          ({ models, defaultModel } = await this.host.models());
        } catch (error) {
          this.host.post({ type: 'notice', level: 'error', message: `The model catalog could not be loaded: ${errorMessage(error)}` });
        }
        // Taken last: run text posted while the models loaded is in it, and the webview replaces what it has with it.
        this.host.post({ type: 'init', models, defaultModel, history: this.history.list(), runs: this.runs.snapshot() });
        return;
      }
      case 'run':
        void this.runs.start(message.runId, message.request);
        return;
      case 'stop':
        this.runs.stop(message.runId);
        return;
      case 'ack':
        this.runs.ack(message.runIds);
        return;
      case 'saveConversation':
        await this.history.save(message.conversation);
        this.host.post({ type: 'history', items: this.history.list() });
        return;
      case 'deleteConversation':
        await this.history.delete(message.id);
        this.host.post({ type: 'history', items: this.history.list() });
        return;
      case 'openConversation': {
        const conversation = this.history.get(message.id);
        if (conversation) this.host.post({ type: 'conversation', conversation });
        else this.host.post({ type: 'notice', level: 'error', message: 'That conversation is no longer in the history.' });
        return;
      }
      case 'export': {
        const content = message.format === 'json' ? exportJson(message.conversation) : exportMarkdown(message.conversation);
        const saved = await this.host.saveFile(exportFileName(message.conversation, message.format), content, message.format);
        if (saved) this.host.post({ type: 'notice', level: 'info', message: 'Conversation exported.' });
        return;
      }
      case 'copyAsCode': {
        const text = snippet(message.format, message.request, this.host.gatewayBaseUrl());
        const copied = await this.host.copy(text).then(
          () => true,
          () => false,
        );
        this.host.post({ type: 'snippet', format: message.format, text, copied });
        return;
      }
      case 'estimate': {
        // A hint beside the prompt: when there is none to give (an unknown model, say), the line is just left out.
        const estimate = await this.host.estimate(message.request).then(draftEstimate, () => undefined);
        this.host.post({ type: 'estimate', estimateId: message.estimateId, estimate });
        return;
      }
    }
  }

  dispose(): void {
    this.runs.dispose();
  }
}
