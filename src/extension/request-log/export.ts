import { createWriteStream } from 'node:fs';
import { homedir } from 'node:os';
import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import * as vscode from 'vscode';
import type { Gateway } from '../../core/gateway';
import type { ExportFormat } from '../../core/log/export';
import { exportFileName, toQuery, type LogFilter } from './view-model';

const FILTERS: Record<ExportFormat, Record<string, string[]>> = { jsonl: { 'JSON Lines': ['jsonl'] }, csv: { CSV: ['csv'] } };

function defaultTarget(format: ExportFormat): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
  return vscode.Uri.joinPath(folder, exportFileName(format, new Date()));
}

/** Writes the export to a local file by streaming, or to any other file system through `workspace.fs`. */
async function writeTo(target: vscode.Uri, write: (out: Writable) => Promise<number>): Promise<number> {
  if (target.scheme === 'file') {
    const out = createWriteStream(target.fsPath);
    const done = finished(out);
    try {
      const count = await write(out);
      out.end();
      await done;
      return count;
    } catch (err) {
      out.destroy();
      throw err;
    }
  }
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const count = await write(out);
  out.end();
  await vscode.workspace.fs.writeFile(target, Buffer.concat(chunks));
  return count;
}

/** Asks where to save, then exports the requests that match the filter (every one, oldest first). */
export async function exportRequests(gateway: Gateway, filter: LogFilter, format: ExportFormat): Promise<vscode.Uri | undefined> {
  const target = await vscode.window.showSaveDialog({
    title: `Export Request Log as ${format === 'csv' ? 'CSV' : 'JSON Lines'}`,
    saveLabel: 'Export',
    defaultUri: defaultTarget(format),
    filters: FILTERS[format],
  });
  if (!target) return undefined;
  try {
    const count = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Switchboard: exporting requests…' },
      // Unreadable lines are skipped and reported through the gateway's warnings.
      () => writeTo(target, (out) => gateway.requestLog.export(out, format, toQuery(filter, Date.now(), 'export'))),
    );
    void vscode.window.showInformationMessage(`Switchboard: exported ${count} request${count === 1 ? '' : 's'} to ${vscode.workspace.asRelativePath(target)}.`);
    return target;
  } catch (err) {
    void vscode.window.showErrorMessage(`Switchboard: the export to ${target.fsPath} failed: ${(err as Error).message}`);
    return undefined;
  }
}
