import * as vscode from 'vscode';
import type { Gateway } from '../../core/gateway';
import type { ExportFormat } from '../../core/log/export';
import type { RequestRecord, RequestStatus } from '../../core/log/record';
import type { RecordDocuments } from './documents';
import { exportRequests } from './export';
import { LIST_LIMIT, STATUSES, TIME_RANGES, describeFilter, recordRow, toQuery, type LogFilter, type TimeRangeId } from './view-model';

interface RecordItem extends vscode.QuickPickItem {
  record: RequestRecord;
}

type Action = { kind: 'filter'; what: 'model' | 'status' | 'time' } | { kind: 'export'; format: ExportFormat } | { kind: 'close' };

interface Button extends vscode.QuickInputButton {
  action: Action;
}

function buttons(filter: LogFilter): Button[] {
  return [
    { iconPath: new vscode.ThemeIcon('hubot'), tooltip: `Filter by model (${filter.model ?? 'any'})`, action: { kind: 'filter', what: 'model' } },
    { iconPath: new vscode.ThemeIcon('checklist'), tooltip: `Filter by status (${filter.status ?? 'any'})`, action: { kind: 'filter', what: 'status' } },
    { iconPath: new vscode.ThemeIcon('history'), tooltip: `Filter by time (${TIME_RANGES.find((r) => r.id === filter.range)?.label})`, action: { kind: 'filter', what: 'time' } },
    { iconPath: new vscode.ThemeIcon('json'), tooltip: 'Export the matching requests as JSON Lines…', action: { kind: 'export', format: 'jsonl' } },
    { iconPath: new vscode.ThemeIcon('table'), tooltip: 'Export the matching requests as CSV…', action: { kind: 'export', format: 'csv' } },
  ];
}

/**
 * The list: newest first, filtered; typing narrows it further by model, time, tokens, cost or error text. Accepting
 * a row opens its record beside the list, which stays open. Resolves with what to do next when a button is pressed
 * or the list is closed.
 */
function showList(gateway: Gateway, filter: LogFilter, documents: RecordDocuments): Promise<Action> {
  const pick = vscode.window.createQuickPick<RecordItem>();
  pick.title = `Switchboard Request Log: ${describeFilter(filter)}`;
  pick.placeholder = 'Loading…';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.ignoreFocusOut = true;
  pick.buttons = buttons(filter);

  let reloadTimer: NodeJS.Timeout | undefined;
  const load = async (): Promise<void> => {
    pick.busy = true;
    try {
      const records = await gateway.requestLog.list(toQuery(filter, Date.now(), 'list'));
      pick.keepScrollPosition = true;
      pick.items = records.map((record) => ({ ...recordRow(record), record }));
      const more = records.length >= LIST_LIMIT ? ` (the newest ${LIST_LIMIT})` : '';
      pick.placeholder = records.length
        ? `${records.length} request${records.length === 1 ? '' : 's'}${more}. Type to narrow; Enter opens one; the buttons filter and export.`
        : emptyMessage(gateway);
    } catch (err) {
      pick.placeholder = `The request log could not be read: ${(err as Error).message}`;
    } finally {
      pick.busy = false;
    }
  };

  return new Promise<Action>((resolve) => {
    let done = false;
    const finish = (action: Action) => {
      if (done) return;
      done = true;
      clearTimeout(reloadTimer);
      stopWatching();
      resolve(action);
      pick.dispose();
    };
    // Requests that end while the list is open show up in it.
    const stopWatching = gateway.onDidFinish(() => {
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => void load(), 300);
    });
    pick.onDidTriggerButton((button) => finish((button as Button).action));
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      if (item) void documents.open(item.record);
    });
    pick.onDidHide(() => finish({ kind: 'close' }));
    pick.show();
    void load();
  });
}

function emptyMessage(gateway: Gateway): string {
  if (!gateway.requestLog.directory) return 'This gateway keeps no request log.';
  if (gateway.currentSettings['logging.level'] === 'off') return 'No requests match. Logging is off: set switchboard.logging.level to "metadata" or "full".';
  return 'No requests match these filters. Use the buttons to widen them.';
}

async function pickModel(gateway: Gateway, current: string | undefined): Promise<string | null | undefined> {
  const summary = await gateway.requestLog.aggregate();
  const models = [...(summary?.aggregate.byModel ?? new Map())].sort(([, a], [, b]) => b.requests - a.requests);
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Any model', model: null, picked: current === undefined },
      ...models.map(([model, tally]) => ({ label: model, description: `${tally.requests} request${tally.requests === 1 ? '' : 's'}`, model, picked: model === current })),
    ],
    { title: 'Switchboard Request Log: filter by model', placeHolder: 'Models in the request log, most used first' },
  );
  return picked?.model;
}

async function pickStatus(): Promise<RequestStatus | null | undefined> {
  const picked = await vscode.window.showQuickPick(
    [{ label: 'Any status', status: null as RequestStatus | null }, ...STATUSES.map((status) => ({ label: status, status }))],
    { title: 'Switchboard Request Log: filter by status' },
  );
  return picked?.status;
}

async function pickRange(): Promise<TimeRangeId | undefined> {
  const picked = await vscode.window.showQuickPick(
    TIME_RANGES.map((r) => ({ label: r.label, id: r.id })),
    { title: 'Switchboard Request Log: filter by time' },
  );
  return picked?.id;
}

/** Runs the view until it is closed; the filter it ends with is kept for the next time. */
export async function runRequestLog(gateway: Gateway, documents: RecordDocuments, state: { filter: LogFilter }): Promise<void> {
  for (;;) {
    const action = await showList(gateway, state.filter, documents);
    if (action.kind === 'close') return;
    if (action.kind === 'export') {
      await exportRequests(gateway, state.filter, action.format);
      continue;
    }
    const filter = { ...state.filter };
    if (action.what === 'model') {
      const model = await pickModel(gateway, filter.model);
      if (model !== undefined) filter.model = model ?? undefined;
    } else if (action.what === 'status') {
      const status = await pickStatus();
      if (status !== undefined) filter.status = status ?? undefined;
    } else {
      filter.range = (await pickRange()) ?? filter.range;
    }
    state.filter = filter;
  }
}
