import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { RequestRecord } from './record';

/** Exports request records as JSON Lines (every field) or CSV (one row of metadata per request). */

export type ExportFormat = 'jsonl' | 'csv';

export const CSV_COLUMNS = [
  'id',
  'time',
  'source',
  'workspace',
  'requestedModel',
  'model',
  'provider',
  'status',
  'latencyMs',
  'ttftMs',
  'inputTokens',
  'cachedInputTokens',
  'cacheWriteTokens',
  'outputTokens',
  'reasoningTokens',
  'usageEstimated',
  'costUsd',
  'priced',
  'cacheHit',
  'attempts',
  'finishReason',
  'error',
] as const;

function csvRow(r: RequestRecord): unknown[] {
  return [
    r.id,
    r.time,
    r.source,
    r.workspace,
    r.requestedModel,
    r.model,
    r.provider,
    r.status,
    r.latencyMs,
    r.ttftMs,
    r.usage.inputTokens,
    r.usage.cachedInputTokens,
    r.usage.cacheWriteTokens,
    r.usage.outputTokens,
    r.usage.reasoningTokens,
    r.usage.estimated === true,
    r.cost,
    r.priced,
    r.cacheHit,
    r.attempts.length,
    r.finishReason,
    r.error,
  ];
}

/**
 * One CSV field (RFC 4180). Text that a spreadsheet would run as a formula (starting with = + - @) gets a
 * leading apostrophe, since error messages and workspace names come from outside.
 */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** Writes the records to `out` (not ended), honouring back-pressure. Returns how many were written. */
export async function exportRecords(records: AsyncIterable<RequestRecord> | Iterable<RequestRecord>, format: ExportFormat, out: Writable): Promise<number> {
  let count = 0;
  if (format === 'csv') await write(out, `${CSV_COLUMNS.join(',')}\r\n`);
  for await (const record of records) {
    await write(out, format === 'csv' ? `${csvRow(record).map(csvField).join(',')}\r\n` : `${JSON.stringify(record)}\n`);
    count++;
  }
  return count;
}
