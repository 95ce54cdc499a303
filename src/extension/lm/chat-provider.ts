import * as vscode from 'vscode';
import type { CatalogEntry } from '../../core/catalog/types';
import { inService } from '../../core/catalog/lifecycle';
import { UnknownModelError, errorMessage, isAbortError } from '../../core/errors';
import type { Gateway } from '../../core/gateway';
import type { ChatRequestInput } from '../../core/types';
import { countTokens, estimatePromptTokens } from '../../core/usage/estimate';
import type { Services } from '../services';
import { parseToolArguments, toGatewayMessages, toRequestOptions } from './convert';

/** The vendor id in `contributes.languageModelChatProviders` and in `vscode.lm.selectChatModels({ vendor })`. */
export const LM_VENDOR = 'switchboard';

/** Local servers are probed at most this often while VS Code asks for the model list. */
const DISCOVERY_INTERVAL_MS = 30_000;
const DISCOVERY_TIMEOUT_MS = 1500;

const usd = (n: number): string => `$${Number(n.toPrecision(3))}`;

function toInformation(entry: CatalogEntry): vscode.LanguageModelChatInformation {
  const price = entry.price ? `${usd(entry.price.input)} / ${usd(entry.price.output)} per 1M tokens` : 'price unknown';
  return {
    id: entry.id,
    name: entry.displayName,
    family: entry.upstreamModel,
    version: entry.upstreamModel,
    detail: entry.discovered ? 'local' : price,
    tooltip: `${entry.id} through Switchboard · ${price} · ${entry.contextWindow.toLocaleString('en-US')} tokens of context`,
    maxInputTokens: entry.maxOutput < entry.contextWindow ? entry.contextWindow - entry.maxOutput : entry.contextWindow,
    maxOutputTokens: entry.maxOutput,
    capabilities: { imageInput: entry.capabilities.vision, toolCalling: entry.capabilities.tools },
  };
}

/**
 * Offers the catalog's models that can be called right now (their provider has a key, or is a local server) to
 * VS Code's chat model picker and to `vscode.lm`. Requests go through the gateway, so routing, retries, cost,
 * logging and the status bar apply to them as to Switchboard's own commands.
 */
export class SwitchboardChatProvider implements vscode.LanguageModelChatProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private lastDiscovery = 0;
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;

  constructor(private readonly services: Services) {
    this.disposables.push(
      services.keys.onDidChange(() => this.changed.fire()),
      services.settings.onDidChange(() => {
        this.lastDiscovery = 0;
        this.changed.fire();
      }),
    );
  }

  async provideLanguageModelChatInformation(
    options: vscode.PrepareLanguageModelChatModelOptions,
    _token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelChatInformation[]> {
    const gateway = await this.services.gateway.get();
    let entries = await this.callableEntries(gateway);
    if (!entries.length && !options.silent) {
      // Asked from the "Manage Models" flow: let the user add a key, then list again.
      await vscode.commands.executeCommand('switchboard.setApiKey');
      entries = await this.callableEntries(gateway);
    }
    return entries.map(toInformation);
  }

  async provideLanguageModelChatResponse(
    model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const gateway = await this.services.gateway.get();
    const request: ChatRequestInput = { model: model.id, ...toGatewayMessages(messages), ...toRequestOptions(options) };
    for await (const event of this.services.requests.stream(gateway, request, token)) {
      if (event.type === 'text') {
        progress.report(new vscode.LanguageModelTextPart(event.delta));
      } else if (event.type === 'done') {
        for (const call of event.result.toolCalls) {
          progress.report(new vscode.LanguageModelToolCallPart(call.id, call.name, parseToolArguments(call)));
        }
      } else if (event.type === 'error') {
        if (token.isCancellationRequested || isAbortError(event.error)) throw new vscode.CancellationError();
        if (event.error instanceof UnknownModelError) throw vscode.LanguageModelError.NotFound(event.error.message);
        throw new Error(`Switchboard: ${errorMessage(event.error)}`, { cause: event.error });
      }
    }
  }

  async provideTokenCount(
    _model: vscode.LanguageModelChatInformation,
    text: string | vscode.LanguageModelChatRequestMessage,
    _token: vscode.CancellationToken,
  ): Promise<number> {
    if (typeof text === 'string') return countTokens(text);
    const { messages } = toGatewayMessages([text]);
    return messages.length ? estimatePromptTokens({ messages }) : 0;
  }

  /** Catalog entries whose provider has a key or needs none, local models included. */
  private async callableEntries(gateway: Gateway): Promise<CatalogEntry[]> {
    if (Date.now() - this.lastDiscovery > DISCOVERY_INTERVAL_MS) {
      this.lastDiscovery = Date.now();
      await gateway.discoverLocalModels(AbortSignal.timeout(DISCOVERY_TIMEOUT_MS)).catch(() => []);
    }
    const entries = inService(gateway.catalog.entries());
    const providers = [...new Set(entries.map((e) => e.provider))];
    const callable = new Set((await Promise.all(providers.map(async (p) => ((await gateway.hasKey(p)) ? p : undefined)))).filter(Boolean));
    return entries.filter((e) => callable.has(e.provider));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function registerChatProvider(services: Services): vscode.Disposable {
  const provider = new SwitchboardChatProvider(services);
  return vscode.Disposable.from(vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, provider), provider);
}
