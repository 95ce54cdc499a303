import * as vscode from 'vscode';
import type { Gateway } from '../../core/gateway';
import type { RequestRecord } from '../../core/log/record';
import { RECORD_SCHEME, RecordDocuments } from './documents';
import { runRequestLog } from './picker';
import { DEFAULT_FILTER, STATUSES, TIME_RANGES, type LogFilter } from './view-model';

export const SHOW_REQUEST_LOG_COMMAND = 'switchboard.showRequestLog';

export interface RequestLogDeps {
  /** The gateway, built on first use: nothing is read until the view is opened. */
  gateway: { get(): Promise<Gateway> };
}

/** A filter passed to the command (e.g. `{ model: 'openai/gpt-5-mini', status: 'error', range: '7d' }`), checked. */
function filterFrom(arg: unknown, fallback: LogFilter): LogFilter {
  if (typeof arg !== 'object' || arg === null) return fallback;
  const a = arg as Record<string, unknown>;
  return {
    model: typeof a.model === 'string' ? a.model : undefined,
    status: STATUSES.find((s) => s === a.status),
    range: TIME_RANGES.find((r) => r.id === a.range)?.id ?? fallback.range,
  };
}

async function findRecord(gateway: Gateway, id: string): Promise<RequestRecord | undefined> {
  for await (const record of gateway.requestLog.query()) if (record.id === id) return record;
  return undefined;
}

/**
 * The Request Log view: `switchboard.showRequestLog` opens a filterable list of logged requests (model, status,
 * time), each opening as a read-only JSON document with its request and response when they were logged, with
 * export to JSON Lines and CSV. Push the returned disposable into `context.subscriptions`.
 */
export function registerRequestLog(_context: vscode.ExtensionContext, deps: RequestLogDeps): vscode.Disposable {
  const documents = new RecordDocuments(async (id) => findRecord(await deps.gateway.get(), id));
  const state = { filter: DEFAULT_FILTER };
  let running = false;
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(RECORD_SCHEME, documents),
    // Returns once the list is on its way, not when it closes.
    vscode.commands.registerCommand(SHOW_REQUEST_LOG_COMMAND, (arg?: unknown) => {
      state.filter = filterFrom(arg, state.filter);
      if (running) return;
      running = true;
      void deps.gateway
        .get()
        .then((gateway) => runRequestLog(gateway, documents, state))
        .catch((err: unknown) => vscode.window.showErrorMessage(`Switchboard: the request log could not be shown: ${(err as Error).message}`))
        .finally(() => (running = false));
    }),
  );
}
