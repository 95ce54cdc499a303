import * as vscode from 'vscode';
import { formatMs, formatUsd } from '../../core/format';
import { errorMessage, isAbortError } from '../../core/errors';
import type { ChatRequestInput, GatewayResult } from '../../core/types';
import { DocumentAppender } from '../document-appender';
import type { Services } from '../services';
import { showRequestError } from './show-error';

export interface AnswerOutcome {
  /** The untitled Markdown document the answer streamed into. */
  document: vscode.TextDocument;
  result?: GatewayResult;
  error?: string;
  cancelled: boolean;
}

const summary = (r: GatewayResult): string =>
  [
    `\`${r.model}\`` + (r.model !== r.requestedModel ? ` (fallback from \`${r.requestedModel}\`)` : ''),
    `${formatMs(r.latencyMs)} (ttft ${formatMs(r.ttftMs)})`,
    `${r.usage.inputTokens} in / ${r.usage.outputTokens} out tokens${r.usage.estimated ? ' (estimated)' : ''}`,
    r.cost.priced ? formatUsd(r.cost.total) : 'no price known',
  ].join(' · ');

/**
 * Streams a request's answer into a new untitled Markdown editor under `heading`, with a progress notification
 * whose Cancel button aborts the request upstream. Ends the document with the answer's model, latency, tokens
 * and cost, or with what went wrong.
 */
export async function streamAnswer(
  services: Services,
  options: { request: ChatRequestInput; heading: string; viewColumn: vscode.ViewColumn },
): Promise<AnswerOutcome> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: options.heading });
  await vscode.window.showTextDocument(document, {
    viewColumn: options.viewColumn,
    preview: false,
    preserveFocus: options.viewColumn === vscode.ViewColumn.Beside,
  });
  const appender = new DocumentAppender(document);
  const gateway = await services.gateway.get();

  const outcome: AnswerOutcome = { document, cancelled: false };
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Switchboard: ${options.request.model}`, cancellable: true },
    async (progress, token) => {
      progress.report({ message: 'waiting for the first token…' });
      let streaming = false;
      for await (const event of services.requests.stream(gateway, options.request, token)) {
        if (event.type === 'text') {
          if (!streaming) progress.report({ message: 'streaming…' });
          streaming = true;
          appender.append(event.delta);
        } else if (event.type === 'done') {
          outcome.result = event.result;
        } else if (event.type === 'error') {
          outcome.cancelled = token.isCancellationRequested || isAbortError(event.error);
          if (!outcome.cancelled) {
            outcome.error = errorMessage(event.error);
            showRequestError(event.error, await providerOf(services, options.request.model));
          }
        }
      }
    },
  );

  if (outcome.result) appender.append(`\n\n---\n\n_${summary(outcome.result)}_\n`);
  else if (outcome.cancelled) appender.append('\n\n---\n\n_Cancelled._\n');
  else if (outcome.error) appender.append(`\n\n---\n\n**Error:** ${outcome.error}\n`);
  await appender.settled();
  return outcome;
}

/** The provider of a model id or alias, for the error's "Set API Key" button. */
async function providerOf(services: Services, model: string): Promise<string | undefined> {
  try {
    return (await services.gateway.get()).catalog.resolve(model).provider;
  } catch {
    return undefined;
  }
}
