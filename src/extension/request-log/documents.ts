import * as vscode from 'vscode';
import type { RequestRecord } from '../../core/log/record';
import { recordDocument, recordPath } from './view-model';

export const RECORD_SCHEME = 'switchboard-log';

/** Records opened recently, so that their documents need no log read. */
const KEPT = 200;

/**
 * Read-only JSON documents of request records (`switchboard-log:` URIs). A document restored after a reload, whose
 * record is no longer in memory, is looked up in the log by its id.
 */
export class RecordDocuments implements vscode.TextDocumentContentProvider {
  private readonly records = new Map<string, RequestRecord>();

  constructor(private readonly lookup: (id: string) => Promise<RequestRecord | undefined>) {}

  uriFor(record: RequestRecord): vscode.Uri {
    this.records.delete(record.id);
    this.records.set(record.id, record);
    for (const id of this.records.keys()) {
      if (this.records.size <= KEPT) break;
      this.records.delete(id);
    }
    return vscode.Uri.from({ scheme: RECORD_SCHEME, path: recordPath(record), query: new URLSearchParams({ id: record.id }).toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = new URLSearchParams(uri.query).get('id') ?? '';
    const record = this.records.get(id) ?? (await this.lookup(id));
    if (record) return recordDocument(record);
    return `${JSON.stringify({ id, note: 'This request is no longer in the request log (older than switchboard.logging.retentionDays, or deleted).' }, null, 2)}\n`;
  }

  async open(record: RequestRecord): Promise<void> {
    const document = await vscode.workspace.openTextDocument(this.uriFor(record));
    await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true });
  }
}
